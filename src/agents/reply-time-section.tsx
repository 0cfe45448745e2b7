import { SaveStatus } from './save-status.tsx';
import { useId, useState, type FormEvent } from 'react';
import { MAX_EXPECTED_REPLY_MINUTES } from '../core/protocol/limits.ts';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import type { AgentSettingsApi } from './agent-queries.ts';
import { ERROR_TEXT, HINT, INPUT, PRIMARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';
import { useSaveSettings } from './use-save-settings.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

const MINUTES_PER_HOUR = 60;
type Unit = 'minutes' | 'hours';

/** A stored time as the owner would have typed it: whole hours in hours, anything else in minutes. */
function shownAs(minutes: number | null | undefined): { amount: string; unit: Unit } {
  if (!minutes) return { amount: '', unit: 'minutes' };
  return minutes % MINUTES_PER_HOUR === 0
    ? { amount: String(minutes / MINUTES_PER_HOUR), unit: 'hours' }
    : { amount: String(minutes), unit: 'minutes' };
}

/** What the owner typed, in minutes: null for empty (say nothing), undefined when it is not a valid time. */
function minutesOf(amount: string, unit: Unit): number | null | undefined {
  const text = amount.trim();
  if (!text) return null;
  if (!/^\d+$/.test(text)) return undefined;
  const minutes = Number(text) * (unit === 'hours' ? MINUTES_PER_HOUR : 1);
  return minutes >= 1 && minutes <= MAX_EXPECTED_REPLY_MINUTES ? minutes : undefined;
}

/**
 * The expected reply time (issue 23): "A person usually replies within …", shown to visitors
 * under the agent's greeting; empty says nothing.
 */
export function ReplyTimeSection({ api, slug, settings }: Props) {
  const t = useStrings();
  const save = useSaveSettings(api, slug);
  const initial = shownAs(settings.expected_reply_minutes);
  const [amount, setAmount] = useState(initial.amount);
  const [unit, setUnit] = useState<Unit>(initial.unit);
  const [invalid, setInvalid] = useState(false);
  const titleId = useId();
  const amountId = useId();
  const problemId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const minutes = minutesOf(amount, unit);
    setInvalid(minutes === undefined);
    if (minutes === undefined) return;
    save.mutate({
      allowed_origins: settings.allowed_origins,
      require_verified_identity: settings.require_verified_identity,
      expected_reply_minutes: minutes,
    });
  };

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {t.agents.replyTime}
      </h3>
      <p className={HINT}>{t.agents.replyTimeIntro}</p>
      <form onSubmit={submit} noValidate className="mt-3">
        <label htmlFor={amountId} className="block text-sm font-medium">
          {t.agents.replyTimeAmount}
        </label>
        <div className="mt-1 flex flex-col gap-2 sm:flex-row">
          <input
            id={amountId}
            inputMode="numeric"
            value={amount}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? problemId : undefined}
            onChange={(event) => setAmount(event.target.value)}
            className={`${INPUT} sm:w-28`}
          />
          <select
            aria-label={t.agents.replyTimeUnit}
            value={unit}
            onChange={(event) => setUnit(event.target.value as Unit)}
            className={`${INPUT} sm:w-36`}
          >
            <option value="minutes">{t.agents.minutes}</option>
            <option value="hours">{t.agents.hours}</option>
          </select>
          <button type="submit" className={`${PRIMARY_BUTTON} shrink-0`} disabled={save.isPending}>
            {t.agents.saveReplyTime}
          </button>
        </div>
        {invalid && (
          <p id={problemId} role="alert" className={`mt-1 ${ERROR_TEXT}`}>
            {t.agents.replyTimeInvalid}
          </p>
        )}
      </form>
      <SaveStatus save={save} />
    </section>
  );
}
