/**
 * The one reducer of an agent run. A run is told about by live `thread_runtime` frames
 * and by the durable log (run events, and the message that is its reply); each piece goes
 * through {@link reduceRun} as it arrives, whatever the order, and the timeline only
 * reads the result ({@link RunState.view}).
 */
import type { RunStep } from '../protocol/runtime-steps.ts';
import type { ApprovalView, RunView, ToolCallView } from '../sync/run-state.ts';

/** Who a live frame says ran the run and what it answers; the first non-null value is kept. */
export interface RunOrigin {
  agentId: string | null;
  inReplyTo: string | null;
}

/**
 * The log's message that is a run's reply: the one its `reply_committed` named, or, when
 * that step was lost, the agent's next message after the one that started the run (see
 * `repliesOf` in `thread-runs.ts`).
 */
export interface RunReply {
  messageId: string;
  seq: number;
}

/** What can be told about a run, by the channel it came in. */
export type RunInput =
  /** A live `thread_runtime` frame (either vocabulary); `at` is when this client saw it. */
  | { kind: 'frame'; step: RunStep; origin: RunOrigin; at: number | null }
  /** A durable run event of the log (tool call, approval, escalation, `run_failed`); `at` is its `created_at`. */
  | { kind: 'event'; step: RunStep; at: number | null }
  /** The reply the log holds for the run now (null: none, or no longer). */
  | { kind: 'reply'; reply: RunReply | null };

/** A run as the reducer keeps it. */
export interface RunState {
  /** What the steps said, live or durable, before the log's reply settles it. */
  readonly steps: RunView;
  readonly reply: RunReply | null;
  /** The run as the timeline shows it: {@link steps} settled by {@link reply}. */
  readonly view: RunView;
}

function newRun(runId: string, threadId: string): RunView {
  return {
    runId,
    threadId,
    agentId: null,
    inReplyTo: null,
    status: 'queued',
    text: '',
    decisions: [],
    toolCalls: [],
    approvals: [],
    escalations: [],
    error: null,
    replyMessageId: null,
    replySeq: null,
    timings: { queuedAt: null, startedAt: null, firstTokenAt: null, committedAt: null, finishedAt: null },
    finished: false,
  };
}

/** A run nothing was told about yet. */
export const emptyRun = (threadId: string, runId: string): RunState => runStateOf(newRun(runId, threadId));

/** A run whose steps were reduced elsewhere (a test's, or a from-scratch oracle's), with no reply yet. */
export const runStateOf = (steps: RunView): RunState => ({ steps, reply: null, view: steps });

/**
 * Applies one input to a run. Steps may arrive twice (live and durable), late or in
 * another order: applying one again changes nothing, a completion or an outcome is final,
 * a failure stays a failure, and a finished run does not go back to streaming. Returns
 * the same object when nothing changed.
 */
export function reduceRun(state: RunState, input: RunInput): RunState {
  if (input.kind === 'reply') {
    // A message's seq never changes: its id tells the reply.
    if (state.reply?.messageId === input.reply?.messageId) return state;
    return { steps: state.steps, reply: input.reply, view: settle(state.steps, input.reply) };
  }
  const origin = input.kind === 'frame' ? input.origin : null;
  const steps = applyStep(state.steps, input.step, origin, input.at);
  if (steps === state.steps) return state;
  return { steps, reply: state.reply, view: settle(steps, state.reply) };
}

/**
 * A run whose reply the log holds is committed and finished, even if its `run_finished`
 * (or `reply_committed`) was lost in a reconnect: a stale "Thinking…" or a never-ending
 * stream would otherwise stay forever.
 */
function settle(run: RunView, reply: RunReply | null): RunView {
  if (!reply || run.status === 'failed') return run;
  if (run.finished && run.status === 'committed' && run.replySeq !== null) return run;
  // The log tells the reply's seq when the run did not (seed 002's `message_completed` has none).
  return { ...run, status: 'committed', finished: true, replyMessageId: reply.messageId, replySeq: run.replySeq ?? reply.seq };
}

