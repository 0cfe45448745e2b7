import type { SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { ApprovalRecord, NewApproval, NewEvent } from '../storage.ts';
import type { AuditEntry } from './privacy-store.ts';

/** How a pending approval is settled, and by whom (null: it expired). */
export interface ApprovalOutcome {
  status: 'approved' | 'rejected' | 'expired';
  decidedBy: SenderId | null;
}

/** Tool calls waiting for a person's decision (`storage.approvals`). */
export interface ApprovalStore {
  /** Stores a pending approval and commits its `approval_pending` event together. */
  create(input: NewApproval, event: NewEvent): Promise<{ approval: ApprovalRecord; event: ThreadEvent }>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Settles a pending approval and commits its event; null when it was no longer pending. */
  settle(
    id: string,
    outcome: ApprovalOutcome,
    event: NewEvent,
    audit?: AuditEntry,
  ): Promise<{ approval: ApprovalRecord; event: ThreadEvent } | null>;
  /** Pending approvals: every process sweeps those past their deadline (AgentRuntime.start). */
  listPending(): Promise<ApprovalRecord[]>;
}
