import { useId } from 'react';
import type { RunView } from '../core/sync/run-state.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useRunExpansion } from './run-card-expansion.ts';
import { RunDetails } from './run-details.tsx';
import { ERROR_TEXT, MUTED_TEXT } from './run-styles.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

/** Marks the toggle, so a card whose Retry button went with the failed attempt can move focus to it. */
export const EARLIER_TOGGLE_ATTRIBUTE = 'data-earlier-attempts';

/**
 * The failed attempts a retry replaced, inside its card: one line ("An earlier attempt
 * failed · Show") that opens the list of what each said, with its Details. Open or closed is
 * kept outside the card, like the card's own state, for rows the list unmounts.
 */
export function EarlierAttempts({ runId, attempts, now }: { runId: string; attempts: readonly RunView[]; now: number }) {
  const t = useStrings();
  const listId = useId();
  const key = `${runId}|earlier`;
  const open = useRunExpansion((state) => state.choices.get(key)) ?? false;
  const setExpanded = useRunExpansion((state) => state.setExpanded);
  return (
    <div className="border-t border-slate-200 px-3 py-1 text-sm dark:border-slate-700">
      <button
        type="button"
        {...{ [EARLIER_TOGGLE_ATTRIBUTE]: '' }}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setExpanded(key, !open)}
        className={`rounded text-left ${MUTED_TEXT} underline-offset-2 hover:underline ${TOUCH_TARGET}`}
      >
        {t.runs.earlierAttempts(attempts.length)} · {open ? t.runs.hide : t.runs.show}
      </button>
      <ol id={listId} hidden={!open} className="mt-1 space-y-2">
        {attempts.map((attempt, index) => (
          <li key={attempt.runId} className="space-y-1">
            <p className={ERROR_TEXT}>
              {t.runs.attemptFailed(index + 1, attempt.error ? t.runError(attempt.error.code, attempt.error.message) : t.runs.genericError)}
            </p>
            <RunDetails run={attempt} now={now} />
          </li>
        ))}
      </ol>
    </div>
  );
}