function upsertTool(run: RunView, step: Extract<RunStep, { type: 'tool' }>): RunView {
  const id = step.id ?? `${step.name ?? 'tool'}-${run.toolCalls.length}`;
  const existing = run.toolCalls.find((call) => call.id === id);
  // A completion is final: a late `started` (the durable copy, say) does not undo it.
  if (existing?.status === 'done' && !step.done) return run;
  const call: ToolCallView = {
    id,
    name: step.name ?? existing?.name ?? 'tool',
    preview: step.preview ?? existing?.preview ?? null,
    status: step.done ? 'done' : 'running',
    ok: step.done ? step.ok : null,
    resultPreview: step.done ? step.resultPreview : null,
  };
  return { ...run, toolCalls: existing ? run.toolCalls.map((c) => (c.id === id ? call : c)) : [...run.toolCalls, call] };
}

function upsertApproval(run: RunView, step: Extract<RunStep, { type: 'approval' }>): RunView {
  const existing = run.approvals.find((approval) => approval.id === step.id);
  // An outcome is final: a late `pending` does not reopen it.
  if (existing && existing.status !== 'pending' && step.status === 'pending') return run;
  const approval: ApprovalView = {
    id: step.id,
    toolName: step.toolName ?? existing?.toolName ?? 'tool',
    preview: step.preview ?? existing?.preview ?? null,
    expiresAt: step.expiresAt ?? existing?.expiresAt ?? null,
    status: step.status,
    decidedBy: step.decidedBy ?? existing?.decidedBy ?? null,
  };
  return { ...run, approvals: existing ? run.approvals.map((a) => (a.id === step.id ? approval : a)) : [...run.approvals, approval] };
}

/** One step (either vocabulary, live or durable) applied to what the steps said so far. */
function applyStep(run: RunView, step: RunStep, origin: RunOrigin | null, now: number | null): RunView {
  let next = run;
  if (origin && !next.agentId && origin.agentId) next = { ...next, agentId: origin.agentId };
  if (origin && !next.inReplyTo && origin.inReplyTo) next = { ...next, inReplyTo: origin.inReplyTo };
  const settled = next.status === 'committed' || next.status === 'failed';
  const timings = next.timings;
  switch (step.type) {
    case 'queued':
      return { ...next, timings: { ...timings, queuedAt: timings.queuedAt ?? now } };
    case 'decisions':
      return { ...next, status: settled ? next.status : 'deciding', decisions: step.decisions };
    case 'started':
      return settled || next.status === 'streaming'
        ? next
        : { ...next, status: 'running', timings: { ...timings, startedAt: timings.startedAt ?? now } };
    case 'text':
      if (settled) return next;
      return {
        ...next,
        status: 'streaming',
        text: next.text + step.content,
        timings: { ...timings, firstTokenAt: timings.firstTokenAt ?? now },
      };
    case 'stream_end':
      // The reply's text is complete; the run is committed by `reply_committed` / `message_completed`.
      return next;
    case 'tool':
      return upsertTool(next, step);
    case 'approval':
      return upsertApproval(next, step);
    case 'escalation': {
      const escalation = { to: step.to, reason: step.reason };
      if (next.escalations.some((e) => e.to === escalation.to && e.reason === escalation.reason)) return next;
      return { ...next, escalations: [...next.escalations, escalation] };
    }
    case 'reply_committed':
      return {
        ...next,
        // A failure stays one, whichever of the two came first (the log's `run_failed`, say).
        status: next.status === 'failed' ? 'failed' : 'committed',
        replyMessageId: step.messageId ?? next.replyMessageId,
        replySeq: step.seq ?? next.replySeq,
        timings: { ...timings, committedAt: timings.committedAt ?? now },
      };
    case 'finished':
      return next.finished ? next : { ...next, finished: true, timings: { ...timings, finishedAt: timings.finishedAt ?? now } };
    case 'failed':
      return {
        ...next,
        status: 'failed',
        finished: true,
        error: step.error,
        timings: { ...timings, finishedAt: timings.finishedAt ?? now },
      };
  }
}
