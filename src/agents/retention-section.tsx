import { SettingsTextField } from './settings-text-field.tsx';
import { SaveStatus } from './save-status.tsx';
import { useId, useState, type FormEvent } from 'react';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../core/protocol/limits.ts';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import type { AgentSettingsApi } from './agent-queries.ts';
import { HINT, PRIMARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';
import { useSaveSettings } from './use-save-settings.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

type Choice = 'forever' | 'days';

/**
 * Days as the owner typed them, with a point or a comma (German owners type "0,5"): undefined
 * when it is not a number the server takes (at least one minute's worth, at most ten years).
 */
export function retentionDaysOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return undefined;
  const days = Number(trimmed.replace(',', '.'));
  return days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS ? days : undefined;
}

/**
 * How long visitor conversations are kept (CONTRACT §14 "Retention"): forever, or erased by
 * the server's sweep after so many days without activity; saved as `retention_days`.
 */
export function RetentionSection({ api, slug, settings }: Props) {
  const p = usePrivacyStrings();
  const save = useSaveSettings(api, slug);
  const stored = settings.retention_days;
  const [choice, setChoice] = useState<Choice>(stored == null ? 'forever' : 'days');
  const [days, setDays] = useState(stored == null ? '' : String(stored));
  const [invalid, setInvalid] = useState(false);
  const titleId = useId();
  const group = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const retention = choice === 'forever' ? null : retentionDaysOf(days);
    setInvalid(retention === undefined);
    if (retention === undefined) return;
    save.mutate({
      allowed_origins: settings.allowed_origins,
      require_verified_identity: settings.require_verified_identity,
      retention_days: retention,
    });
  };

  const radio = (value: Choice, label: string) => (
    <label className="flex min-h-11 items-center gap-2 text-sm">
      <input
        type="radio"
        name={group}
        value={value}
        checked={choice === value}
        onChange={() => {
          setChoice(value);
          setInvalid(false);
        }}
        className="h-4 w-4"
      />
      {label}
    </label>
  );

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {p.retention}
      </h3>
      <p className={HINT}>{p.retentionIntro}</p>
      <form onSubmit={submit} noValidate className="mt-3">
        <fieldset>
          <legend className="sr-only">{p.retention}</legend>
          {radio('forever', p.keepForever)}
          {radio('days', p.eraseAfter)}
        </fieldset>
        {choice === 'days' && (
          <div className="mt-2 ml-6">
            <SettingsTextField
              label={p.retentionDays}
              hint={p.retentionDaysHint}
              inputMode="decimal"
              value={days}
              onChange={setDays}
              problem={invalid ? p.retentionInvalid : null}
              inputClassName="sm:w-36"
            />
          </div>
        )}
        <button type="submit" className={`mt-3 ${PRIMARY_BUTTON}`} disabled={save.isPending}>
          {p.saveRetention}
        </button>
      </form>
      <SaveStatus save={save} />
    </section>
  );
}
