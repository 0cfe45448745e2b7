import * as v from 'valibot';
import { NOTIFICATION_KINDS, type PushPayload } from '../protocol/notifications.ts';

/** A push message larger than this is not ours (RFC 8291 payloads are at most 4 KB anyway). */
export const MAX_PUSH_TEXT_LENGTH = 4_096;
const MAX_ID_LENGTH = 200;
/** Titles and bodies the server writes are short; longer ones are cut, not refused. */
const MAX_TITLE_LENGTH = 200;
const MAX_BODY_LENGTH = 1_000;
/** `POST /approvals/decide` refuses longer tokens (server/src/routes/push-routes.ts). */
const MAX_ACTION_TOKEN_LENGTH = 128;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
/** Plain words, cut to `max` characters (a title or body the OS cuts anyway). */
const words = (max: number) =>
  v.pipe(
    v.string(),
    v.transform((text) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)),
  );

/** The push payload of CONTRACT §12, as the service worker accepts it. */
export const pushPayloadSchema = v.object({
  notification_id: id,
  kind: v.picklist(NOTIFICATION_KINDS),
  thread_id: id,
  thread_seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  title: words(MAX_TITLE_LENGTH),
  body: words(MAX_BODY_LENGTH),
  actions: v.optional(
    v.object({
      approval_id: id,
      action_token: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ACTION_TOKEN_LENGTH)),
    }),
  ),
});

/** Why a push message was dropped, in words for the worker's log line (never the payload itself). */
export type PushParseResult = { ok: true; payload: PushPayload } | { ok: false; reason: string };

/**
 * Reads a push message's text (the decrypted payload): JSON of the contract's shape, or a
 * reason it is not. Unknown fields are dropped; an `actions` on a kind other than
 * `approval_pending` is dropped too (only an approval can be decided from a notification).
 */
export function parsePushPayload(text: string | null | undefined): PushParseResult {
  if (!text) return { ok: false, reason: 'the push message has no payload' };
  if (text.length > MAX_PUSH_TEXT_LENGTH) return { ok: false, reason: 'the push payload is too large' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the push payload is not JSON' };
  }
  const parsed = v.safeParse(pushPayloadSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((item) => String(item.key)).join('.');
    return { ok: false, reason: `the push payload is not a notification${path ? ` (${path})` : ''}: ${issue.message}` };
  }
  const { actions, ...rest } = parsed.output;
  const payload: PushPayload = rest.kind === 'approval_pending' && actions ? { ...rest, actions } : rest;
  return { ok: true, payload };
}
