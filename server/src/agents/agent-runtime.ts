import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, RunError, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import { ApiError } from '../http/errors.ts';
import type { AgentRecord, RunRecord, Storage, ThreadRecord } from '../storage/storage.ts';
import type { ControlChannel } from '../realtime/control-channel.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { agentSenderId, type Principal } from '../threads/principal.ts';
import type { Agent, AgentTurn, ApprovalOutcome } from './agent.ts';
import { Approvals } from './approvals.ts';
import { findFailedRun, type RetryRefusal } from './failed-run-lookup.ts';
import { Run, RunStopped, type RunFailure, type RunHost } from './run.ts';
import { RunLeaseSweeper } from './run-lease-sweeper.ts';

// The sweep's period and the error of an orphaned run, where the runtime's callers found them.
export { APPROVAL_SWEEP_MS, PROCESS_STOPPED_ERROR } from './run-lease-sweeper.ts';

/** The `run_failed` error of a run stopped because a person took its thread over (CONTRACT §11). */
export const TAKEN_OVER_ERROR: RunError = {
  code: 'taken_over',
  message: 'A person took this conversation over; the agent stopped.',
  retryable: false,
};

const RETRY_REFUSALS: Record<RetryRefusal, string> = {
  not_failed: 'This run cannot be retried: it did not fail.',
  not_retryable: 'This run cannot be retried: its error was not retryable.',
  already_retried: 'This run cannot be retried: it was already retried.',
};

/** A user's message that mentions the agent: it invokes the agent even while a person has taken the thread over. */
function invokedByPerson(message: Message, agent: string): boolean {
  return message.sender_id.startsWith('user:') && message.mentions.includes(agent);
}

/** The queue of one agent's runs in one thread. */
const queueKey = (threadId: string, agentId: string) => `${threadId}|${agentId}`;

/** A runtime frame's data for a step of a run that carries nothing else. */
function runtimeData(eventType: string, runId: string, agentId: string, messageId: string): RuntimeFrameData {
  return { event_type: eventType, run_id: runId, agent_id: agentSenderId(agentId), in_reply_to: messageId, at: new Date().toISOString() };
}

/** How the runtime runs: its timings and the process it runs on. */
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

/**
 * Runs agents when people write to them, and turns each run into the contract's runtime
 * sequence (CONTRACT §6): queued → agent_decisions → run_started → typing → text_delta… →
 * tool calls / approvals → reply_committed → run_finished → intake_completed, or
 * intake_failed. Runs of one agent in one thread go one at a time, in message order.
 * Approvals are {@link Approvals}'; the process lease and the orphan sweep, {@link RunLeaseSweeper}'s.
 */
