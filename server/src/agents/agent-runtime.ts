import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, RunError, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { AgentRecord, ApprovalRecord, Storage, ThreadRecord } from '../storage/storage.ts';
import type { ControlChannel } from '../realtime/control-channel.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { agentSenderId, type Principal } from '../threads/principal.ts';
import type { Agent, AgentStep, AgentTurn, ApprovalOutcome } from './agent.ts';
import { findFailedRun, type RetryRefusal } from './failed-run-lookup.ts';

/** Words per streamed `text_delta` chunk. */
const WORDS_PER_CHUNK = 3;
/**
 * How often every process expires the approvals whose deadline passed, whichever process
 * their run was on: those of a process that died are expired within this long of their deadline.
 */
export const APPROVAL_SWEEP_MS = 5_000;

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
}

class RunStopped extends Error {}

/** Splits text into chunks of a few words, keeping every character, so the deltas concatenate to the text. */
export function chunkText(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) chunks.push(words.slice(i, i + WORDS_PER_CHUNK).join(''));
  return chunks;
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
export class AgentRuntime {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly decisions = new Map<string, PendingDecision>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  /** Retries started here and not finished yet (before their first durable event, only memory knows). */
  private readonly retrying = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
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
   * Expires the pending approvals whose deadline has passed, on start and then every
   * APPROVAL_SWEEP_MS. Approvals still within their window are left alone: their run may
   * be waiting on another process. Several processes may sweep at once; storage settles
   * each approval once, and only the process that won commits and announces it.
   */
  async startExpirySweep(): Promise<void> {
    await this.expireOverdueApprovals();
    if (this.stopped) return;
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.expireOverdueApprovals()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'expiring overdue approvals failed');
        })
        .finally(() => (this.sweeping = undefined));
    }, APPROVAL_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private async expireOverdueApprovals(): Promise<void> {
    const now = Date.now();
    for (const approval of await this.storage.listPendingApprovals()) {
      if (this.stopped) return;
      if (Date.parse(approval.expiresAt) <= now) await this.settle(approval, 'expired', null);
    }
  }

  private onCommit(event: ThreadEvent, thread: ThreadRecord, message: Message | null): void {
    if (this.stopped || !message || event.event_type !== 'message_committed' || message.role !== 'user') return;
    for (const participant of thread.participants) {
      if (!participant.sender_id.startsWith('agent:')) continue;
      if (!this.shouldAnswer(thread, message, participant.sender_id)) continue;
      const agentId = participant.sender_id.slice('agent:'.length);
      const key = `${thread.id}|${agentId}`;
      const previous = this.queues.get(key) ?? Promise.resolve();
      const next = previous
        .then(() => this.runTurn(agentId, thread.id, message))
        .catch((error: unknown) => {
          this.log.error({ err: error, thread_id: thread.id }, 'agent run crashed');
        });
      this.queues.set(key, next);
      void next.then(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      });
    }
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
   */
  async retry(principal: Principal, threadId: string, runId: string): Promise<void> {
    await this.threads.access(principal, threadId);
    const failed = this.retrying.has(runId) ? 'already_retried' : await findFailedRun(this.storage, threadId, runId);
    if (typeof failed === 'string') throw new ApiError('conflict', RETRY_REFUSALS[failed]);
    // Checked again: another retry of the same run may have come in while the log was read.
    if (this.retrying.has(runId)) throw new ApiError('conflict', RETRY_REFUSALS.already_retried);
    this.retrying.add(runId);
    const key = `${threadId}|${failed.agentId}`;
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(() => this.runTurn(failed.agentId, threadId, failed.message, failed.retryRunId))
      .catch((error: unknown) => this.log.error({ err: error, thread_id: threadId }, 'agent run crashed'))
      .finally(() => this.retrying.delete(runId));
    this.queues.set(key, next);
  }

  private async runTurn(agentId: string, threadId: string, message: Message, runId: string = randomUUID()): Promise<void> {
    const agentRecord = await this.storage.getAgent(agentId);
    const engine = agentRecord && this.engines.get(agentRecord.engine);
    const thread = await this.storage.getThread(threadId);
    if (!agentRecord || !engine || !thread || this.stopped) return;
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

  /** Stops every run before its next step; nothing half-done is committed after this. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const [timer, abort] of this.sleeps) {
      clearTimeout(timer);
      abort();
    }
    this.sleeps.clear();
    for (const pending of this.decisions.values()) clearTimeout(pending.timer);
    this.decisions.clear();
  }
}

/** One agent run, from `queued` to `intake_completed` or `intake_failed`. */
class Run {
  private readonly startedAt = Date.now();
  private reply = '';

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly engine: Agent,
    private readonly turn: AgentTurn,
    private readonly runId: string,
  ) {}

  private emit(eventType: string, data: Record<string, unknown> = {}): void {
    this.runtime.emit(this.turn.thread.id, {
      event_type: eventType,
      run_id: this.runId,
      agent_id: agentSenderId(this.turn.agent.id),
      in_reply_to: this.turn.message.id,
      at: new Date().toISOString(),
      ...data,
    });
  }

  async execute(): Promise<void> {
    const { thread, agent } = this.turn;
    this.emit('queued');
    this.emit('agent_decisions', { decisions: this.engine.decide(this.turn) });
    this.emit('run_started', { started_at: new Date(this.startedAt).toISOString() });
    this.emit('typing');
    this.runtime.typing(thread.id, agent, 'started');
    try {
      const steps = this.engine.run(this.turn);
      let outcome: ApprovalOutcome | undefined;
      for (let next = await steps.next(); !next.done; next = await steps.next(outcome)) {
        if (this.runtime.isStopped) throw new RunStopped();
        outcome = await this.step(next.value);
        if (next.value.type === 'fail') return;
      }
      await this.commitReply();
    } catch (error) {
      if (error instanceof RunStopped) return;
      await this.fail({ code: 'upstream_error', message: 'The agent stopped with an internal error.', retryable: true });
      throw error;
    } finally {
      this.runtime.typing(thread.id, agent, 'stopped');
    }
  }

  private async step(step: AgentStep): Promise<ApprovalOutcome | undefined> {
    const threadId = this.turn.thread.id;
    const services = this.runtime.threadService;
    const sender = agentSenderId(this.turn.agent.id);
    switch (step.type) {
      case 'text':
        for (const chunk of chunkText(step.content)) {
          if (!step.transient) this.reply += chunk;
          this.emit('text_delta', { content: chunk });
          await this.runtime.pause(this.runtime.chunkMs);
        }
        return undefined;
      case 'tool': {
        const toolCallId = `call_${randomUUID().slice(0, 12)}`;
        const startedData = { run_id: this.runId, tool_call_id: toolCallId, tool_name: step.name, preview: step.preview };
        const started = await services.commitEvent(threadId, {
          eventType: 'tool_call_started',
          senderId: sender,
          content: null,
          data: startedData,
        });
        this.emit('tool_call_started', { ...startedData, thread_seq: started.thread_seq });
        const result = await step.execute();
        const completedData = { ...startedData, ok: result.ok, result_preview: result.resultPreview };
        const completed = await services.commitEvent(threadId, {
          eventType: 'tool_call_completed',
          senderId: sender,
          content: null,
          data: completedData,
        });
        this.emit('tool_call_completed', { ...completedData, thread_seq: completed.thread_seq });
        return undefined;
      }
      case 'approval':
        return this.runtime.awaitApproval(threadId, this.turn.agent, this.runId, step.toolName, step.preview);
      case 'escalate': {
        const data = { run_id: this.runId, to: step.to, reason: step.reason };
        const event = await services.commitEvent(threadId, {
          eventType: 'escalation_created',
          senderId: sender,
          content: null,
          data,
        });
        this.emit('escalation_created', { ...data, thread_seq: event.thread_seq });
        return undefined;
      }
      case 'fail':
        await this.fail(step.error);
        return undefined;
    }
  }

  private async fail(error: RunError): Promise<void> {
    this.emit('intake_failed', { error });
    await this.runtime.threadService.commitEvent(this.turn.thread.id, {
      eventType: 'run_failed',
      senderId: agentSenderId(this.turn.agent.id),
      content: null,
      data: { run_id: this.runId, message_id: this.turn.message.id, error },
    });
  }

  private async commitReply(): Promise<void> {
    const { agent, thread } = this.turn;
    const principal: Principal = { kind: 'agent', id: agent.id, senderId: agentSenderId(agent.id), name: agent.name };
    const { message } = await this.runtime.threadService.postMessage(principal, thread.id, {
      content: this.reply,
      client_message_id: `run:${this.runId}`,
      mentions: [],
      base_seq: this.turn.message.thread_seq,
      latest_seen_seq: this.turn.message.thread_seq,
    });
    this.emit('reply_committed', { message_id: message.id, thread_seq: message.thread_seq });
    this.emit('run_finished', { duration_ms: Date.now() - this.startedAt });
    this.emit('intake_completed');
  }
}
