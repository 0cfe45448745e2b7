import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
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
        Identity secret
      </h3>
      <p className={HINT}>
        Your website’s backend signs each visitor’s identity token with this secret (HS256), so the chat knows who they are on any device.
        Keep it on your server: never put it in a web page.
      </p>
      <p className="mt-3 text-sm" data-testid="secret-state">
        {set ? (
          <>
            A secret is set
            {settings.identity_secret_created_at ? `, created ${formatWhen(settings.identity_secret_created_at)}` : ''}.
          </>
        ) : (
          'No identity secret yet: visitors cannot be verified.'
        )}
      </p>
      {shown ? (
        <SecretReveal label="New identity secret" value={shown} onDone={() => setShown(null)} />
      ) : (
        <div className="mt-3">
          <button
            type="button"
            className={set ? SECONDARY_BUTTON : PRIMARY_BUTTON}
            disabled={generate.isPending}
            onClick={() => (set ? setConfirming(true) : generate.mutate())}
          >
            {generate.isPending && !confirming ? 'Generating…' : set ? 'Rotate secret' : 'Generate secret'}
          </button>
        </div>
      )}
      {generate.isError && !confirming && (
        <p role="alert" className={`mt-2 ${ERROR_TEXT}`}>
          The secret could not be generated: {generate.error.message}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Rotate the identity secret?"
        confirmLabel="Rotate secret"
        pendingLabel="Rotating…"
        pending={generate.isPending}
        error={generate.isError ? `The secret could not be rotated: ${generate.error.message}` : null}
        onConfirm={() => generate.mutate()}
        onCancel={() => {
          setConfirming(false);
          generate.reset();
        }}
      >
        <p>
          A new secret replaces the current one at once. Identity tokens signed with the old secret stop working until your website’s
          backend uses the new one.
        </p>
        <p>Visitors already chatting on this browser keep their conversations.</p>
      </ConfirmDialog>
    </section>
  );
}
