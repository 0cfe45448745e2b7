/** Limits and codes of the wire contract (CONTRACT.md §2, §4, §6), shared by server and clients. */

/** Maximum message length, counted in Unicode code points (CONTRACT §4). */
export const MAX_CONTENT_CHARS = 5000;
/** [ext] The longest expected reply time an agent may state: a week, in minutes (CONTRACT §7, agent settings). */
export const MAX_EXPECTED_REPLY_MINUTES = 10_080;
/** Maximum length of a `client_message_id` (CONTRACT §4). */
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 128;
/** Maximum number of mentions on one message. */
export const MAX_MENTIONS = 50;
/** Text with something besides white space: `\s` matches exactly what `String.prototype.trim` removes. */
export const NOT_BLANK = /\S/;
/** Largest REST body and largest WebSocket frame the server accepts (CONTRACT §2). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Poll page size bounds (CONTRACT §5). */
export const POLL_LIMIT_DEFAULT = 50;
export const POLL_LIMIT_MAX = 200;

/** WebSocket close codes (CONTRACT §6, after seed 004). */
export const CloseCode = {
  /** Normal closure; also sent after an `idle_timeout` error on the public socket. */
  normal: 1000,
  goingAway: 1001,
  /** Frame larger than {@link MAX_PAYLOAD_BYTES}. */
  messageTooBig: 1009,
  /** Connection refused by a rate limit; an `error` frame with `rate_limited` precedes it. */
  tryAgainLater: 1013,
  invalidParams: 4000,
  unauthorized: 4001,
  notFound: 4004,
  unavailable: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Counts Unicode code points, the unit of the content limit (not UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// In a `u` regex a surrogate pair is one code point, so this class matches only an unpaired half.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * True when the text is well-formed UTF-16: no unpaired surrogate (JSON `"\ud800"`). Such text
 * cannot be stored as UTF-8 without changing it, so the server refuses it (CONTRACT §4).
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** [ext] The shortest retention an agent may set (CONTRACT §14): one minute, in days. */
export const MIN_RETENTION_DAYS = 1 / (24 * 60);
/** [ext] The longest retention the server takes as a number: ten years (longer is "keep forever", null). */
export const MAX_RETENTION_DAYS = 3_650;
