import type { RunError } from '../protocol/model.ts';
import type { LogEntry } from './log-entry.ts';

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

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

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

function asRunError(value: unknown): RunError {
  const error = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    code: str(error.code) ?? 'upstream_error',
    message: str(error.message) ?? 'The agent could not finish.',
    retryable: error.retryable === true,
  };
}

function upsertTool(run: RunView, data: Record<string, unknown>, done: boolean): RunView {
  const id = str(data.tool_call_id) ?? `${str(data.tool_name) ?? 'tool'}-${run.toolCalls.length}`;
  const existing = run.toolCalls.find((call) => call.id === id);
  // A completion is final: a late `started` (the durable copy, say) does not undo it.
  if (existing?.status === 'done' && !done) return run;
  const call: ToolCallView = {
    id,
    name: str(data.tool_name) ?? existing?.name ?? 'tool',
    preview: data.preview ?? existing?.preview ?? null,
    status: done ? 'done' : 'running',
    ok: done ? data.ok !== false : null,
    resultPreview: done ? str(data.result_preview) : null,
  };
  return { ...run, toolCalls: existing ? run.toolCalls.map((c) => (c.id === id ? call : c)) : [...run.toolCalls, call] };
}

function upsertApproval(run: RunView, data: Record<string, unknown>, status: ApprovalView['status']): RunView {
  const id = str(data.approval_id);
  if (!id) return run;
  const existing = run.approvals.find((approval) => approval.id === id);
  if (existing && existing.status !== 'pending' && status === 'pending') return run;
  const approval: ApprovalView = {
    id,
    toolName: str(data.tool_name) ?? existing?.toolName ?? 'tool',
    preview: data.preview ?? existing?.preview ?? null,
    expiresAt: str(data.expires_at) ?? existing?.expiresAt ?? null,
    status,
    decidedBy: str(data.decided_by) ?? existing?.decidedBy ?? null,
  };
  return { ...run, approvals: existing ? run.approvals.map((a) => (a.id === id ? approval : a)) : [...run.approvals, approval] };
}

/**
 * Applies one runtime step (a `thread_runtime` frame's data, or a durable event's type and
 * data) to a run. Steps may arrive twice (live and durable) or late; applying one again
 * changes nothing, and a finished run does not go back to streaming.
 */
export function reduceRun(run: RunView | undefined, threadId: string, runId: string, eventType: string, data: Record<string, unknown>, now: number): RunView {
  let next = run ?? newRun(runId, threadId);
  if (!next.agentId) next = { ...next, agentId: str(data.agent_id) };
  if (!next.inReplyTo) next = { ...next, inReplyTo: str(data.in_reply_to) };
  const settled = next.status === 'committed' || next.status === 'failed';
  const timings = next.timings;
  switch (eventType) {
    case 'queued':
      return { ...next, timings: { ...timings, queuedAt: timings.queuedAt ?? now } };
    case 'agent_decisions':
      return {
        ...next,
        status: settled ? next.status : 'deciding',
        decisions: Array.isArray(data.decisions) ? data.decisions.map(String) : next.decisions,
      };
    case 'run_started':
    case 'typing':
      return settled || next.status === 'streaming'
        ? next
        : { ...next, status: 'running', timings: { ...timings, startedAt: timings.startedAt ?? now } };
    case 'text_delta': {
      if (settled) return next;
      const chunk = str(data.content) ?? '';
      return { ...next, status: 'streaming', text: next.text + chunk, timings: { ...timings, firstTokenAt: timings.firstTokenAt ?? now } };
    }
    case 'tool_call_started':
      return upsertTool(next, data, false);
    case 'tool_call_completed':
      return upsertTool(next, data, true);
    case 'approval_pending':
      return upsertApproval(next, data, 'pending');
    case 'approval_resolved':
      return upsertApproval(next, data, data.decision === 'reject' ? 'rejected' : 'approved');
    case 'approval_expired':
      return upsertApproval(next, data, 'expired');
    case 'escalation_created': {
      const escalation = { to: str(data.to) ?? 'someone', reason: str(data.reason) ?? '' };
      if (next.escalations.some((e) => e.to === escalation.to && e.reason === escalation.reason)) return next;
      return { ...next, escalations: [...next.escalations, escalation] };
    }
    case 'reply_committed':
      return {
        ...next,
        status: 'committed',
        replyMessageId: str(data.message_id),
        replySeq: typeof data.thread_seq === 'number' ? data.thread_seq : null,
        timings: { ...timings, committedAt: timings.committedAt ?? now },
      };
    case 'run_finished':
    case 'intake_completed':
      return { ...next, finished: true, timings: { ...timings, finishedAt: timings.finishedAt ?? now } };
    case 'intake_failed':
    case 'run_failed':
      return {
        ...next,
        status: 'failed',
        finished: true,
        error: asRunError(data.error),
        timings: { ...timings, finishedAt: timings.finishedAt ?? now },
      };
    default:
      return next;
  }
}

/** Durable event types that belong to a run (CONTRACT §5), by `data.run_id`. */
const RUN_EVENTS = new Set([
  'tool_call_started',
  'tool_call_completed',
  'approval_pending',
  'approval_resolved',
  'approval_expired',
  'escalation_created',
  'run_failed',
]);

/** The run a durable event belongs to, if any. */
export function runIdOf(entry: LogEntry): string | null {
  return entry.kind === 'event' && RUN_EVENTS.has(entry.type) ? str(entry.data.run_id) : null;
}
