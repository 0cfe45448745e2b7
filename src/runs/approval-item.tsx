import { useRef, useState } from 'react';
import type { ApprovalView } from '../core/sync/run-state.ts';
import { approvalCountdown, describeError, formatPreview } from './run-format.ts';
import { ERROR_TEXT, MUTED_TEXT, PREVIEW_CLASS, PRIMARY_BUTTON, SECONDARY_BUTTON, SUCCESS_TEXT, WARNING_TEXT } from './run-styles.ts';

export type Decision = 'approve' | 'reject';

export interface ApprovalItemProps {
  approval: ApprovalView;
  now: number;
  onDecide(approvalId: string, decision: Decision): Promise<void>;
  /** A display name for a sender id; the id itself is shown when this gives nothing. */
  nameOf?: (senderId: string) => string | undefined;
}

/** The outcome of a settled approval, in words. */
function approvalOutcome(approval: ApprovalView, nameOf?: (senderId: string) => string | undefined): string {
  const by = approval.decidedBy ? ` by ${nameOf?.(approval.decidedBy) ?? approval.decidedBy}` : '';
  switch (approval.status) {
    case 'approved':
      return `Approved${by}`;
    case 'rejected':
      return `Rejected${by}`;
    case 'expired':
      return 'Expired';
    case 'pending':
      return 'Waiting for a decision';
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
  const [sending, setSending] = useState<Decision | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Guards a double click that lands before the buttons re-render as disabled.
  const inFlight = useRef(false);

  const pending = approval.status === 'pending';
  const countdown = pending ? approvalCountdown(approval, now) : null;
  // Past the deadline the server refuses a decision; wait for its `approval_expired`.
  const locallyExpired = countdown === 'expired';

  async function decide(decision: Decision) {
    if (inFlight.current) return;
    inFlight.current = true;
    setSending(decision);
    setError(null);
    try {
      await onDecide(approval.id, decision);
    } catch (cause) {
      setError(`Could not ${decision}: ${describeError(cause)}`);
    } finally {
      inFlight.current = false;
      setSending(null);
    }
  }

  const hasPreview = approval.preview !== null && approval.preview !== undefined;
  return (
    <li className="space-y-2 rounded-md border border-slate-200 p-2 dark:border-slate-700">
      <p className="text-sm">
        {pending ? 'Approval needed for ' : 'Approval for '}
        <span className="font-mono font-medium">{approval.toolName}</span>
        {!pending && (
          <>
            {': '}
            <span className={OUTCOME_CLASSES[approval.status]}>{approvalOutcome(approval, nameOf)}</span>
          </>
        )}
      </p>
      {hasPreview && <code className={PREVIEW_CLASS}>{formatPreview(approval.preview)}</code>}
      {pending && (
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            className={PRIMARY_BUTTON}
            disabled={sending !== null || locallyExpired}
            onClick={() => void decide('approve')}
          >
            Approve
          </button>
          <button
            type="button"
            className={SECONDARY_BUTTON}
            disabled={sending !== null || locallyExpired}
            onClick={() => void decide('reject')}
          >
            Reject
          </button>
          {countdown && <span className={`text-xs ${locallyExpired ? ERROR_TEXT : MUTED_TEXT}`}>{countdown}</span>}
          <span role="status" className={`text-xs ${MUTED_TEXT}`}>
            {sending === 'approve' ? 'Approving…' : sending === 'reject' ? 'Rejecting…' : ''}
          </span>
        </div>
      )}
      {error && (
        <p role="alert" className={`text-sm ${ERROR_TEXT}`}>
          {error}
        </p>
      )}
    </li>
  );
}
