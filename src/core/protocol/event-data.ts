/**
 * The `data` of every durable event type (CONTRACT §5), as valibot schemas, and the one
 * parse that turns an event's raw `data` into a typed body. Fields the contract marks
 * optional stay optional; unknown extra fields are dropped (nothing downstream reads them).
 */
import * as v from 'valibot';
import { THREAD_STATUSES } from './ownership.ts';
import { attachmentSummary } from './rest-shapes.ts';
import { lenient, listOf } from './rest-shape.ts';

const text = v.string();
const optionalText = v.optional(v.nullable(v.string()));

/** `{code, message, retryable}` of a failed run; a bare message string is accepted too. */
export const runErrorSchema = v.union([
  v.object({
    code: v.optional(v.string(), 'upstream_error'),
    message: v.optional(v.string(), 'The agent could not finish.'),
    retryable: v.optional(v.boolean(), false),
  }),
  v.pipe(
    v.string(),
    v.transform((message) => ({ code: 'upstream_error', message, retryable: false })),
  ),
]);
export type RunErrorData = v.InferOutput<typeof runErrorSchema>;

export const messageCommittedDataSchema = v.object({
  message_id: optionalText,
  client_message_id: optionalText,
  role: v.optional(v.nullable(v.string())),
  mentions: v.optional(v.nullable(v.array(v.string()))),
  sender_id: optionalText,
  /** [ext] The files the message carries (CONTRACT §13). */
  attachments: v.optional(v.nullable(lenient(listOf(attachmentSummary)))),
  /** [ext] The message was deleted (CONTRACT §14): its content reads `""`, its files are gone. */
  deleted: v.optional(v.nullable(v.boolean())),
});

export const modeChangedDataSchema = v.object({ participation_mode: v.picklist(['open', 'invocation_only']) });

export const participantJoinedDataSchema = v.object({ sender_id: optionalText, name: optionalText });

export const toolCallDataSchema = v.object({
  run_id: optionalText,
  tool_call_id: optionalText,
  tool_name: optionalText,
  preview: v.optional(v.unknown()),
  ok: v.optional(v.nullable(v.boolean())),
  result_preview: optionalText,
});
export type ToolCallData = v.InferOutput<typeof toolCallDataSchema>;

export const approvalDataSchema = v.object({
  approval_id: v.pipe(text, v.minLength(1)),
  run_id: optionalText,
  tool_name: optionalText,
  preview: v.optional(v.unknown()),
  expires_at: optionalText,
  decision: v.optional(v.nullable(v.string())),
  decided_by: optionalText,
});
export type ApprovalData = v.InferOutput<typeof approvalDataSchema>;

export const escalationDataSchema = v.object({ run_id: optionalText, to: optionalText, reason: optionalText });
export type EscalationData = v.InferOutput<typeof escalationDataSchema>;

export const runFailedDataSchema = v.object({
  run_id: optionalText,
  message_id: optionalText,
  error: v.optional(runErrorSchema),
});

/** [ext] A private note (CONTRACT §11): the team sees it; visitors get a `hidden` placeholder. */
export const noteAddedDataSchema = v.object({ note_id: optionalText, content: text, client_message_id: optionalText });

/** [ext] `status_changed` (CONTRACT §11): `by` is a user, or `system` for a reopen or a wake-up. */
export const statusChangedDataSchema = v.object({
  status: v.picklist(THREAD_STATUSES),
  previous: optionalText,
  by: optionalText,
  snoozed_until: optionalText,
});

/** [ext] `assignee_changed`: `assignee_id` null when unassigned. */
export const assigneeChangedDataSchema = v.object({ assignee_id: v.nullable(text), previous: optionalText, by: optionalText });

/** [ext] `handoff`: a user took the conversation over from the agent. */
export const handoffDataSchema = v.object({ to: v.pipe(text, v.minLength(1)), name: optionalText, by: optionalText });

/** [ext] `handback`: the agent answers again. */
export const handbackDataSchema = v.object({ by: optionalText });

/** [ext] `hidden`: a public path's placeholder for an event visitors may not see; it carries nothing. */
export const hiddenDataSchema = v.object({});

/** [ext] `message_deleted` (CONTRACT §14): the message's content and files were erased; `by` deleted it. */
export const messageDeletedDataSchema = v.object({ message_id: v.pipe(text, v.minLength(1)), by: optionalText });

/** [ext] `thread_deleted` (CONTRACT §14): the thread is about to be erased (by an owner, the visitor, or retention). */
export const threadDeletedDataSchema = v.object({ reason: optionalText });

/**
 * The event types that are both durable events and runtime steps (CONTRACT §6), with the one
 * schema of their `data` in either frame.
 */
export const runStepDataSchemas = {
  tool_call_started: toolCallDataSchema,
  tool_call_completed: toolCallDataSchema,
  approval_pending: approvalDataSchema,
  approval_resolved: approvalDataSchema,
  approval_expired: approvalDataSchema,
  escalation_created: escalationDataSchema,
} as const;

/** The schema of each durable event type's `data`. */
export const durableDataSchemas = {
  message_committed: messageCommittedDataSchema,
  mode_changed: modeChangedDataSchema,
  participant_joined: participantJoinedDataSchema,
  ...runStepDataSchemas,
  run_failed: runFailedDataSchema,
  note_added: noteAddedDataSchema,
  status_changed: statusChangedDataSchema,
  assignee_changed: assigneeChangedDataSchema,
  handoff: handoffDataSchema,
  handback: handbackDataSchema,
  message_deleted: messageDeletedDataSchema,
  thread_deleted: threadDeletedDataSchema,
  hidden: hiddenDataSchema,
} as const;

type Schemas = typeof durableDataSchemas;
type KnownType = Exclude<keyof Schemas, 'message_committed'>;

/**
 * A durable event that is not a message, with its typed data. An event type this client
 * does not know, or one whose data does not fit its schema, is `other`: it keeps its place
 * in the log (the log is dense) but nothing reads its data.
 */
export type EventBody =
  { [K in KnownType]: { type: K; data: v.InferOutput<Schemas[K]> } }[KnownType] | { type: 'other'; name: string; invalid: boolean };

export type MessageCommittedData = v.InferOutput<typeof messageCommittedDataSchema>;

const hasSchema = (type: string): type is keyof Schemas => Object.hasOwn(durableDataSchemas, type);

/** Parses a non-message event's data by its type. Never throws. */
export function parseEventBody(type: string, data: unknown): EventBody {
  if (!hasSchema(type) || type === 'message_committed') return { type: 'other', name: type, invalid: false };
  const result = v.safeParse(durableDataSchemas[type], data ?? {});
  if (!result.success) return { type: 'other', name: type, invalid: true };
  return { type, data: result.output } as EventBody;
}

/** Parses a `message_committed` event's data; fields that do not fit are treated as absent. */
export function parseMessageCommittedData(data: unknown): MessageCommittedData {
  const result = v.safeParse(messageCommittedDataSchema, data ?? {});
  return result.success ? result.output : {};
}
