import { createHash, randomBytes } from 'node:crypto';

/** Visitor tokens look like `vt_<base64url of 32 random bytes>` (CONTRACT §7). */
const VISITOR_TOKEN_PREFIX = 'vt_';
const VISITOR_TOKEN_BYTES = 32;
const VISITOR_TOKEN = /^vt_[A-Za-z0-9_-]{43}$/;

/** A new visitor token: 256 random bits. Only its hash is stored. */
export function newVisitorToken(): string {
  return VISITOR_TOKEN_PREFIX + randomBytes(VISITOR_TOKEN_BYTES).toString('base64url');
}

/** Whether a string has the shape of a visitor token (cheap check before any lookup). */
export function isVisitorToken(value: string): boolean {
  return VISITOR_TOKEN.test(value);
}

/** The stored form of a visitor token: sha256, hex. */
export function hashVisitorToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of `Authorization: Bearer <token>`, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header?.startsWith('Bearer ')) return null;
  const token = header.slice('Bearer '.length).trim();
  return token || null;
}
