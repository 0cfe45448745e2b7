import { randomUUID } from 'node:crypto';
import type { RunError } from '../../../src/core/protocol/model.ts';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import type { AgentRecord } from '../storage/storage.ts';
import { parseSendInput, type ThreadService } from '../threads/thread-service.ts';
import { agentSenderId, type Principal } from '../threads/principal.ts';
import type { Agent, AgentStep, AgentTurn, ApprovalOutcome } from './agent.ts';

/** Words per streamed `text_delta` chunk. */
const WORDS_PER_CHUNK = 3;

/** Thrown into a run when the runtime stops: it ends where it is, committing nothing more. */
export class RunStopped extends Error {}

/** Splits text into chunks of a few words, keeping every character, so the deltas concatenate to the text. */
export function chunkText(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) chunks.push(words.slice(i, i + WORDS_PER_CHUNK).join(''));
  return chunks;
}

/** What a run needs of the runtime that runs it. */
export interface RunHost {
  readonly threadService: ThreadService;
  readonly chunkMs: number;
  readonly isStopped: boolean;
  /** Whether this run was stopped on its own (a person took its thread over, on any process). */
  isHalted(runId: string): boolean;
  emit(threadId: string, data: RuntimeFrameData): void;
  typing(threadId: string, agent: AgentRecord, status: 'started' | 'stopped'): void;
  /** Waits, unless the runtime stops, or the run `runId` is halted, meanwhile (then rejects with {@link RunStopped}). */
  pause(ms: number, runId?: string): Promise<void>;
  awaitApproval(threadId: string, agent: AgentRecord, runId: string, toolName: string, preview: unknown): Promise<ApprovalOutcome>;
  /** Records the run's end in storage (a failure with its `run_failed`, committed and published); false when it was ended already. */
  endRun(runId: string, status: 'finished' | 'failed', failure?: RunFailure): Promise<boolean>;
}

/** What a failed run's `run_failed` says: whose run, which message it answered, and why it failed. */
export interface RunFailure {
  agentId: string;
  messageId: string;
  error: RunError;
}

/** One agent run, from `queued` to `intake_completed` or `intake_failed`. */
export class Run {
  private readonly startedAt = Date.now();
  private reply = '';

  constructor(
    private readonly runtime: RunHost,
    private readonly engine: Agent,
    private readonly turn: AgentTurn,
    private readonly runId: string,
    /** The runtime said `queued` when it recorded the run (it waited its turn): not said again. */
    private readonly queuedAnnounced = false,
  ) {}

  /** The runtime stops, or this run was halted: it ends where it is, committing nothing more. */
  private get stopping(): boolean {
    return this.runtime.isStopped || this.runtime.isHalted(this.runId);
  }

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
    if (!this.queuedAnnounced) this.emit('queued');
    this.emit('agent_decisions', { decisions: this.engine.decide(this.turn) });
    this.emit('run_started', { started_at: new Date(this.startedAt).toISOString() });
    this.emit('typing');
    this.runtime.typing(thread.id, agent, 'started');
    try {
      const steps = this.engine.run(this.turn);
      let outcome: ApprovalOutcome | undefined;
      for (let next = await steps.next(); !next.done; next = await steps.next(outcome)) {
        if (this.stopping) throw new RunStopped();
        outcome = await this.step(next.value);
        if (next.value.type === 'fail') return;
      }
      if (this.stopping) throw new RunStopped();
      await this.commitReply();
    } catch (error) {
      // A stopped run stays `running` in storage: another process (or this server's next start) ends it.
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
          if (this.stopping) throw new RunStopped();
          this.emit('text_delta', { content: chunk });
          await this.runtime.pause(this.runtime.chunkMs, this.runId);
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
    await this.runtime.endRun(this.runId, 'failed', { agentId: this.turn.agent.id, messageId: this.turn.message.id, error });
  }

  private async commitReply(): Promise<void> {
    const { agent, thread } = this.turn;
    const principal: Principal = { kind: 'agent', id: agent.id, senderId: agentSenderId(agent.id), name: agent.name };
    const reply = parseSendInput({
      content: this.reply,
      client_message_id: `run:${this.runId}`,
      mentions: [],
      base_seq: this.turn.message.thread_seq,
      latest_seen_seq: this.turn.message.thread_seq,
    });
    const { message } = await this.runtime.threadService.postMessage(principal, thread.id, reply);
    await this.runtime.endRun(this.runId, 'finished');
    this.emit('reply_committed', { message_id: message.id, thread_seq: message.thread_seq });
    this.emit('run_finished', { duration_ms: Date.now() - this.startedAt });
    this.emit('intake_completed');
  }
}
