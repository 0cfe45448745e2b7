import { AgentSettingsScreen } from './agent-settings-screen.tsx';
import AuditLogScreen from './audit-log-screen.tsx';
import type { AgentSettingsApi } from './agent-queries.ts';
import type { AgentRoute } from './agent-route.ts';
import { AgentsScreen } from './agents-screen.tsx';

interface Props {
  route: AgentRoute;
  api: AgentSettingsApi;
  onClose(): void;
}

/** The agent screens, loaded on demand (the inbox's first load does not carry them). */
export default function AgentsArea({ route, api, onClose }: Props) {
  // In this chunk, not one of its own: a chunk of its own would share modules with the inbox
  // and split them out, growing the inbox's initial JS by their names in its preload list.
  if (route.view === 'audit') return <AuditLogScreen key={route.slug} api={api} slug={route.slug} onClose={onClose} />;
  return route.view === 'agent' ? (
    <AgentSettingsScreen key={route.slug} api={api} slug={route.slug} onClose={onClose} />
  ) : (
    <AgentsScreen api={api} onClose={onClose} />
  );
}
