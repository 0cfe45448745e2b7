/**
 * Client → server frames (CONTRACT §6) with their runtime schemas. The server validates
 * every inbound frame with these; clients build frames against the same types.
 *
 * Why valibot and not zod: the widget ships these schemas to every visitor, so bytes
 * count. Measured with esbuild (minified + gzip -9) on one discriminated union of three
 * frames: valibot 1.5 costs 2.2 KB, zod 4.6's `zod/mini` 6.9 KB — zod's shared core (error
 * maps, the checks pipeline) is a fixed cost before the first schema, while valibot's
 * functions are separate modules a bundler drops when unused. Both directions of this
 * protocol (this file and server-frame-schemas.ts) come to 3.6 KB with valibot.
 */
import * as v from 'valibot';
import { MAX_CLIENT_MESSAGE_ID_LENGTH, MAX_CONTENT_CHARS, MAX_MENTIONS, NOT_BLANK, codePointLength, isWellFormedText } from './limits.ts';

const threadId = v.pipe(v.string('thread_id must be a string'), v.uuid('thread_id must be a UUID'));
const seq = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Message text: 1..5,000 code points, not blank, well-formed (no lone surrogate) (CONTRACT §4). */
export const contentSchema = v.pipe(
  v.string('content must be a string'),
  v.check(isWellFormedText, 'content contains an unpaired surrogate (broken Unicode)'),
  // `\s` is exactly what `trim()` removes, so this is "not blank", and JSON Schema can say it.
  v.regex(NOT_BLANK, 'content must not be empty'),
  v.check(
    (text) => codePointLength(text) <= MAX_CONTENT_CHARS,
    `content is longer than ${MAX_CONTENT_CHARS.toLocaleString('en-US')} characters`,
  ),
  // The check above in JSON Schema words (its lengths count code points): for the server's schema.
  v.metadata({ minLength: 1, maxLength: MAX_CONTENT_CHARS }),
);

/** A send's idempotency key: 1..128 code points (CONTRACT §4). */
export const clientMessageIdSchema = v.pipe(
  v.string('client_message_id must be a string'),
  v.minLength(1, 'client_message_id must not be empty'),
  // Counted in code points, as the content is and as ajv counts on REST, so both doors agree.
  v.check(
    (id) => codePointLength(id) <= MAX_CLIENT_MESSAGE_ID_LENGTH,
    `client_message_id is longer than ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters`,
  ),
  v.metadata({ maxLength: MAX_CLIENT_MESSAGE_ID_LENGTH }),
);

const mentionsSchema = v.pipe(
  v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200)), 'mentions must be a list of sender ids'),
  v.maxLength(MAX_MENTIONS, `at most ${MAX_MENTIONS} mentions`),
);

/** The body of a message send, on REST (CONTRACT §4) and in `send_message`. */
export const sendMessageInputSchema = v.object({
  content: contentSchema,
  client_message_id: clientMessageIdSchema,
  mentions: v.optional(mentionsSchema),
  base_seq: v.optional(v.nullable(seq)),
  latest_seen_seq: v.optional(v.nullable(seq)),
});
export type SendMessageInput = v.InferOutput<typeof sendMessageInputSchema>;

const pingFrameSchema = v.object({ type: v.literal('ping') });

const typingFrameSchema = v.object({
  type: v.literal('typing'),
  data: v.object({ thread_id: threadId, status: v.picklist(['started', 'stopped'], 'status must be "started" or "stopped"') }),
});

const focusThreadFrameSchema = v.object({
  type: v.literal('focus_thread'),
  data: v.object({ thread_id: threadId }),
});

const unfocusThreadFrameSchema = v.object({
  type: v.literal('unfocus_thread'),
  data: v.object({ thread_id: threadId }),
});

const sendMessageFrameSchema = v.object({
  type: v.literal('send_message'),
  data: v.object({ thread_id: threadId, ...sendMessageInputSchema.entries }),
});

const frameSchemas = {
  ping: pingFrameSchema,
  typing: typingFrameSchema,
  focus_thread: focusThreadFrameSchema,
  unfocus_thread: unfocusThreadFrameSchema,
  send_message: sendMessageFrameSchema,
} as const;

type ClientFrameType = keyof typeof frameSchemas;
export type ClientFrame = { [K in ClientFrameType]: v.InferOutput<(typeof frameSchemas)[K]> }[ClientFrameType];

export type ClientFrameParse = { ok: true; frame: ClientFrame } | { ok: false; message: string; type?: string; client_message_id?: string };

/**
 * Parses one text frame. Never throws: a bad frame yields a message a person can read,
 * naming the field that is wrong, so the socket can answer it and stay open.
 */
export function parseClientFrame(text: string): ClientFrameParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: 'Frame is not valid JSON.' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, message: 'Frame must be a JSON object with a "type".' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, message: 'Frame has no "type".' };
  if (!Object.hasOwn(frameSchemas, type)) {
    return { ok: false, type, message: `Unknown frame type "${type.slice(0, 40)}".` };
  }
  const schema = frameSchemas[type as ClientFrameType];
  const result = v.safeParse(schema, raw);
  if (result.success) return { ok: true, frame: result.output as ClientFrame };
  const data = (raw as { data?: { client_message_id?: unknown } }).data;
  const clientMessageId = typeof data?.client_message_id === 'string' ? data.client_message_id : undefined;
  return {
    ok: false,
    type,
    message: `Invalid "${type}" frame: ${describeIssue(result.issues[0])}`,
    ...(clientMessageId === undefined ? {} : { client_message_id: clientMessageId }),
  };
}

/** Turns a valibot issue into "data.content: content must not be empty". */
export function describeIssue(issue: v.BaseIssue<unknown> | undefined): string {
  if (!issue) return 'invalid value';
  const path = issue.path?.map((item) => String(item.key)).join('.');
  const missing = issue.received === 'undefined';
  if (missing && path) return `${path} is required`;
  return path ? `${path}: ${issue.message}` : issue.message;
}