export class AgentRuntime implements RunHost {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  /** Runs recorded by this process and not yet over (queued or running): only these can be halted here. */
  private readonly ownRuns = new Set<string>();
  /** Own runs stopped on their own (their thread taken over), and the abort of each one's current pause. */
  private readonly halted = new Set<string>();
  private readonly runSleeps = new Map<string, () => void>();
  private readonly approvals: Approvals;
  private readonly sweeper: RunLeaseSweeper;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly threads: ThreadService,
    private readonly engines: ReadonlyMap<string, Agent>,
    private readonly log: FastifyBaseLogger,
    private readonly options: RuntimeOptions,
    private readonly control: ControlChannel,
  ) {
    const emit = (threadId: string, data: RuntimeFrameData) => this.emit(threadId, data);
    this.approvals = new Approvals({ storage, threads, control, log, ttlMs: options.approvalTtlMs, emit });
    this.sweeper = new RunLeaseSweeper({
      storage,
      threads,
      approvals: this.approvals,
      log,
      processId: options.processId,
      processLeaseMs: options.processLeaseMs,
      emit,
      failOrphanedRun: (run, error) => this.endRunWithFailure(run, error, true),
    });
    threads.onCommit((event, thread, message) => this.onCommit(event, thread, message));
    // Whichever process ended the run (a take-over), the one running it stops it here at once.
    control.onRunStopped((runId) => this.halt(runId));
  }

  /** Stops an own run before its next step (its current pause ends now); nothing more of it is committed. */
  private halt(runId: string): void {
    if (!this.ownRuns.has(runId)) return;
    this.halted.add(runId);
    this.runSleeps.get(runId)?.();
  }

  /** @internal */
  isHalted(runId: string): boolean {
    return this.halted.has(runId);
  }

  /**
   * A person took the thread over (CONTRACT §11): each of its runs, on whichever process, stops
   * at once. Its process is told first (so its stream ends there), then its pending approvals
   * expire and it fails with {@link TAKEN_OVER_ERROR}: durable `run_failed` and live `intake_failed`.
   */
  async stopRunsOf(threadId: string): Promise<void> {
    const runs = await this.storage.runs.runningIn(threadId);
    if (runs.length === 0) return;
    const pending = (await this.storage.approvals.listPending()).filter((approval) => approval.threadId === threadId);
    for (const run of runs) {
      this.control.runStopped(run.id);
      for (const approval of pending) {
        if (approval.runId === run.id) await this.approvals.expire(approval);
      }
      if (!(await this.endRunWithFailure(run, TAKEN_OVER_ERROR, false))) continue;
      const agent = agentSenderId(run.agentId);
      this.emit(threadId, {
        event_type: 'intake_failed',
        run_id: run.id,
        agent_id: agent,
        in_reply_to: run.messageId,
        at: new Date().toISOString(),
        error: TAKEN_OVER_ERROR,
      });
      this.typing(threadId, { id: run.agentId }, 'stopped');
    }
  }

  /**
   * Takes this process's lease and sweeps, on start and then every APPROVAL_SWEEP_MS
   * (see {@link RunLeaseSweeper.start}).
   */
  start(): Promise<void> {
    return this.sweeper.start();
  }

  /** Ends a run as failed with its `run_failed` event, published; false when it was ended already. */
  private async endRunWithFailure(run: Pick<RunRecord, 'id' | 'agentId' | 'messageId'>, error: RunError, orphanedOnly: boolean) {
    const ended = await this.storage.runs.end(run.id, {
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
    const thread = await this.storage.threads.get(ended.run.threadId);
    if (thread) this.threads.publishCommitted(thread, ended.event, null);
    return true;
  }

  /** @internal Records the end of a run of this process (see {@link RunHost.endRun}). */
  async endRun(runId: string, status: 'finished' | 'failed', failure?: RunFailure): Promise<boolean> {
    if (failure) return this.endRunWithFailure({ id: runId, ...failure }, failure.error, false);
    return (await this.storage.runs.end(runId, { status, event: null })) !== null;
  }

  private onCommit(event: ThreadEvent, thread: ThreadRecord, message: Message | null): void {
    if (this.stopped || !message || event.event_type !== 'message_committed' || message.role !== 'user') return;
    for (const participant of thread.participants) {
      if (!participant.sender_id.startsWith('agent:')) continue;
      if (!this.shouldAnswer(thread, message, participant.sender_id)) continue;
      const agentId = participant.sender_id.slice('agent:'.length);
      const runId = randomUUID();
      this.ownRuns.add(runId);
      // Recorded at once, before it waits its turn: if this process dies, another fails it visibly.
      const started = this.storage.runs.start({
        id: runId,
        threadId: thread.id,
        agentId,
        messageId: message.id,
        processId: this.options.processId,
      });
      // Handled where the queue reaches it; marked handled now, as that may be after it fails.
      started.catch(() => undefined);
      const queued = this.announceIfWaiting(thread.id, agentId, message.id, runId, started);
      this.enqueue(thread.id, agentId, async () => {
        try {
          if (await started) await this.runTurn(agentId, thread.id, message, runId, await queued);
        } finally {
          this.forgetRun(runId);
        }
      });
    }
  }

  /**
   * A run that waits behind another of its agent in its thread (one awaiting an approval, say)
   * says `queued` as soon as it is recorded, so people see that their message was heard and
   * waits its turn; the contract's order holds, as `queued` is a run's first step. A run that
   * starts at once says it when it starts, as before: a run that then ends without a word (its
   * thread taken over) was never announced. Resolves to whether this run was announced.
   */
  private announceIfWaiting(threadId: string, agentId: string, messageId: string, runId: string, recorded: Promise<boolean>) {
    if (!this.queues.has(queueKey(threadId, agentId))) return Promise.resolve(false);
    // Registered before the queue's work awaits `recorded`, so `queued` goes out before any later step.
    return recorded.then(
      (ok) => {
        if (ok) this.emit(threadId, runtimeData('queued', runId, agentId, messageId));
        return ok;
      },
      () => false,
    );
  }

  private forgetRun(runId: string): void {
    this.ownRuns.delete(runId);
    this.halted.delete(runId);
    this.runSleeps.delete(runId);
  }

  /** Runs of one agent in one thread go one at a time, in the order they were asked for. */
  private enqueue(threadId: string, agentId: string, work: () => Promise<void>): void {
    const key = queueKey(threadId, agentId);
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
    const claimed = await this.storage.runs.start({
      id: failed.retryRunId,
      threadId,
      agentId: failed.agentId,
      messageId: failed.message.id,
      processId: this.options.processId,
    });
    if (!claimed) throw new ApiError('conflict', RETRY_REFUSALS.already_retried);
    this.ownRuns.add(failed.retryRunId);
    const queued = this.announceIfWaiting(threadId, failed.agentId, failed.message.id, failed.retryRunId, Promise.resolve(true));
    this.enqueue(threadId, failed.agentId, async () => {
      try {
        await this.runTurn(failed.agentId, threadId, failed.message, failed.retryRunId, await queued);
      } finally {
        this.forgetRun(failed.retryRunId);
      }
    });
  }

  /** `announced`: the run said `queued` already (see {@link announceIfWaiting}). */
  private async runTurn(agentId: string, threadId: string, message: Message, runId: string, announced: boolean): Promise<void> {
    if (this.stopped || this.halted.has(runId)) return;
    const agentRecord = await this.storage.agents.get(agentId);
    const engine = agentRecord && this.engines.get(agentRecord.engine);
    const thread = await this.storage.threads.get(threadId);
    if (this.stopped) return;
    const paused = thread?.agentPaused === true && !invokedByPerson(message, agentSenderId(agentId));
    if (!agentRecord || !engine || !thread || paused) {
      // Nothing to run it with (the agent or thread is gone), or taken over (CONTRACT §11, read
      // now: the commit's thread may come from a cache; only a person who mentions the agent
      // invokes it): the run ends without a word; one already said queued says it is over.
      await this.storage.runs.end(runId, { status: 'failed', event: null });
      if (announced) this.emit(threadId, runtimeData('intake_completed', runId, agentId, message.id));
      return;
    }
    const senderName = thread.participants.find((p) => p.sender_id === message.sender_id)?.name ?? 'there';
    const turn: AgentTurn = { agent: agentRecord, thread, message, senderName };
    await new Run(this, engine, turn, runId, announced).execute();
  }

  // ---- used by Run ---------------------------------------------------------------------

  /** @internal */
  emit(threadId: string, data: RuntimeFrameData): void {
    this.threads.publishLive(threadId, { type: 'thread_runtime', thread_id: threadId, data });
  }

  /** @internal */
  typing(threadId: string, agent: Pick<AgentRecord, 'id'>, status: 'started' | 'stopped'): void {
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

  /** @internal Waits, unless the runtime stops or the run is halted meanwhile. */
  pause(ms: number, runId?: string): Promise<void> {
    if (this.stopped || (runId !== undefined && this.halted.has(runId))) return Promise.reject(new RunStopped());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        if (runId !== undefined) this.runSleeps.delete(runId);
        resolve();
      }, ms);
      const abort = () => {
        clearTimeout(timer);
        this.sleeps.delete(timer);
        if (runId !== undefined) this.runSleeps.delete(runId);
        reject(new RunStopped());
      };
      this.sleeps.set(timer, abort);
      if (runId !== undefined) this.runSleeps.set(runId, abort);
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** @internal Opens an approval and waits for a decision or its expiry. */
  awaitApproval(threadId: string, agent: AgentRecord, runId: string, toolName: string, preview: unknown): Promise<ApprovalOutcome> {
    return this.approvals.open(threadId, agent, runId, toolName, preview);
  }

  /** A participant's decision on a pending approval (`POST …/approvals/{id}`); see {@link Approvals.decide}. */
  decide(principal: Principal, threadId: string, approvalId: string, decision: 'approve' | 'reject', address: string | null = null) {
    return this.approvals.decide(principal, threadId, approvalId, decision, address);
  }

  /**
   * Stops every run before its next step (nothing half-done is committed after this), then
   * gives up the process's lease: its unfinished runs are failed by the next sweep of another
   * process, or of this server's next start. Storage must be open until this resolves.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const [timer, abort] of this.sleeps) {
      clearTimeout(timer);
      abort();
    }
    this.sleeps.clear();
    this.approvals.stop();
    await this.sweeper.stop();
  }
}
