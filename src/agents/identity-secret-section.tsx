import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { agentKeys, type AgentSettingsApi } from './agent-queries.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { SecretReveal } from './secret-reveal.tsx';
import { ERROR_TEXT, formatWhen, HINT, PRIMARY_BUTTON, SECONDARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

/**
 * The identity secret that the website's backend signs identity tokens with: generated
 * here, shown once, rotated after a confirmation (tokens signed with the old one stop
 * working at once).
 */
export function IdentitySecretSection({ api, slug, settings }: Props) {
  const queryClient = useQueryClient();
  const t = useStrings();
  const titleId = useId();
  const [confirming, setConfirming] = useState(false);
  // The secret lives only here, in this screen's memory, until the owner dismisses it.
  const [shown, setShown] = useState<string | null>(null);
  const generate = useMutation({
    mutationFn: () => api.rotateIdentitySecret(slug),
    // Nothing of the answer is kept in the mutation cache once this screen is gone.
    gcTime: 0,
    onSuccess: (issued) => {
      setConfirming(false);
      setShown(issued.secret);
      void queryClient.invalidateQueries({ queryKey: agentKeys.settings(slug) });
    },
  });
  const set = settings.identity_secret_set;

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {t.agents.identitySecret}
      </h3>
      <p className={HINT}>{t.agents.identitySecretIntro}</p>
      <p className="mt-3 text-sm" data-testid="secret-state">
        {set
          ? t.agents.secretSet(settings.identity_secret_created_at ? formatWhen(settings.identity_secret_created_at, t) : null)
          : t.agents.noSecret}
      </p>
      {shown ? (
        <SecretReveal label={t.agents.newSecret} value={shown} onDone={() => setShown(null)} />
      ) : (
        <div className="mt-3">
          <button
            type="button"
            className={set ? SECONDARY_BUTTON : PRIMARY_BUTTON}
            disabled={generate.isPending}
            onClick={() => (set ? setConfirming(true) : generate.mutate())}
          >
            {generate.isPending && !confirming ? t.agents.generating : set ? t.agents.rotateSecret : t.agents.generateSecret}
          </button>
        </div>
      )}
      {generate.isError && !confirming && (
        <p role="alert" className={`mt-2 ${ERROR_TEXT}`}>
          {t.agents.generateFailed(errorText(generate.error, t))}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={t.agents.rotateTitle}
        confirmLabel={t.agents.rotateSecret}
        pendingLabel={t.agents.rotating}
        pending={generate.isPending}
        error={generate.isError ? t.agents.rotateFailed(errorText(generate.error, t)) : null}
        onConfirm={() => generate.mutate()}
        onCancel={() => {
          setConfirming(false);
          generate.reset();
        }}
      >
        <p>{t.agents.rotateWarning}</p>
        <p>{t.agents.rotateKeeps}</p>
      </ConfirmDialog>
    </section>
  );
}
