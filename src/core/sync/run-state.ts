import type { RunError } from '../protocol/model.ts';
import type { RunStep } from '../protocol/runtime-steps.ts';

/** Finished runs kept per thread for the UI; older ones are forgotten. */
export const MAX_RUNS_PER_THREAD = 20;

export type RunStatus = 'queued' | 'deciding' | 'running' | 'streaming' | 'committed' | 'failed';

export interface ToolCallView {
  id: string;
  name: string;
  preview: unknown;
  status: 'running' | 'done';
  ok: boolean | null;
  resultPreview: string | null;
}

export interface ApprovalView {
  id: string;
  toolName: string;
  preview: unknown;
  expiresAt: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy: string | null;
}

/** One agent run as the UI shows it (CONTRACT §6 runtime sequence). */
export interface RunView {
  runId: string;
  threadId: string;
  agentId: string | null;
  /** The message that started the run. */
  inReplyTo: string | null;
  status: RunStatus;
  /** The reply as streamed so far. */
  text: string;
  decisions: readonly string[];
  toolCalls: readonly ToolCallView[];
  approvals: readonly ApprovalView[];
  escalations: readonly { to: string; reason: string }[];
  error: RunError | null;
  replyMessageId: string | null;
  replySeq: number | null;
  /** Epoch ms, as this client saw each step. */
  timings: {
    queuedAt: number | null;
    startedAt: number | null;
    firstTokenAt: number | null;
    committedAt: number | null;
    finishedAt: number | null;
  };
  finished: boolean;
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

/** Who a step says ran it and what it answers; the first non-null value is kept. */
export interface RunOrigin {
  agentId: string | null;
  inReplyTo: string | null;
}

/**
 * Applies one step (from a `thread_runtime` frame in either vocabulary, or a durable event)
 * to a run. Steps may arrive twice (live and durable) or late; applying one again changes
 * nothing, and a finished run does not go back to streaming.
 */
export function reduceRun(
  run: RunView | undefined,
  threadId: string,
  runId: string,
  step: RunStep,
  origin: RunOrigin,
  now: number | null,
): RunView {
  let next = run ?? newRun(runId, threadId);
  if (!next.agentId && origin.agentId) next = { ...next, agentId: origin.agentId };
  if (!next.inReplyTo && origin.inReplyTo) next = { ...next, inReplyTo: origin.inReplyTo };
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
        status: 'committed',
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
