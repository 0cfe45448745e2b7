/**
 * The frames of topic subscriptions (CONTRACT §15, seed 003), in their own file so that the
 * widget, which never subscribes, does not carry their schemas: client → server `subscribe`
 * and `unsubscribe`, server → client `subscribed` and `event`. The server validates the
 * client frames with these; the SDK validates what it receives with them.
 */
import * as v from 'valibot';
import { parseTopic } from '../topics/topic-pattern.ts';
import { describeIssue } from './client-frames.ts';

/** Subscriptions one socket may hold at once. */
export const MAX_SUBSCRIPTIONS = 100;
/** Longest subscription id (the client chooses it). */
export const MAX_SUBSCRIPTION_ID_LENGTH = 128;
/** Threads one `from` may name. */
export const MAX_FROM_THREADS = 1000;

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/iu;

const subscriptionId = v.pipe(
  v.string('id must be a string'),
  v.minLength(1, 'id must not be empty'),
  v.maxLength(MAX_SUBSCRIPTION_ID_LENGTH, `id is longer than ${MAX_SUBSCRIPTION_ID_LENGTH} characters`),
);

const topic = v.pipe(
  v.string('topic must be a string'),
  v.check(
    (value) => parseTopic(value).ok,
    (issue) => {
      const parsed = parseTopic(issue.input);
      return parsed.ok ? 'invalid topic' : parsed.reason;
    },
  ),
);

/** `{thread_id: seq}`: replay each thread's durable events after that seq first. */
const from = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(UUID, 'from must map thread ids (UUIDs) to seqs')),
    v.pipe(
      v.number('from must map thread ids to seqs'),
      v.integer('a seq in from must be a whole number'),
      v.minValue(0, 'a seq in from must not be negative'),
    ),
    'from must be an object of thread ids and seqs',
  ),
  v.check(
    (value) => Object.keys(value).length <= MAX_FROM_THREADS,
    `from names more than ${MAX_FROM_THREADS.toLocaleString('en-US')} threads`,
  ),
);

export const subscribeFrameSchema = v.object({
  type: v.literal('subscribe'),
  data: v.object({ id: subscriptionId, topic, from: v.optional(from) }),
});

export const unsubscribeFrameSchema = v.object({
  type: v.literal('unsubscribe'),
  data: v.object({ id: subscriptionId }),
});

export type SubscribeFrame = v.InferOutput<typeof subscribeFrameSchema>;
export type UnsubscribeFrame = v.InferOutput<typeof unsubscribeFrameSchema>;
export type TopicClientFrame = SubscribeFrame | UnsubscribeFrame;

/** Whether a client frame's type is one of this file's (the socket then parses it with {@link parseTopicClientFrame}). */
export const isTopicFrameType = (type: unknown): type is TopicClientFrame['type'] => type === 'subscribe' || type === 'unsubscribe';

export type TopicClientFrameParse = { ok: true; frame: TopicClientFrame } | { ok: false; type: string; message: string };

/** Validates a parsed `subscribe` or `unsubscribe` frame; a bad one yields what is wrong, in words. */
export function parseTopicClientFrame(raw: { type: TopicClientFrame['type'] }): TopicClientFrameParse {
  const result = v.safeParse(raw.type === 'subscribe' ? subscribeFrameSchema : unsubscribeFrameSchema, raw);
  if (result.success) return { ok: true, frame: result.output };
  return { ok: false, type: raw.type, message: `Invalid "${raw.type}" frame: ${describeIssue(result.issues[0])}` };
}

/** Server → client: the answer to a `subscribe`. */
export interface SubscribedFrame {
  type: 'subscribed';
  data: { id: string; topic: string };
}

/**
 * Server → client: one event, once however many of the socket's subscriptions match it.
 * `topic` is the event's own subject; `event` a durable event of §5 (with `thread_seq`), an
 * ephemeral one (typing, presence, runtime: without it) or a §12 notification.
 */
export interface TopicEventFrame {
  type: 'event';
  data: { topic: string; subscription_ids: string[]; event: Record<string, unknown> };
}

const subscribedFrameSchema = v.object({
  type: v.literal('subscribed'),
  data: v.object({ id: v.string(), topic: v.string() }),
});

const eventFrameSchema = v.object({
  type: v.literal('event'),
  data: v.object({
    topic: v.pipe(v.string(), v.minLength(1)),
    subscription_ids: v.pipe(v.array(v.string()), v.minLength(1)),
    event: v.looseObject({}),
  }),
});

export type TopicServerFrame = SubscribedFrame | TopicEventFrame;

/** Validates a received `subscribed` or `event` frame (already parsed); null when it is neither or malformed. */
export function parseTopicServerFrame(raw: unknown): TopicServerFrame | null {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type === 'subscribed') {
    const result = v.safeParse(subscribedFrameSchema, raw);
    return result.success ? result.output : null;
  }
  if (type === 'event') {
    const result = v.safeParse(eventFrameSchema, raw);
    return result.success ? (result.output as TopicEventFrame) : null;
  }
  return null;
}
