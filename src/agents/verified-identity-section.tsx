import { SaveStatus } from './save-status.tsx';
import { useId } from 'react';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import type { AgentSettingsApi } from './agent-queries.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { HINT, SECTION } from './settings-styles.ts';
import { useSaveSettings } from './use-save-settings.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

/** The "require verified identity" switch, saved as soon as it is flipped. */
export function VerifiedIdentitySection({ api, slug, settings }: Props) {
  const t = useStrings();
  const save = useSaveSettings(api, slug);
  const labelId = useId();
  const descriptionId = useId();
  const on = save.isPending && save.variables ? save.variables.require_verified_identity : settings.require_verified_identity;

  return (
    <section aria-labelledby={labelId} className={SECTION}>
      <div className="flex items-start justify-between gap-4">
        <h3 id={labelId} className="text-base font-semibold">
          {t.agents.requireVerified}
        </h3>
        <button
          type="button"
          role="switch"
          aria-checked={on}
          aria-labelledby={labelId}
          aria-describedby={descriptionId}
          disabled={save.isPending}
          onClick={() => save.mutate({ allowed_origins: settings.allowed_origins, require_verified_identity: !on })}
          className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-60 ${
            on ? 'bg-indigo-600' : 'bg-slate-300 dark:bg-slate-700'
          }`}
        >
          <span
            className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${on ? 'translate-x-5' : 'translate-x-0.5'}`}
            aria-hidden="true"
          />
        </button>
      </div>
      <div id={descriptionId} className={`${HINT} space-y-1`}>
        <p>{t.agents.requireVerifiedOn}</p>
        <p>{t.agents.requireVerifiedOff}</p>
      </div>
      {on && !settings.identity_secret_set && (
        <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300">{t.agents.noSecretWarning}</p>
      )}
      <SaveStatus save={save} testId="identity-status" />
    </section>
  );
}
