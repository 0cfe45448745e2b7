import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { InboundAgentTokenInfo } from '../core/protocol/rest-schemas.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { agentKeys, agentTokensQuery, type AgentSettingsApi } from './agent-queries.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { SecretReveal } from './secret-reveal.tsx';
import { ERROR_TEXT, formatWhen, HINT, OK_TEXT, PRIMARY_BUTTON, SECONDARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';
import { LoadFailed } from './load-failed.tsx';

interface Props {
  api: AgentSettingsApi;
  slug: string;
}

/** Agent tokens: issue one (shown once), see the working ones by prefix, revoke one. */
export function AgentTokensSection({ api, slug }: Props) {
  const queryClient = useQueryClient();
  const t = useStrings();
  const titleId = useId();
  const tokens = useQuery(agentTokensQuery(api, slug));
  const [shown, setShown] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<InboundAgentTokenInfo | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  // After a revocation its row is gone: focus goes to the section's heading, not back to nothing.
  const [revokedOne, setRevokedOne] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: agentKeys.tokens(slug) });

  const issue = useMutation({
    mutationFn: () => api.issueAgentToken(slug),
    gcTime: 0,
    onSuccess: (issued) => {
      setShown(issued.token);
      setAnnouncement('');
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (token: InboundAgentTokenInfo) => api.revokeAgentToken(slug, token.id),
    onSuccess: (_, token) => {
      // Gone from the list at once, not only after the refetch.
      queryClient.setQueryData(agentKeys.tokens(slug), (list: InboundAgentTokenInfo[] | undefined) =>
        list?.filter((item) => item.id !== token.id),
      );
      setRevokedOne(true);
      setRevoking(null);
      setAnnouncement(t.agents.revoked(token.prefix));
      void refresh();
    },
  });

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} ref={heading} tabIndex={-1} className={`${SECTION_TITLE} outline-none`}>
        {t.agents.tokens}
      </h3>
      <p className={HINT}>
        {t.agents.tokensIntroBefore}
        <code>Authorization: Bearer …</code>
        {t.agents.tokensIntroAfter}
      </p>
      {shown ? (
        <SecretReveal label={t.agents.newToken} value={shown} onDone={() => setShown(null)} />
      ) : (
        <div className="mt-3">
          <button type="button" className={PRIMARY_BUTTON} disabled={issue.isPending} onClick={() => issue.mutate()}>
            {issue.isPending ? t.agents.issuing : t.agents.issueToken}
          </button>
        </div>
      )}
      {issue.isError && (
        <p role="alert" className={`mt-2 ${ERROR_TEXT}`}>
          {t.agents.issueFailed(errorText(issue.error, t))}
        </p>
      )}
      <p aria-live="polite" className={`mt-2 min-h-5 ${OK_TEXT}`}>
        {announcement}
      </p>
      {tokens.isPending ? (
        <p className={HINT} aria-busy="true">
          {t.agents.loadingTokens}
        </p>
      ) : tokens.isError ? (
        <LoadFailed what="tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800" data-testid="tokens-empty">
          {t.agents.noTokens}
        </p>
      ) : (
        <ul
          aria-label={t.agents.tokens}
          className="divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
        >
          {tokens.data.map((token) => (
            <li key={token.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
              <span className="min-w-0">
                <code className="font-mono font-medium">{token.prefix}…</code>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {t.agents.tokenDates(formatWhen(token.created_at, t), formatWhen(token.last_used_at, t))}
                </span>
              </span>
              <button
                type="button"
                className={SECONDARY_BUTTON}
                onClick={() => {
                  setRevokedOne(false);
                  setRevoking(token);
                }}
                aria-label={t.agents.revokeLabel(token.prefix, formatWhen(token.created_at, t))}
              >
                {t.agents.revoke}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={t.agents.revokeTitle(revoking?.prefix ?? '')}
        confirmLabel={t.agents.revokeToken}
        pendingLabel={t.agents.revoking}
        pending={revoke.isPending}
        error={revoke.isError ? t.agents.revokeFailed(errorText(revoke.error, t)) : null}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        focusOnClose={revokedOne ? heading : undefined}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
      >
        <p>{t.agents.revokeWarning}</p>
      </ConfirmDialog>
    </section>
  );
}
