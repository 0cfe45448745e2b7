import { createHash, randomBytes } from 'node:crypto';

/** Resume tokens look like `vrt_<base64url of 32 random bytes>` (tells them apart from other credentials in a leak scan). */
const RESUME_TOKEN_PREFIX = 'vrt_';
const RESUME_TOKEN_BYTES = 32;
const RESUME_TOKEN = /^vrt_[A-Za-z0-9_-]{43}$/;
/** How long a follow-up email's link resumes the conversation (CONTRACT §12). */
export const RESUME_TOKEN_TTL_MS = 7 * 24 * 60 * 60_000;

/** A new resume token: 256 random bits. Only its hash is stored. */
export function newResumeToken(): string {
  return RESUME_TOKEN_PREFIX + randomBytes(RESUME_TOKEN_BYTES).toString('base64url');
}

/** Whether a string has the shape of a resume token (cheap check before any lookup). */
export function isResumeToken(value: string): boolean {
  return RESUME_TOKEN.test(value);
}

/** The stored form of a resume token: sha256, hex. */
export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
