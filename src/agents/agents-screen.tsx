import { useQuery } from '@tanstack/react-query';
import { useStrings } from '../i18n/locale-store.ts';
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
  const t = useStrings();
  const agents = useQuery(agentsQuery(api));
  const owned = ownedAgents(agents.data);

  return (
    <ScreenFrame title={t.agents.yourAgents} subtitle={t.agents.yourAgentsIntro} onClose={onClose}>
      {agents.isPending ? (
        <p className={HINT} aria-busy="true">
          {t.agents.loadingAgents}
        </p>
      ) : agents.isError ? (
        <LoadFailed what="agents" error={agents.error} onRetry={() => void agents.refetch()} />
      ) : owned.length === 0 ? (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800">{t.agents.noAgents}</p>
      ) : (
        <ul
          aria-label={t.agents.yourAgents}
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
                  {t.agents.settingsArrow}
                </span>
                <span className="sr-only">{t.agents.settingsShort}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </ScreenFrame>
  );
}
