import { ApiError } from '../../src/core/api/api-error.ts';

/**
 * Why the panel cannot go on until something changes on the website's side: shown to the
 * visitor in words and reported to the page as the `error` event's code.
 * - `origin_not_allowed`: the agent's allowed websites do not include this page;
 * - `identity_required`: the agent takes verified visitors only, and none was given;
 * - `identity_invalid`: the site's identity token was refused.
 */
export type BlockedReason = 'origin_not_allowed' | 'identity_required' | 'identity_invalid';

/**
 * What a refusal means for the panel: one of the blocked states, or "the stored token is no
 * longer accepted": `expired` when it went unused too long (the server says so in words), else
 * unknown to the server: revoked by an erasure (CONTRACT §14), or never its own.
 */
export type Refusal = { kind: 'blocked'; reason: BlockedReason } | { kind: 'token'; expired: boolean };

/** The server's words for an expired visitor token: REST "This visitor token has expired (…)", socket "visitor token expired". */
const EXPIRED = /expired/i;

/** A refusal from REST (resolve, history, send), or null when the error is something else. */
export function refusalOfError(error: unknown): Refusal | null {
  if (!ApiError.is(error)) return null;
  if (error.code === 'identity_required' || error.code === 'identity_invalid') return { kind: 'blocked', reason: error.code };
  // Public calls are forbidden for one reason only: the page's origin (CONTRACT §7).
  if (error.status === 403) return { kind: 'blocked', reason: 'origin_not_allowed' };
  if (error.status === 401) return { kind: 'token', expired: EXPIRED.test(error.message) };
  return null;
}

/**
 * A refusal from the public socket's 4001, told apart by the reason the server gives
 * ("origin not allowed", "identity required", "visitor token required", "invalid visitor
 * token", "visitor token expired"); a 4001 without a known reason is taken as the token's.
 */
export function refusalOfClose(reason: string): Refusal {
  const text = reason.toLowerCase();
  if (text.includes('origin')) return { kind: 'blocked', reason: 'origin_not_allowed' };
  if (text.includes('identity')) return { kind: 'blocked', reason: 'identity_required' };
  return { kind: 'token', expired: EXPIRED.test(text) };
}

/** The words reported with each code in the `error` event (for the site's developers, in English). */
export const REFUSAL_MESSAGES: Record<BlockedReason | 'conversation_reset', string> = {
  origin_not_allowed: 'This website is not among the agent’s allowed websites.',
  identity_required: 'This chat needs a verified visitor: call AMA2Chat.identify({ identity_token }) with a token signed by your server.',
  identity_invalid: 'The identity token was refused (check its signature, aud, exp and sub).',
  conversation_reset: 'The stored conversation is no longer available on the server; a new one was started.',
};
