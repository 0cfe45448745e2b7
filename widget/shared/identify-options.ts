/**
 * `AMA2Chat.identify({ email, name, identity_token })` as the host page calls it, checked at
 * the boundary: each bad field is described in words and left out; the rest applies.
 */

import type { WidgetEventMap } from './widget-events.ts';

/** Who the host page says the visitor is, after validation. */
export interface VisitorIdentity {
  email?: string;
  name?: string;
  /** The site's HS256 identity token (CONTRACT §7), passed to the resolve call as it is. */
  identityToken?: string;
}

export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 100;
/** Far above any real identity token (three base64url parts of a small JWT), far below a body limit. */
export const MAX_IDENTITY_TOKEN_LENGTH = 4096;

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KNOWN = ['email', 'name', 'identity_token'];

export interface IdentifyResult {
  /** Null when nothing usable is left (no email and no identity token). */
  identity: VisitorIdentity | null;
  problems: string[];
}

/**
 * `identify()` as the loader applies it (here, in the panel's module, so the loader stays
 * small): each problem is warned in the page's console, an unusable call is reported as
 * `invalid_identity`; returns the identity to use, or null.
 */
export function checkIdentify(input: unknown, emit: (event: 'error', payload: WidgetEventMap['error']) => void): VisitorIdentity | null {
  const { identity, problems } = readIdentify(input);
  for (const problem of problems) console.warn(`[AMA2Chat] ${problem}`);
  if (!identity) emit('error', { code: 'invalid_identity', message: problems.at(-1)! });
  return identity;
}

/** Validates what the page passed; never throws, whatever it is. */
export function readIdentify(input: unknown): IdentifyResult {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      identity: null,
      problems: ['identify() takes an object, e.g. identify({ email: "ada@example.com", name: "Ada", identity_token: "…" }).'],
    };
  }
  const fields = input as Record<string, unknown>;
  const identity: VisitorIdentity = {};
  for (const key of Object.keys(fields))
    if (!KNOWN.includes(key)) problems.push(`identify(): "${key}" is not an option (use email, name, identity_token); ignored.`);

  const { email, name, identity_token: token } = fields;
  if (email !== undefined && email !== null) {
    const value = typeof email === 'string' ? email.trim().toLowerCase() : '';
    if (value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value)) identity.email = value;
    else problems.push('identify(): email must be an email address (like ada@example.com) of at most 254 characters; ignored.');
  }
  if (name !== undefined && name !== null) {
    const value = typeof name === 'string' ? name.trim() : '';
    if (value && value.length <= MAX_NAME_LENGTH) identity.name = value;
    else problems.push(`identify(): name must be text of 1 to ${MAX_NAME_LENGTH} characters; ignored.`);
  }
  if (token !== undefined && token !== null) {
    const value = typeof token === 'string' ? token.trim() : '';
    if (value.length <= MAX_IDENTITY_TOKEN_LENGTH && JWT.test(value)) identity.identityToken = value;
    else
      problems.push(
        'identify(): identity_token must be the signed token from your server (three base64url parts joined by dots); ignored.',
      );
  }
  if (!identity.email && !identity.identityToken) {
    problems.push('identify() needs a valid email or identity_token; the call was ignored.');
    return { identity: null, problems };
  }
  return { identity, problems };
}
