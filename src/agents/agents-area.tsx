import { AgentSettingsScreen } from './agent-settings-screen.tsx';
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
  return route.view === 'agent' ? (
    <AgentSettingsScreen key={route.slug} api={api} slug={route.slug} onClose={onClose} />
  ) : (
    <AgentsScreen api={api} onClose={onClose} />
  );
}
