/**
 * The REST shapes shared by the server and its clients (CONTRACT §1–§5, §7), each written
 * once: `.wire` is what the server sends (its JSON Schema is generated from it), `.lenient`
 * is what a client accepts (see rest-shape.ts).
 */
import * as v from 'valibot';
import { DURABLE_EVENT_TYPES, ERROR_CODES } from './model.ts';
import { listOf, maybe, needed, orNull, sent, shape } from './rest-shape.ts';

const id = v.pipe(v.string(), v.minLength(1));
const text = v.string();
const flag = v.boolean();
const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
/** A log position a message or event holds: the first is 1 (CONTRACT §5). */
const seq = v.pipe(v.number(), v.integer(), v.minValue(1));
const nullableText = v.nullable(v.string());
const visitorSenderId = v.pipe(v.string(), v.startsWith('visitor:'));
/** ISO-8601; stated for the OpenAPI document, not checked by clients. */
const timestamp = v.pipe(v.string(), v.metadata({ format: 'date-time' }));

/** The error body of every failed REST call (CONTRACT §2). */
export const errorBody = shape({
  error: needed(shape({ code: needed(v.picklist(ERROR_CODES)), message: needed(text), retryable: sent(flag) })),
});

/** A signed-in user (CONTRACT §1). */
export const user = shape({
  id: needed(id),
  name: needed(text),
  email: sent(text),
  avatar_url: sent(nullableText, null),
});

/** One participant of a thread (CONTRACT §3). */
export const participant = shape({
  sender_id: needed(id),
  name: sent(text, ''),
  avatar_url: sent(nullableText, null),
});

/** [ext] A public thread's visitor (CONTRACT §7); absent on private threads and seed-only servers. */
const threadVisitor = shape({
  sender_id: needed(visitorSenderId),
  name: sent(nullableText, null),
  email: sent(nullableText, null),
  verified: sent(flag, false),
});

/** A thread as listed and fetched (CONTRACT §3). */
export const thread = shape({
  id: needed(id),
  kind: sent(v.picklist(['private', 'public']), 'private'),
  title: sent(nullableText, null),
  participants: sent(listOf(participant), []),
  /** Absent on a seed-only server, which has not processed the mode yet (seed 001). */
  participation_mode: sent(v.picklist(['open', 'invocation_only'])),
  /** Absent when the server cannot say; the engine then pages the log from the start. */
  last_seq: sent(nonNegativeInt),
  read_seq: sent(nonNegativeInt, 0),
  unread_count: sent(nonNegativeInt, 0),
  last_message: maybe(orNull(shape({ sender_id: needed(text), content: needed(text), created_at: sent(text) })), null),
  created_at: maybe(text),
  updated_at: maybe(text),
  /** [ext] Public threads: who the visitor is and whether the website vouched for them. */
  visitor: maybe(threadVisitor),
});

/**
 * A message (CONTRACT §4). Lenient where a seed-only server differs: `thread_message` without
 * `thread_seq`, messages without `role` or `created_at`.
 */
export const message = shape({
  id: needed(id),
  thread_id: sent(text),
  thread_seq: sent(seq),
  sender_id: needed(id),
  role: sent(v.picklist(['user', 'agent', 'system'])),
  content: needed(text),
  client_message_id: maybe(nullableText),
  mentions: maybe(v.array(text)),
  base_seq: maybe(v.nullable(nonNegativeInt)),
  latest_seen_seq: maybe(v.nullable(nonNegativeInt)),
  created_at: sent(timestamp),
});

/**
 * A durable event as the poll endpoint and SSE deliver it (CONTRACT §5, seed 000): `thread_seq`
 * is needed there. A client accepts event types it does not know yet.
 */
export const threadEvent = shape({
  event_id: sent(text),
  thread_id: sent(text),
  thread_seq: needed(seq),
  event_type: needed({ wire: v.picklist(DURABLE_EVENT_TYPES), lenient: id }),
  sender_id: sent(text),
  content: maybe(nullableText),
  created_at: sent(timestamp),
  data: sent(v.record(v.string(), v.unknown())),
});

/** The answer of the public resolve call (CONTRACT §7). */
export const resolvedThread = shape({
  thread_id: needed(id),
  resumed: needed(flag),
  sender_id: sent(visitorSenderId),
  visitor_token: sent(id),
  verified: sent(flag),
  email: sent(nullableText),
});
