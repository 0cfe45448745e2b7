import { useQuery } from '@tanstack/react-query';
import { agentsQuery } from '../threads/thread-queries.ts';
import { ownedAgents, type AgentSettingsApi } from './agent-queries.ts';
import { agentSettingsHash } from './agent-route.ts';
import { ScreenFrame } from './screen-frame.tsx';
import { HINT } from './settings-styles.ts';
import { LoadFailed } from './load-failed.tsx';

interface Props {
  api: AgentSettingsApi;
  onClose(): void;
}

/** The agents the signed-in user owns, each a link to its settings. */
export function AgentsScreen({ api, onClose }: Props) {
  const agents = useQuery(agentsQuery(api));
  const owned = ownedAgents(agents.data);

  return (
    <ScreenFrame
      title="Your agents"
      subtitle="Agents you own. Open one to choose where its chat may be used and to manage its secrets."
      onClose={onClose}
    >
      {agents.isPending ? (
        <p className={HINT} aria-busy="true">
          Loading agents…
        </p>
      ) : agents.isError ? (
        <LoadFailed what="agents" error={agents.error} onRetry={() => void agents.refetch()} />
      ) : owned.length === 0 ? (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800">
          You do not own any agent, so there are no agent settings for you here.
        </p>
      ) : (
        <ul
          aria-label="Your agents"
          className="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
        >
          {owned.map((agent) => (
            <li key={agent.id}>
              <a
                href={agentSettingsHash(agent.slug)}
                className="flex items-center justify-between gap-2 px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-900"
              >
                <span>
                  <span className="font-medium">{agent.name}</span>
                  <span className="block text-xs text-slate-600 dark:text-slate-400">{agent.slug}</span>
                </span>
                <span className="text-sm text-indigo-700 dark:text-indigo-300" aria-hidden="true">
                  Settings →
                </span>
                <span className="sr-only">settings</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </ScreenFrame>
  );
}
