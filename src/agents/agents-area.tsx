import { lazy, Suspense } from 'react';
import { AgentSettingsScreen } from './agent-settings-screen.tsx';
import type { AgentSettingsApi } from './agent-queries.ts';
import type { AgentRoute } from './agent-route.ts';
import { AgentsScreen } from './agents-screen.tsx';

interface Props {
  route: AgentRoute;
  api: AgentSettingsApi;
  onClose(): void;
}

// The audit log is read rarely: a chunk of its own, loaded when it is opened.
const AuditLogScreen = lazy(() => import('./audit-log-screen.tsx'));

/** The agent screens, loaded on demand (the inbox's first load does not carry them). */
export default function AgentsArea({ route, api, onClose }: Props) {
  if (route.view === 'audit')
    return (
      <Suspense fallback={<div aria-busy="true" className="flex-1" />}>
        <AuditLogScreen key={route.slug} api={api} slug={route.slug} onClose={onClose} />
      </Suspense>
    );
  return route.view === 'agent' ? (
    <AgentSettingsScreen key={route.slug} api={api} slug={route.slug} onClose={onClose} />
  ) : (
    <AgentsScreen api={api} onClose={onClose} />
  );
}
