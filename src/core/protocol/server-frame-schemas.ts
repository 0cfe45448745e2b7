/**
 * Runtime schemas of what a client receives: server frames (CONTRACT §6) and durable
 * events (CONTRACT §5). Lenient where the contract says [ext]: a server that implements
 * only the seed documents sends `thread_message` without `thread_seq`, messages without
 * `role` or `created_at`, and must still be understood. Unknown extra fields pass through.
 */
import * as v from 'valibot';
import { lenient } from './rest-shape.ts';
import { message, threadEvent } from './rest-shapes.ts';

const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
const id = v.pipe(v.string(), v.minLength(1));

export const inboundMessageSchema = lenient(message);
export type InboundMessage = v.InferOutput<typeof inboundMessageSchema>;

/** A durable event as the poll endpoint and SSE deliver it (seed 000): `thread_seq` is required there. */
const inboundEventSchema = lenient(threadEvent);
export type InboundEvent = v.InferOutput<typeof inboundEventSchema>;

const threadId = v.string();
const status = <T extends string[]>(values: [...T]) => v.picklist(values);

const frameSchemas = {
  ready: v.object({
    type: v.literal('ready'),
    data: v.optional(
      v.looseObject({
        connection_id: v.optional(v.string()),
        heartbeat_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(600_000))),
        server_time: v.optional(v.string()),
        protocol_version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        // CONTRACT §15: the `<org>` of topics; a seed-only server sends none.
        org: v.optional(v.string()),
      }),
      {},
    ),
  }),
  pong: v.object({ type: v.literal('pong') }),
  thread_message: v.object({ type: v.literal('thread_message'), thread_id: threadId, data: inboundMessageSchema }),
  thread_event: v.object({ type: v.literal('thread_event'), thread_id: threadId, data: inboundEventSchema }),
  thread_typing: v.object({
    type: v.literal('thread_typing'),
    thread_id: threadId,
    data: v.object({ sender_id: id, status: status(['started', 'stopped']) }),
  }),
  thread_presence: v.object({
    type: v.literal('thread_presence'),
    thread_id: threadId,
    data: v.object({ sender_id: id, status: status(['focused', 'unfocused']) }),
  }),
  thread_runtime: v.object({
    type: v.literal('thread_runtime'),
    thread_id: threadId,
    data: v.looseObject({ event_type: id, run_id: v.optional(v.string()) }),
  }),
  thread_read: v.object({ type: v.literal('thread_read'), thread_id: threadId, data: v.object({ read_seq: nonNegativeInt }) }),
  message_ack: v.object({
    type: v.literal('message_ack'),
    data: v.object({ client_message_id: v.string(), message: inboundMessageSchema }),
  }),
  // CONTRACT §12: shown by the notifications panel; an unknown kind passes (a newer server may add kinds).
  notification: v.object({
    type: v.literal('notification'),
    data: v.looseObject({
      id,
      kind: id,
      thread_id: id,
      thread_seq: nonNegativeInt,
      title: v.string(),
      body: v.string(),
      created_at: v.string(),
      read_at: v.nullable(v.string()),
      // [ext] A `message` notification standing for several messages (one unread per thread, updated in place).
      count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    }),
  }),
  error: v.object({
    type: v.literal('error'),
    data: v.looseObject({
      code: v.string(),
      message: v.string(),
      retryable: v.optional(v.boolean(), false),
      client_message_id: v.optional(v.string()),
      retry_after_ms: v.optional(nonNegativeInt),
    }),
  }),
} as const;

/**
 * One notification (CONTRACT §12), as the `notification` frame and `GET /me/notifications` carry
 * it. An unknown kind passes (a newer server may add kinds); the panel names it generically.
 */
export const inboundNotificationSchema = frameSchemas.notification.entries.data;
export type InboundNotification = v.InferOutput<typeof inboundNotificationSchema>;

type InboundFrameType = keyof typeof frameSchemas;
export type InboundFrame = { [K in InboundFrameType]: v.InferOutput<(typeof frameSchemas)[K]> }[InboundFrameType];

export type InboundParse = { ok: true; frame: InboundFrame } | { ok: false; type: string | null; reason: string };

/**
 * Validates one server frame, from its text or an already parsed value. Never throws; an
 * invalid frame yields its type (for counting and logging) and a reason, never its content.
 */
export function parseServerFrame(input: string | unknown): InboundParse {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      return { ok: false, type: null, reason: 'not JSON' };
    }
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, type: null, reason: 'not an object' };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, type: null, reason: 'no type' };
  if (!Object.hasOwn(frameSchemas, type)) return { ok: false, type, reason: 'unknown type' };
  const result = v.safeParse(frameSchemas[type as InboundFrameType], raw);
  if (!result.success) {
    const path = result.issues[0]?.path?.map((item) => String(item.key)).join('.') ?? '';
    return { ok: false, type, reason: path ? `invalid ${path}` : 'invalid' };
  }
  return { ok: true, frame: result.output as InboundFrame };
}

/** Validates one durable event (poll page item or SSE data). */
export function parseEvent(input: unknown): InboundEvent | null {
  const result = v.safeParse(inboundEventSchema, input);
  return result.success ? result.output : null;
}

/** Validates one message object (REST response, frame data). */
export function parseMessage(input: unknown): InboundMessage | null {
  const result = v.safeParse(inboundMessageSchema, input);
  return result.success ? result.output : null;
}
