import type { FastifyBaseLogger } from 'fastify';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { ControlChannel } from '../realtime/control-channel.ts';
import type { AgentRecord, ApprovalRecord, Storage } from '../storage/storage.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { agentSenderId, type Principal } from '../threads/principal.ts';
import type { ApprovalOutcome } from './agent.ts';
import { auditAgentOf, auditEntry } from '../privacy/audit-entry.ts';
import type { AuditEntry } from '../storage/stores/privacy-store.ts';

/**
 * Only a person decides an approval (CONTRACT §9): never an agent token, least of all the agent
 * that asked, and never a visitor (the public endpoints have no approval call; this keeps it so).
 * Throws `forbidden` for anyone else; whether they take part in the thread is checked before.
 */
export function assertMayDecide(principal: Principal): void {
  if (principal.kind !== 'user') {
    throw new ApiError('forbidden', 'Only a person taking part in the thread can approve or reject a tool call; agents cannot.');
  }
}

/** What approvals need of the runtime they serve. */
export interface ApprovalsDeps {
  storage: Storage;
  threads: ThreadService;
  control: ControlChannel;
  log: FastifyBaseLogger;
  /** How long an approval waits for a decision (CONTRACT §9: 60 s). */
  ttlMs: number;
  /** Publishes a `thread_runtime` frame. */
  emit(threadId: string, data: RuntimeFrameData): void;
}

interface PendingDecision {
  approval: ApprovalRecord;
  resolve: (outcome: ApprovalOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Tool-call approvals (CONTRACT §9) on one server process: opening one for a run, a person's
 * decision, expiry, and waking the run here that waits on one. Storage settles each approval
 * once however many processes try; only the one that won commits and announces it, and every
 * process wakes its waiting run from that announcement.
 */
export class Approvals {
  private readonly decisions = new Map<string, PendingDecision>();
  private stopped = false;

  constructor(private readonly deps: ApprovalsDeps) {
    // Whichever process settled it (decision or expiry), the run waiting here goes on.
    deps.control.onApprovalSettled((notice) => this.wake(notice.approvalId, notice.status));
  }

  /** Opens an approval for a run and waits for a decision or its expiry. */
  async open(threadId: string, agent: AgentRecord, runId: string, toolName: string, preview: unknown): Promise<ApprovalOutcome> {
    const { storage, threads, ttlMs } = this.deps;
    const expiresAt = new Date(Date.now() + ttlMs).toISOString();
    const { approval, event } = await storage.approvals.create(
      { threadId, runId, toolName, preview, expiresAt },
      {
        eventType: 'approval_pending',
        senderId: agentSenderId(agent.id),
        content: null,
        data: { run_id: runId, tool_name: toolName, preview, expires_at: expiresAt },
      },
    );
    const thread = await storage.threads.get(threadId);
    if (thread) threads.publishCommitted(thread, event, null);
    this.deps.emit(threadId, { event_type: 'approval_pending', run_id: runId, ...event.data, thread_seq: event.thread_seq });
    return new Promise<ApprovalOutcome>((resolve) => {
      const timer = setTimeout(() => void this.expireWaiting(approval), ttlMs);
      this.decisions.set(approval.id, { approval, resolve, timer });
    });
  }

  /** A participant's decision on a pending approval (`POST …/approvals/{id}`); see {@link assertMayDecide}. */
  async decide(principal: Principal, threadId: string, approvalId: string, decision: 'approve' | 'reject', address: string | null = null) {
    const thread = await this.deps.threads.access(principal, threadId);
    assertMayDecide(principal);
    const approval = await this.deps.storage.approvals.get(approvalId);
    if (!approval || approval.threadId !== threadId) throw notFound('The approval');
    if (approval.status !== 'pending') {
      throw new ApiError('conflict', `This approval is already ${approval.status}.`);
    }
    const status = decision === 'approve' ? 'approved' : 'rejected';
    // The tool's name and the decision; never the call's preview (it may quote the conversation).
    const audit = auditEntry({
      agentId: auditAgentOf(thread.participants),
      actor: principal.senderId,
      action: 'approval.decided',
      target: `approval:${approval.id}`,
      details: { thread_id: threadId, tool_name: approval.toolName, decision },
      address,
    });
    const settled = await this.settle(approval, status, principal.senderId, audit);
    if (!settled) throw new ApiError('conflict', 'This approval was settled a moment ago.');
    return settled;
  }

  /**
   * Expires the pending approvals whose deadline passed, whichever process their run is on.
   * Those still within their window are left alone: their run may be waiting on another process.
   */
  async expireOverdue(): Promise<void> {
    const now = Date.now();
    for (const approval of await this.deps.storage.approvals.listPending()) {
      if (this.stopped) return;
      if (Date.parse(approval.expiresAt) <= now) await this.settle(approval, 'expired', null);
    }
  }

  /** Expires an approval now (its run's process is gone: nobody would act on a decision). */
  async expire(approval: ApprovalRecord): Promise<void> {
    await this.settle(approval, 'expired', null);
  }

  /**
   * The deadline of an approval a run here waits on. When another process settled it first
   * and its notice did not come (NATS was away), the stored outcome wakes the run.
   */
  private async expireWaiting(approval: ApprovalRecord): Promise<void> {
    try {
      if (await this.settle(approval, 'expired', null)) return;
      const current = await this.deps.storage.approvals.get(approval.id);
      if (current && current.status !== 'pending') this.wake(approval.id, current.status);
    } catch (error) {
      if (!this.stopped) this.deps.log.error({ err: error, approval_id: approval.id }, 'expiring an approval failed');
    }
  }

  /** Resumes the run on this process that waits on the approval, if there is one. */
  private wake(approvalId: string, status: ApprovalOutcome): void {
    const pending = this.decisions.get(approvalId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.decisions.delete(approvalId);
    pending.resolve(status);
  }

  /** Settles an approval once (decision or expiry), commits its event and wakes its run, wherever it is. */
  private async settle(approval: ApprovalRecord, status: ApprovalOutcome, decidedBy: string | null, audit?: AuditEntry) {
    const { storage, threads, control } = this.deps;
    const expired = status === 'expired';
    const data = {
      approval_id: approval.id,
      run_id: approval.runId,
      tool_name: approval.toolName,
      preview: approval.preview,
      expires_at: approval.expiresAt,
      decision: expired ? 'expired' : status === 'approved' ? 'approve' : 'reject',
      ...(decidedBy ? { decided_by: decidedBy } : {}),
    };
    const settled = await storage.approvals.settle(
      approval.id,
      { status, decidedBy },
      {
        eventType: expired ? 'approval_expired' : 'approval_resolved',
        senderId: decidedBy ?? 'system',
        content: null,
        data,
      },
      audit,
    );
    if (!settled) return null;
    const thread = await storage.threads.get(approval.threadId);
    if (thread) threads.publishCommitted(thread, settled.event, null);
    this.deps.emit(approval.threadId, {
      event_type: settled.event.event_type,
      ...data,
      run_id: approval.runId,
      thread_seq: settled.event.thread_seq,
    });
    control.approvalSettled({ approvalId: approval.id, threadId: approval.threadId, status });
    return settled.approval;
  }

  /** Stops waiting: no deadline fires after this, and runs waiting here are left where they are. */
  stop(): void {
    this.stopped = true;
    for (const pending of this.decisions.values()) clearTimeout(pending.timer);
    this.decisions.clear();
  }
}
