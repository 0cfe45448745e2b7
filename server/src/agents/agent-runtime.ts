import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, RunError, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { AgentRecord, ApprovalRecord, RunRecord, Storage, ThreadRecord } from '../storage/storage.ts';
import type { ControlChannel } from '../realtime/control-channel.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { agentSenderId, type Principal } from '../threads/principal.ts';
import type { Agent, AgentTurn, ApprovalOutcome } from './agent.ts';
import { findFailedRun, type RetryRefusal } from './failed-run-lookup.ts';
import { Run, RunStopped, type RunFailure, type RunHost } from './run.ts';

/**
 * How often every process sweeps: it expires the approvals whose deadline passed and fails
 * the runs of processes whose lease ran out, whichever process they were on. Those of a
 * process that died are handled within this long of their deadline or of its lease's end.
 */
export const APPROVAL_SWEEP_MS = 5_000;
/** Orphaned runs failed per sweep at most; the next sweep takes the rest. */
const ORPHANS_PER_SWEEP = 100;
/** The `run_failed` error of a run whose server process stopped (died, or was shut down) before it ended. */
export const PROCESS_STOPPED_ERROR: RunError = {
  code: 'stream_interrupted',
  message: 'The server process running this run stopped before it finished; retry it.',
  retryable: true,
};

const RETRY_REFUSALS: Record<RetryRefusal, string> = {
  not_failed: 'This run cannot be retried: it did not fail.',
  not_retryable: 'This run cannot be retried: its error was not retryable.',
  already_retried: 'This run cannot be retried: it was already retried.',
};

export interface RuntimeOptions {
  /** Delay between streamed chunks (`DEMO_AGENT_CHUNK_MS`). */
  chunkMs: number;
  /** How long an approval waits for a decision (CONTRACT §9: 60 s). */
  approvalTtlMs: number;
  /** This server process, as its runs are recorded in storage. */
  processId: string;
  /** How long the process counts as alive after its last heartbeat (`PROCESS_LEASE_MS`); it renews every third of it. */
  processLeaseMs: number;
}

