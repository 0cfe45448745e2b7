import { useRef, useState } from 'react';
import type { ApprovalView } from '../core/sync/run-state.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { approvalCountdown, plainPreview } from './run-format.ts';
import { toolWords } from './tool-words.ts';
import { ERROR_TEXT, MUTED_TEXT, PRIMARY_BUTTON, QUOTE_CLASS, SECONDARY_BUTTON, SUCCESS_TEXT, WARNING_TEXT } from './run-styles.ts';

export type Decision = 'approve' | 'reject';

export interface ApprovalItemProps {
  approval: ApprovalView;
  now: number;
  onDecide(approvalId: string, decision: Decision): Promise<void>;
  /** A display name for a sender id; the id itself is shown when this gives nothing. */
  nameOf?: (senderId: string) => string | undefined;
}

/** The outcome of a settled approval, in words. */
function approvalOutcome(approval: ApprovalView, t: InboxStrings, nameOf?: (senderId: string) => string | undefined): string {
  const by = approval.decidedBy ? (nameOf?.(approval.decidedBy) ?? approval.decidedBy) : null;
  switch (approval.status) {
    case 'approved':
      return t.runs.approvedBy(by);
    case 'rejected':
      return t.runs.rejectedBy(by);
    case 'expired':
      return t.runs.outcomeExpired;
    case 'pending':
      return t.runs.waitingDecision;
  }
}

const OUTCOME_CLASSES: Readonly<Record<ApprovalView['status'], string>> = {
  approved: SUCCESS_TEXT,
  rejected: ERROR_TEXT,
  expired: MUTED_TEXT,
  pending: WARNING_TEXT,
};

/** One approval a run asked for: Approve / Reject with a countdown while pending, then its outcome. */
export function ApprovalItem({ approval, now, onDecide, nameOf }: ApprovalItemProps) {
  const t = useStrings();
  const [sending, setSending] = useState<Decision | null>(null);
  // The failure itself, so its words follow a language change.
  const [error, setError] = useState<{ decision: Decision; cause: unknown } | null>(null);
  // Guards a double click that lands before the buttons re-render as disabled.
  const inFlight = useRef(false);

  const pending = approval.status === 'pending';
  const countdown = pending ? approvalCountdown(approval, now, t) : null;
  // Past the deadline the server refuses a decision; wait for its `approval_expired`.
  const locallyExpired = countdown?.expired === true;

  async function decide(decision: Decision) {
    if (inFlight.current) return;
    inFlight.current = true;
    setSending(decision);
    setError(null);
    try {
      await onDecide(approval.id, decision);
    } catch (cause) {
      setError({ decision, cause });
    } finally {
      inFlight.current = false;
      setSending(null);
    }
  }

  const hasPreview = approval.preview !== null && approval.preview !== undefined;
  return (
    <li className="space-y-2 rounded-md border border-slate-200 p-2 dark:border-slate-700">
      <p className="text-sm">
        {pending
          ? t.runs.approvalNeeded(toolWords(approval.toolName, t).action)
          : t.runs.approvalFor(toolWords(approval.toolName, t).action)}
        {!pending && (
          <>
            {': '}
            <span className={OUTCOME_CLASSES[approval.status]}>{approvalOutcome(approval, t, nameOf)}</span>
          </>
        )}
      </p>
      {hasPreview && <p className={QUOTE_CLASS}>{plainPreview(approval.preview)}</p>}
      {pending && (
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            className={PRIMARY_BUTTON}
            disabled={sending !== null || locallyExpired}
            onClick={() => void decide('approve')}
          >
            {t.runs.approve}
          </button>
          <button
            type="button"
            className={SECONDARY_BUTTON}
            disabled={sending !== null || locallyExpired}
            onClick={() => void decide('reject')}
          >
            {t.runs.reject}
          </button>
          {countdown && (
            <span
              data-urgent={countdown.urgent || undefined}
              className={countdown.urgent ? `text-sm font-semibold ${locallyExpired ? ERROR_TEXT : WARNING_TEXT}` : `text-xs ${MUTED_TEXT}`}
            >
              {countdown.text}
            </span>
          )}
          <span role="status" className={`text-xs ${MUTED_TEXT}`}>
            {sending === 'approve' ? t.runs.approving : sending === 'reject' ? t.runs.rejecting : ''}
          </span>
        </div>
      )}
      {error && (
        <p role="alert" className={`text-sm ${ERROR_TEXT}`}>
          {t.runs.decideFailed(error.decision === 'approve', errorText(error.cause, t))}
        </p>
      )}
    </li>
  );
}
