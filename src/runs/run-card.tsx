import { useEffect, useId, useRef } from 'react';
import type { RunView } from '../core/sync/run-state.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { ApprovalItem } from './approval-item.tsx';
import type { Decision } from './approval-item.tsx';
import { EARLIER_TOGGLE_ATTRIBUTE, EarlierAttempts } from './earlier-attempts.tsx';
import { RetryControl } from './retry-control.tsx';
import { useRunRetries } from './run-retries.ts';
import { expandedByDefault, useRunExpansion } from './run-card-expansion.ts';
import { RunDetails } from './run-details.tsx';
import { awaitsApproval, isSettled, runStatusLabel } from './run-format.ts';
import { ERROR_TEXT, MUTED_TEXT } from './run-styles.ts';
import { ToolCallItem } from './tool-call-item.tsx';
import { escalationTarget, planSentence } from './tool-words.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

export interface RunCardProps {
  run: RunView;
  agentName: string;
  /** Epoch ms for countdowns and elapsed time; pass `useNow(runNeedsClock(run))`. */
  now: number;
  onDecide(approvalId: string, decision: Decision): Promise<void>;
  /** Offered only when the run failed with a retryable error (see `run-retries.ts` for what it shows). */
  onRetry?: () => void;
  /** The failed attempts this run replaced, oldest first: reachable from the card. */
  earlier?: readonly RunView[];
  /** A display name for a sender id (who decided an approval); the id is shown otherwise. */
  nameOf?: (senderId: string) => string | undefined;
}

/** No earlier attempts: one array, so the card's effects see no change between renders. */
const NO_ATTEMPTS: readonly RunView[] = [];

function dotClass(run: RunView): string {
  if (run.status === 'failed') return 'bg-red-600 dark:bg-red-400';
  // Blocked on a person: a still amber dot, not the pulse of a run at work.
  if (awaitsApproval(run)) return 'bg-amber-500 dark:bg-amber-400';
  if (run.status === 'committed') return 'bg-emerald-600 dark:bg-emerald-400';
  if (isSettled(run)) return 'bg-slate-400';
  return 'bg-indigo-600 motion-safe:animate-pulse dark:bg-indigo-400';
}

/** What a collapsed card adds after its status: counts (timings are in Details). */
function summaryDetails(run: RunView, t: InboxStrings): string {
  const parts: string[] = [];
  const waiting = run.approvals.filter((approval) => approval.status === 'pending').length;
  if (waiting > 0) parts.push(t.runs.approvalsWaiting(waiting));
  if (run.toolCalls.length > 0) parts.push(t.runs.toolCallCount(run.toolCalls.length));
  if (run.escalations.length > 0) parts.push(t.runs.escalated);
  return parts.join(' · ');
}

/**
 * One agent run in a thread, in words: status, plan, tool calls, approvals to give,
 * escalations and errors, with timings and raw inputs in a closed Details. Expanded while
 * the run is under way (or waits on someone); a button collapses it to one summary line.
 */
export function RunCard({ run, agentName, now, onDecide, onRetry, nameOf, earlier = NO_ATTEMPTS }: RunCardProps) {
  const bodyId = useId();
  const sectionRef = useRef<HTMLElement>(null);
  const t = useStrings();
  const waiting = run.approvals.filter((approval) => approval.status === 'pending').length;
  const choice = useRunExpansion((state) => state.choices.get(run.runId));
  const setExpanded = useRunExpansion((state) => state.setExpanded);
  const expanded = choice ?? expandedByDefault(run);

  // A new approval needs a person: open the card even if it was collapsed.
  const seenWaiting = useRef(waiting);
  useEffect(() => {
    if (waiting > seenWaiting.current && choice === false) setExpanded(run.runId, true);
    seenWaiting.current = waiting;
  }, [waiting, choice, run.runId, setExpanded]);

  // Retry pressed here, and its attempt replaced in this very card: the button went with it,
  // so the focus moves to the earlier attempts rather than falling to the page.
  const shownRunId = useRef(run.runId);
  useEffect(() => {
    const previous = shownRunId.current;
    shownRunId.current = run.runId;
    if (previous === run.runId || !earlier.some((attempt) => attempt.runId === previous)) return;
    const focusLost = document.activeElement === null || document.activeElement === document.body;
    if (focusLost && useRunRetries.getState().retries.get(previous)?.status === 'retrying')
      sectionRef.current?.querySelector<HTMLElement>(`[${EARLIER_TOGGLE_ATTRIBUTE}]`)?.focus({ preventScroll: true });
  }, [run.runId, earlier]);

  const details = expanded ? '' : summaryDetails(run, t);
  const plan = planSentence(run.decisions, t);
  const empty = plan === null && run.toolCalls.length === 0 && run.approvals.length === 0 && run.escalations.length === 0 && !run.error;
  const canRetry = run.status === 'failed' && run.error?.retryable === true && onRetry !== undefined;

  return (
    <section
      ref={sectionRef}
      aria-label={t.runs.cardLabel(agentName)}
      className="rounded-lg border border-slate-200 bg-white text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center gap-2 px-3 py-2">
        <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${dotClass(run)}`} />
        <p className="min-w-0 flex-1 truncate text-sm">
          <span className="font-medium">{agentName}</span> <span role="status">{runStatusLabel(run, t)}</span>
          {details && <span className={MUTED_TEXT}> · {details}</span>}
        </p>
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={bodyId}
          onClick={() => setExpanded(run.runId, !expanded)}
          className={`inline-flex items-center justify-center gap-1 rounded px-1 text-sm ${MUTED_TEXT} hover:text-slate-900 dark:hover:text-white ${TOUCH_TARGET}`}
        >
          {t.runs.steps}
          <span aria-hidden="true" className={`inline-block motion-safe:transition-transform ${expanded ? 'rotate-90' : ''}`}>
            ▸
          </span>
        </button>
      </div>

      {earlier.length > 0 && <EarlierAttempts runId={run.runId} attempts={earlier} now={now} />}

      <div id={bodyId} hidden={!expanded} className="space-y-3 border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
        {plan && <p>{plan}</p>}

        {run.toolCalls.length > 0 && (
          <ul aria-label={t.runs.toolCalls} className="space-y-2">
            {run.toolCalls.map((call) => (
              <ToolCallItem key={call.id} call={call} />
            ))}
          </ul>
        )}

        {run.approvals.length > 0 && (
          <ul aria-label={t.runs.approvals} className="space-y-2">
            {run.approvals.map((approval) => (
              <ApprovalItem key={approval.id} approval={approval} now={now} onDecide={onDecide} nameOf={nameOf} />
            ))}
          </ul>
        )}

        {run.escalations.map((escalation, index) => (
          <p key={index}>{t.runs.escalatedTo(escalationTarget(escalation.to, t), escalation.reason)}</p>
        ))}

        {run.status === 'failed' && run.error && (
          <div className="flex flex-wrap items-center gap-2">
            <p className={ERROR_TEXT}>{t.runError(run.error.code, run.error.message)}</p>
            {/* Keyed by run: a new attempt that failed too gets a new button, and the focus a fixed place (above). */}
            {canRetry && <RetryControl key={run.runId} runId={run.runId} onRetry={onRetry} />}
          </div>
        )}

        {empty && <p className={MUTED_TEXT}>{t.runs.nothingYet}</p>}

        <RunDetails run={run} now={now} />
      </div>
    </section>
  );
}
