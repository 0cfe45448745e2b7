import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../core/api/api-error.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { agentsQuery } from '../threads/thread-queries.ts';
import { agentSettingsQuery, type AgentSettingsApi } from './agent-queries.ts';
import { AGENTS_HASH, agentSettingsHash } from './agent-route.ts';
import { AgentTokensSection } from './agent-tokens-section.tsx';
import { AllowedWebsitesSection } from './allowed-websites-section.tsx';
import { IdentitySecretSection } from './identity-secret-section.tsx';
import { FollowUpSection } from './follow-up-section.tsx';
import { ReplyTimeSection } from './reply-time-section.tsx';
import { RetentionSection } from './retention-section.tsx';
import { ScreenFrame } from './screen-frame.tsx';
import { ERROR_TEXT } from './settings-styles.ts';
import { VerifiedIdentitySection } from './verified-identity-section.tsx';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  onClose(): void;
}

function refusal(error: Error, slug: string, t: InboxStrings): string {
  if (ApiError.is(error) && error.code === 'forbidden') return t.agents.ownersOnly;
  if (ApiError.is(error) && error.code === 'not_found') return t.agents.noSuchAgent(slug);
  return t.agents.settingsLoadFailed(errorText(error, t));
}

/** One agent's settings for its owners: allowed websites, verified identity, expected reply time, follow-up, retention, identity secret, agent tokens. */
export function AgentSettingsScreen({ api, slug, onClose }: Props) {
  const t = useStrings();
  const p = usePrivacyStrings();
  const settings = useQuery(agentSettingsQuery(api, slug));
  const agents = useQuery(agentsQuery(api));
  const name = agents.data?.find((agent) => agent.slug === slug)?.name ?? slug;
  const nav = (
    <>
      <a href={AGENTS_HASH} className="text-indigo-700 hover:underline dark:text-indigo-300">
        {t.agents.allAgents}
      </a>
      <a href={`${agentSettingsHash(slug)}/audit`} className="text-indigo-700 hover:underline dark:text-indigo-300">
        {p.auditLink}
      </a>
    </>
  );

  return (
    <ScreenFrame title={t.agents.settingsTitle(name)} subtitle={t.agents.settingsIntro(slug)} nav={nav} onClose={onClose}>
      {settings.isPending ? (
        <div aria-busy="true" aria-label={t.agents.loadingSettings} className="space-y-4">
          {[0, 1, 2].map((index) => (
            <div key={index} className="h-28 rounded-xl bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
          ))}
        </div>
      ) : settings.isError ? (
        <div role="alert" className={`rounded-xl border border-red-200 p-4 dark:border-red-900 ${ERROR_TEXT}`}>
          <p>{refusal(settings.error, slug, t)}</p>
          {!(ApiError.is(settings.error) && (settings.error.code === 'forbidden' || settings.error.code === 'not_found')) && (
            <button type="button" className="mt-2 underline" onClick={() => void settings.refetch()}>
              {t.common.tryAgain}
            </button>
          )}
        </div>
      ) : (
        <>
          <AllowedWebsitesSection api={api} slug={slug} settings={settings.data} />
          <VerifiedIdentitySection api={api} slug={slug} settings={settings.data} />
          <ReplyTimeSection api={api} slug={slug} settings={settings.data} />
          <FollowUpSection api={api} slug={slug} settings={settings.data} />
          <RetentionSection api={api} slug={slug} settings={settings.data} />
          <IdentitySecretSection api={api} slug={slug} settings={settings.data} />
          <AgentTokensSection api={api} slug={slug} />
        </>
      )}
    </ScreenFrame>
  );
}
