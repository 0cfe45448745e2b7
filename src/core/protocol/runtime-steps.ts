/**
 * Runtime progress of an agent run, in the two vocabularies a server may speak: the
 * contract's `thread_runtime` event types (CONTRACT §6) and the Agent Platform's (seed 002:
 * `typing_started`, `stream_end`, `message_completed`, `conversation_*`, …). Both parse,
 * once, into the same {@link RunStep}s, so either drives the same run card. Durable run
 * events (tool calls, approvals, escalations, `run_failed`) map to the same steps.
 */
import * as v from 'valibot';
import {
  runErrorSchema,
  runStepDataSchemas,
  type ApprovalData,
  type EscalationData,
  type EventBody,
  type RunErrorData,
  type ToolCallData,
} from './event-data.ts';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** One step of a run, whatever vocabulary or channel (live frame, durable event) it came in. */
export type RunStep =
  | { type: 'queued' }
  | { type: 'decisions'; decisions: readonly string[] }
  | { type: 'started' }
  | { type: 'text'; content: string }
  | { type: 'stream_end' }
  | { type: 'tool'; done: boolean; id: string | null; name: string | null; preview: unknown; ok: boolean; resultPreview: string | null }
  | {
      type: 'approval';
      status: ApprovalStatus;
      id: string;
      toolName: string | null;
      preview: unknown;
      expiresAt: string | null;
      decidedBy: string | null;
    }
  | { type: 'escalation'; to: string; reason: string }
  | { type: 'reply_committed'; messageId: string | null; seq: number | null }
  | { type: 'finished' }
  | { type: 'failed'; error: RunErrorData };

/** A runtime frame's step and the run it belongs to. */
export interface RuntimeStep {
  /** `run_id`, or seed 002's `workflow_id`; null when the frame names neither (the thread's current run). */
  runId: string | null;
  agentId: string | null;
  inReplyTo: string | null;
  step: RunStep;
}

export type RuntimeParse = { ok: true; value: RuntimeStep } | { ok: false; reason: 'unknown type' | 'invalid data' };

const optionalText = v.optional(v.nullable(v.string()));
const common = v.object({
  run_id: optionalText,
  workflow_id: optionalText,
  agent_id: optionalText,
  in_reply_to: optionalText,
});
const empty = v.object({});

const runtimeSchemas = {
  // The contract's vocabulary (CONTRACT §6).
  queued: empty,
  agent_decisions: v.object({ decisions: v.optional(v.array(v.pipe(v.unknown(), v.transform(String))), []) }),
  run_started: empty,
  typing: empty,
  text_delta: v.object({ content: v.optional(v.string(), '') }),
  ...runStepDataSchemas,
  reply_committed: v.object({
    message_id: optionalText,
    thread_seq: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1)))),
  }),
  run_finished: empty,
  intake_completed: empty,
  intake_failed: v.object({ error: v.optional(runErrorSchema) }),
  // The durable trace of a failure, should a server send it live too.
  run_failed: v.object({ error: v.optional(runErrorSchema) }),
  // The Agent Platform's vocabulary (seed 002) where it differs.
  conversation_started: empty,
  typing_started: empty,
  stream_end: empty,
  message_completed: v.object({ message_id: optionalText }),
  conversation_completed: empty,
  conversation_failed: v.object({ error: v.optional(runErrorSchema), message: optionalText }),
} as const;

type RuntimeType = keyof typeof runtimeSchemas;
type DataOf<K extends RuntimeType> = v.InferOutput<(typeof runtimeSchemas)[K]>;

const DEFAULT_ERROR: RunErrorData = { code: 'upstream_error', message: 'The agent could not finish.', retryable: false };

function toolStep(data: ToolCallData, done: boolean): RunStep {
  return {
    type: 'tool',
    done,
    id: data.tool_call_id ?? null,
    name: data.tool_name ?? null,
    preview: data.preview ?? null,
    ok: data.ok !== false,
    resultPreview: done ? (data.result_preview ?? null) : null,
  };
}

function approvalStep(data: ApprovalData, status: ApprovalStatus): RunStep {
  return {
    type: 'approval',
    status,
    id: data.approval_id,
    toolName: data.tool_name ?? null,
    preview: data.preview ?? null,
    expiresAt: data.expires_at ?? null,
    decidedBy: data.decided_by ?? null,
  };
}

