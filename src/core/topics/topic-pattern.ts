/**
 * The topics of CONTRACT §15 (seed 003): `events.{org}.{source}.{resource}.{event}.{resourceId}`.
 * A subject (what an event is published on) is six literal tokens; a pattern (what a client
 * subscribes to) is six tokens where `*` matches exactly one, or fewer than six ending in `>`,
 * which matches one or more remaining tokens. Shared by the server (validating and matching
 * subscriptions) and the SDK (refusing a bad topic before it is sent).
 */

/** Tokens in a subject. */
export const SUBJECT_TOKENS = 6;
/** The longest topic accepted (six tokens of at most 128 characters, and the dots). */
export const MAX_TOPIC_LENGTH = 6 * 128 + 5;
/** One literal token: what the server's subjects are made of (ids included). */
const LITERAL = /^[A-Za-z0-9_-]{1,128}$/;

export const ANY_ONE = '*';
export const ANY_REST = '>';

/** A valid pattern: its tokens, the last of which may be `>`. */
export interface TopicPattern {
  readonly topic: string;
  readonly tokens: readonly string[];
  /** Ends in `>`. */
  readonly rest: boolean;
}

export type TopicParse = { ok: true; pattern: TopicPattern } | { ok: false; reason: string };

const SHAPE =
  'a topic is six dot-separated tokens (events.<org>.<source>.<resource>.<event>.<id>), each letters, digits, "_" or "-", or "*" for any one token; or fewer than six ending in ">" for any remaining tokens';

/** Checks a topic pattern; the reason, in words, when it is not one. */
export function parseTopic(topic: unknown): TopicParse {
  if (typeof topic !== 'string' || topic.length === 0) return { ok: false, reason: `The topic is missing: ${SHAPE}.` };
  if (topic.length > MAX_TOPIC_LENGTH) return { ok: false, reason: `The topic is longer than ${MAX_TOPIC_LENGTH} characters.` };
  const tokens = topic.split('.');
  const rest = tokens[tokens.length - 1] === ANY_REST;
  if (rest ? tokens.length >= SUBJECT_TOKENS : tokens.length !== SUBJECT_TOKENS) {
    return { ok: false, reason: `"${topic}" has ${tokens.length} tokens: ${SHAPE}.` };
  }
  const last = rest ? tokens.length - 1 : tokens.length;
  for (let index = 0; index < last; index++) {
    const token = tokens[index]!;
    if (token !== ANY_ONE && !LITERAL.test(token)) {
      const what = token === '' ? 'an empty token' : token === ANY_REST ? '">" before the end' : `"${token}"`;
      return { ok: false, reason: `"${topic}" has ${what} at position ${index + 1}: ${SHAPE}.` };
    }
  }
  return { ok: true, pattern: { topic, tokens, rest } };
}

/** Whether a subject's tokens match a pattern (the reference the index is tested against). */
export function matchesTopic(pattern: TopicPattern, subject: readonly string[]): boolean {
  const literal = pattern.rest ? pattern.tokens.length - 1 : pattern.tokens.length;
  if (pattern.rest ? subject.length <= literal : subject.length !== literal) return false;
  for (let index = 0; index < literal; index++) {
    const token = pattern.tokens[index]!;
    if (token !== ANY_ONE && token !== subject[index]) return false;
  }
  return true;
}

/** The literal token at a position, or null where the pattern matches anything (a `*`, or past a `>`). */
export function literalAt(pattern: TopicPattern, index: number): string | null {
  const literal = pattern.rest ? pattern.tokens.length - 1 : pattern.tokens.length;
  if (index >= literal) return null;
  const token = pattern.tokens[index]!;
  return token === ANY_ONE ? null : token;
}
