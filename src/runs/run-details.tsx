import type { RunView } from '../core/sync/run-state.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { formatPreview, runTimings } from './run-format.ts';
import { MUTED_TEXT, PREVIEW_CLASS } from './run-styles.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

/**
 * The engineer's view of a run, closed until asked for: timings, the raw plan, and each
 * tool's name, input and result (previews, only ever rendered as text). Nothing when
 * there is nothing of these.
 */
export function RunDetails({ run, now }: { run: RunView; now: number }) {
  const t = useStrings();
  const timings = runTimings(run, now, t);
  if (timings.length === 0 && run.decisions.length === 0 && run.toolCalls.length === 0) return null;
  return (
    <details className="text-xs" data-run-details="">
      <summary className={`cursor-pointer content-center ${MUTED_TEXT} ${TOUCH_TARGET}`}>{t.runs.details}</summary>
      <div className="mt-1 space-y-2">
        {timings.length > 0 && <p className={MUTED_TEXT}>{timings.map((timing) => timing.text).join(' · ')}</p>}
        {run.decisions.length > 0 && (
          <p>
            <span className={MUTED_TEXT}>{t.runs.decided}</span>
            <code className="font-mono">{run.decisions.join(', ')}</code>
          </p>
        )}
        {run.toolCalls.map((call) => (
          <div key={call.id} className="space-y-1">
            <p className="font-mono">{t.runs.toolName(call.name)}</p>
            {call.preview !== null && call.preview !== undefined && (
              <p>
                <span className={MUTED_TEXT}>{t.runs.input}</span>
                <code className={PREVIEW_CLASS}>{formatPreview(call.preview)}</code>
              </p>
            )}
            {call.resultPreview !== null && (
              <p>
                <span className={MUTED_TEXT}>{t.runs.result}</span>
                <code className={PREVIEW_CLASS}>{formatPreview(call.resultPreview)}</code>
              </p>
            )}
          </div>
        ))}
      </div>
    </details>
  );
}