/** How an approval ended, by the event that ended it. */
export const approvalOutcome = (type: 'approval_resolved' | 'approval_expired', data: ApprovalData): ApprovalStatus =>
  data.decision === 'reject' ? 'rejected' : type === 'approval_expired' ? 'expired' : 'approved';

const escalationStep = (data: EscalationData): RunStep => ({ type: 'escalation', to: data.to ?? 'someone', reason: data.reason ?? '' });

// `raw` has passed the schema of `t`; the casts only name which one.
function stepOf(t: RuntimeType, raw: unknown): RunStep {
  switch (t) {
    case 'queued':
      return { type: 'queued' };
    case 'agent_decisions':
      return { type: 'decisions', decisions: (raw as DataOf<'agent_decisions'>).decisions };
    case 'run_started':
    case 'typing':
    case 'conversation_started':
    case 'typing_started':
      return { type: 'started' };
    case 'text_delta':
      return { type: 'text', content: (raw as DataOf<'text_delta'>).content };
    case 'stream_end':
      return { type: 'stream_end' };
    case 'tool_call_started':
    case 'tool_call_completed':
      return toolStep(raw as ToolCallData, t === 'tool_call_completed');
    case 'approval_pending':
      return approvalStep(raw as ApprovalData, 'pending');
    case 'approval_resolved':
    case 'approval_expired':
      return approvalStep(raw as ApprovalData, approvalOutcome(t, raw as ApprovalData));
    case 'escalation_created':
      return escalationStep(raw as EscalationData);
    case 'reply_committed': {
      const data = raw as DataOf<'reply_committed'>;
      return { type: 'reply_committed', messageId: data.message_id ?? null, seq: data.thread_seq ?? null };
    }
    case 'message_completed':
      return { type: 'reply_committed', messageId: (raw as DataOf<'message_completed'>).message_id ?? null, seq: null };
    case 'run_finished':
    case 'intake_completed':
    case 'conversation_completed':
      return { type: 'finished' };
    case 'intake_failed':
    case 'run_failed':
      return { type: 'failed', error: (raw as DataOf<'intake_failed'>).error ?? DEFAULT_ERROR };
    case 'conversation_failed': {
      const data = raw as DataOf<'conversation_failed'>;
      return { type: 'failed', error: data.error ?? (data.message ? { ...DEFAULT_ERROR, message: data.message } : DEFAULT_ERROR) };
    }
  }
}

/** Parses one `thread_runtime` frame's data (either vocabulary). Never throws. */
export function parseRuntimeData(data: { event_type: string } & Record<string, unknown>): RuntimeParse {
  const type = data.event_type;
  if (!Object.hasOwn(runtimeSchemas, type)) return { ok: false, reason: 'unknown type' };
  const ids = v.safeParse(common, data);
  const body = v.safeParse(runtimeSchemas[type as RuntimeType], data);
  if (!ids.success || !body.success) return { ok: false, reason: 'invalid data' };
  return {
    ok: true,
    value: {
      runId: ids.output.run_id ?? ids.output.workflow_id ?? null,
      agentId: ids.output.agent_id ?? null,
      inReplyTo: ids.output.in_reply_to ?? null,
      step: stepOf(type as RuntimeType, body.output),
    },
  };
}

/** The run step a durable event stands for, and its run; null for events that are not part of a run. */
export function runStepOfEvent(body: EventBody): { runId: string; step: RunStep } | null {
  switch (body.type) {
    case 'tool_call_started':
    case 'tool_call_completed':
      return body.data.run_id ? { runId: body.data.run_id, step: toolStep(body.data, body.type === 'tool_call_completed') } : null;
    case 'approval_pending':
      return body.data.run_id ? { runId: body.data.run_id, step: approvalStep(body.data, 'pending') } : null;
    case 'approval_resolved':
    case 'approval_expired':
      return body.data.run_id ? { runId: body.data.run_id, step: approvalStep(body.data, approvalOutcome(body.type, body.data)) } : null;
    case 'escalation_created':
      return body.data.run_id ? { runId: body.data.run_id, step: escalationStep(body.data) } : null;
    case 'run_failed':
      return body.data.run_id ? { runId: body.data.run_id, step: { type: 'failed', error: body.data.error ?? DEFAULT_ERROR } } : null;
    default:
      return null;
  }
}

/** The run a durable event belongs to, if any. */
export function runIdOfBody(body: EventBody): string | null {
  return runStepOfEvent(body)?.runId ?? null;
}