interface PendingDecision {
  approval: ApprovalRecord;
  resolve: (outcome: ApprovalOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs agents when people write to them, and turns each run into the contract's runtime
 * sequence (CONTRACT §6): queued → agent_decisions → run_started → typing → text_delta… →
 * tool calls / approvals → reply_committed → run_finished → intake_completed, or
 * intake_failed. Runs of one agent in one thread go one at a time, in message order.
 */
export class AgentRuntime implements RunHost {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly decisions = new Map<string, PendingDecision>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly threads: ThreadService,
    private readonly engines: ReadonlyMap<string, Agent>,
    private readonly log: FastifyBaseLogger,
    private readonly options: RuntimeOptions,
    private readonly control: ControlChannel,
  ) {
    threads.onCommit((event, thread, message) => this.onCommit(event, thread, message));
    // Whichever process settled it (decision or expiry), the run waiting here goes on.
    control.onApprovalSettled((notice) => this.wake(notice.approvalId, notice.status));
  }

  /**
   * Takes this process's lease (renewed every third of `processLeaseMs`) and sweeps, on start
   * and then every APPROVAL_SWEEP_MS: pending approvals past their deadline expire, and the runs
   * of processes whose lease ran out fail (see {@link failOrphanedRuns}). Approvals still within
   * their window are left alone: their run may be waiting on another process. Several processes
   * may sweep at once; storage settles each approval and ends each run once, and only the
   * process that won commits and announces it.
   */
  async start(): Promise<void> {
    await this.renewLease();
    await this.sweep();
    if (this.stopped) return;
    this.leaseTimer = setInterval(() => {
      this.renewing ??= this.renewLease()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'renewing the process lease failed');
        })
        .finally(() => (this.renewing = undefined));
    }, this.options.processLeaseMs / 3);
    this.leaseTimer.unref();
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'sweeping approvals and runs failed');
        })
        .finally(() => (this.sweeping = undefined));
    }, APPROVAL_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private renewLease(): Promise<void> {
    return this.storage.renewProcessLease(this.options.processId, this.options.processLeaseMs);
  }

  private async sweep(): Promise<void> {
    await this.expireOverdueApprovals();
    await this.failOrphanedRuns();
  }

  private async expireOverdueApprovals(): Promise<void> {
    const now = Date.now();
    for (const approval of await this.storage.listPendingApprovals()) {
      if (this.stopped) return;
      if (Date.parse(approval.expiresAt) <= now) await this.settle(approval, 'expired', null);
    }
  }

  /**
   * Ends the runs whose process has no live lease (it died, or stopped mid-run): their
   * pending approvals expire (nobody would act on a decision), then each fails with
   * {@link PROCESS_STOPPED_ERROR}, committed as its `run_failed` with an `intake_failed`
   * frame, so clients see it end and can retry it.
   */
  private async failOrphanedRuns(): Promise<void> {
    const orphans = await this.storage.listOrphanedRuns(ORPHANS_PER_SWEEP);
    if (orphans.length === 0) return;
    const pending = await this.storage.listPendingApprovals();
    for (const run of orphans) {
      if (this.stopped) return;
      for (const approval of pending) {
        if (approval.runId === run.id) await this.settle(approval, 'expired', null);
      }
      const ended = await this.endRunWithFailure(run, PROCESS_STOPPED_ERROR, true);
      if (!ended) continue;
      this.log.warn({ run_id: run.id, thread_id: run.threadId, process_id: run.processId }, 'failed the run of a stopped process');
      const agent = agentSenderId(run.agentId);
      this.emit(run.threadId, {
        event_type: 'intake_failed',
        run_id: run.id,
        agent_id: agent,
        in_reply_to: run.messageId,
        at: new Date().toISOString(),
        error: PROCESS_STOPPED_ERROR,
      });
      this.threads.publishLive(run.threadId, {
        type: 'thread_typing',
        thread_id: run.threadId,
        data: { sender_id: agent, status: 'stopped' },
      });
    }
  }

  /** Ends a run as failed with its `run_failed` event, published; false when it was ended already. */
  private async endRunWithFailure(run: Pick<RunRecord, 'id' | 'agentId' | 'messageId'>, error: RunError, orphanedOnly: boolean) {
    const ended = await this.storage.endRun(run.id, {
      status: 'failed',
      orphanedOnly,
      event: {
        eventType: 'run_failed',
        senderId: agentSenderId(run.agentId),
        content: null,
        data: { run_id: run.id, message_id: run.messageId, error },
      },
    });
    if (!ended?.event) return false;
    const thread = await this.storage.getThread(ended.run.threadId);
    if (thread) this.threads.publishCommitted(thread, ended.event, null);
    return true;
  }

  /** @internal Records the end of a run of this process (see {@link RunHost.endRun}). */
  async endRun(runId: string, status: 'finished' | 'failed', failure?: RunFailure): Promise<boolean> {
    if (failure) return this.endRunWithFailure({ id: runId, ...failure }, failure.error, false);
    return (await this.storage.endRun(runId, { status, event: null })) !== null;
  }

  private onCommit(event: ThreadEvent, thread: ThreadRecord, message: Message | null): void {
    if (this.stopped || !message || event.event_type !== 'message_committed' || message.role !== 'user') return;
    for (const participant of thread.participants) {
      if (!participant.sender_id.startsWith('agent:')) continue;
      if (!this.shouldAnswer(thread, message, participant.sender_id)) continue;
      const agentId = participant.sender_id.slice('agent:'.length);
      const runId = randomUUID();
      // Recorded at once, before it waits its turn: if this process dies, another fails it visibly.
      const started = this.storage.startRun({
        id: runId,
        threadId: thread.id,
        agentId,
        messageId: message.id,
        processId: this.options.processId,
      });
      // Handled where the queue reaches it; marked handled now, as that may be after it fails.
      started.catch(() => undefined);
      this.enqueue(thread.id, agentId, async () => {
        if (await started) await this.runTurn(agentId, thread.id, message, runId);
      });
    }
  }

  /** Runs of one agent in one thread go one at a time, in the order they were asked for. */
  private enqueue(threadId: string, agentId: string, work: () => Promise<void>): void {
    const key = `${threadId}|${agentId}`;
    const next = (this.queues.get(key) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.log.error({ err: error, thread_id: threadId }, 'agent run crashed');
    });
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  /**
   * Participation modes (CONTRACT §3): `open` answers every human message,
   * `invocation_only` only messages that mention the agent. In a public thread the agent
   * answers its visitor; the owners' replies are a human taking over, unless they mention it.
   */
  private shouldAnswer(thread: ThreadRecord, message: Message, agentSenderIdValue: string): boolean {
    const mentioned = message.mentions.includes(agentSenderIdValue);
    if (thread.participationMode === 'invocation_only') return mentioned;
    if (thread.kind === 'public') return mentioned || message.sender_id.startsWith('visitor:');
    return true;
  }

  /**
   * Runs the agent again for the message a failed run answered ([ext] `POST …/runs/{run_id}/retry`).
   * The failure is found in the thread's log, so any process can retry it, also after a restart.
   * The retry's run id is derived from the failed run's and recorded before it starts: that
   * insert is the claim, so of two retries at once (on any processes) one starts, the other is 409.
   */
  async retry(principal: Principal, threadId: string, runId: string): Promise<void> {
    await this.threads.access(principal, threadId);
    const failed = await findFailedRun(this.storage, threadId, runId);
    if (typeof failed === 'string') throw new ApiError('conflict', RETRY_REFUSALS[failed]);
    const claimed = await this.storage.startRun({
      id: failed.retryRunId,
      threadId,
      agentId: failed.agentId,
      messageId: failed.message.id,
      processId: this.options.processId,
    });
    if (!claimed) throw new ApiError('conflict', RETRY_REFUSALS.already_retried);
    this.enqueue(threadId, failed.agentId, () => this.runTurn(failed.agentId, threadId, failed.message, failed.retryRunId));
  }

  private async runTurn(agentId: string, threadId: string, message: Message, runId: string): Promise<void> {
    if (this.stopped) return;
    const agentRecord = await this.storage.getAgent(agentId);
    const engine = agentRecord && this.engines.get(agentRecord.engine);
    const thread = await this.storage.getThread(threadId);
    if (this.stopped) return;
    if (!agentRecord || !engine || !thread) {
      // Nothing to run it with (the agent or thread is gone): it ends without a word.
      await this.storage.endRun(runId, { status: 'failed', event: null });
      return;
    }
    const senderName = thread.participants.find((p) => p.sender_id === message.sender_id)?.name ?? 'there';
    const turn: AgentTurn = { agent: agentRecord, thread, message, senderName };
    await new Run(this, engine, turn, runId).execute();
  }

  // ---- used by Run ---------------------------------------------------------------------

  /** @internal */
  emit(threadId: string, data: RuntimeFrameData): void {
    this.threads.publishLive(threadId, { type: 'thread_runtime', thread_id: threadId, data });
  }

  /** @internal */
  typing(threadId: string, agent: AgentRecord, status: 'started' | 'stopped'): void {
    this.threads.publishLive(threadId, {
      type: 'thread_typing',
      thread_id: threadId,
      data: { sender_id: agentSenderId(agent.id), status },
    });
  }

  /** @internal */
  get threadService(): ThreadService {
    return this.threads;
  }

  /** @internal */
  get chunkMs(): number {
    return this.options.chunkMs;
  }

  /** @internal Waits, unless the runtime stops meanwhile. */
  pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(new RunStopped());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, () => reject(new RunStopped()));
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** @internal Opens an approval and waits for a decision or its expiry. */
  async awaitApproval(threadId: string, agent: AgentRecord, runId: string, toolName: string, preview: unknown): Promise<ApprovalOutcome> {
    const expiresAt = new Date(Date.now() + this.options.approvalTtlMs).toISOString();
    const { approval, event } = await this.storage.createApproval(
      { threadId, runId, toolName, preview, expiresAt },
      {
        eventType: 'approval_pending',
        senderId: agentSenderId(agent.id),
        content: null,
        data: { run_id: runId, tool_name: toolName, preview, expires_at: expiresAt },
      },
    );
    const thread = await this.storage.getThread(threadId);
    if (thread) this.threads.publishCommitted(thread, event, null);
    this.emit(threadId, { event_type: 'approval_pending', run_id: runId, ...event.data, thread_seq: event.thread_seq });
    return new Promise<ApprovalOutcome>((resolve) => {
      const timer = setTimeout(() => void this.expireWaiting(approval), this.options.approvalTtlMs);
      this.decisions.set(approval.id, { approval, resolve, timer });
    });
  }

  /**
   * The deadline of an approval a run here waits on. When another process settled it first
   * and its notice did not come (NATS was away), the stored outcome wakes the run.
   */
  private async expireWaiting(approval: ApprovalRecord): Promise<void> {
    try {
      if (await this.settle(approval, 'expired', null)) return;
      const current = await this.storage.getApproval(approval.id);
      if (current && current.status !== 'pending') this.wake(approval.id, current.status);
    } catch (error) {
      if (!this.stopped) this.log.error({ err: error, approval_id: approval.id }, 'expiring an approval failed');
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

  /**
   * A participant's decision on a pending approval (`POST …/approvals/{id}`). Only a person
   * decides (CONTRACT §9): never an agent token, least of all the agent that asked, and never
   * a visitor (the public endpoints have no approval call; this check keeps it so).
   */
  async decide(principal: Principal, threadId: string, approvalId: string, decision: 'approve' | 'reject') {
    await this.threads.access(principal, threadId);
    if (principal.kind !== 'user') {
      throw new ApiError('forbidden', 'Only a person taking part in the thread can approve or reject a tool call; agents cannot.');
    }
    const approval = await this.storage.getApproval(approvalId);
    if (!approval || approval.threadId !== threadId) throw notFound('The approval');
    if (approval.status !== 'pending') {
      throw new ApiError('conflict', `This approval is already ${approval.status}.`);
    }
    const settled = await this.settle(approval, decision === 'approve' ? 'approved' : 'rejected', principal.senderId);
    if (!settled) throw new ApiError('conflict', 'This approval was settled a moment ago.');
    return settled;
  }

  /** Settles an approval once (decision or expiry), commits its event and wakes its run, wherever it is. */
  private async settle(approval: ApprovalRecord, status: ApprovalOutcome, decidedBy: string | null) {
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
    const settled = await this.storage.settleApproval(
      approval.id,
      { status, decidedBy },
      {
        eventType: expired ? 'approval_expired' : 'approval_resolved',
        senderId: decidedBy ?? 'system',
        content: null,
        data,
      },
    );
    if (!settled) return null;
    const thread = await this.storage.getThread(approval.threadId);
    if (thread) this.threads.publishCommitted(thread, settled.event, null);
    this.emit(approval.threadId, {
      event_type: settled.event.event_type,
      ...data,
      run_id: approval.runId,
      thread_seq: settled.event.thread_seq,
    });
    this.control.approvalSettled({ approvalId: approval.id, threadId: approval.threadId, status });
    return settled.approval;
  }

  /**
   * Stops every run before its next step (nothing half-done is committed after this), then
   * gives up the process's lease: its unfinished runs are failed by the next sweep of another
   * process, or of this server's next start. Storage must be open until this resolves.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.leaseTimer);
    for (const [timer, abort] of this.sleeps) {
      clearTimeout(timer);
      abort();
    }
    this.sleeps.clear();
    for (const pending of this.decisions.values()) clearTimeout(pending.timer);
    this.decisions.clear();
    await Promise.allSettled([this.sweeping, this.renewing]);
    await this.storage
      .releaseProcessLease(this.options.processId)
      .catch((error: unknown) => this.log.warn({ err: error }, 'releasing the process lease failed; it runs out on its own'));
  }
}
