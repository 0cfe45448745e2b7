import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/** User tokens live 12 hours (CONTRACT §1). */
const USER_TOKEN_TTL_SECONDS = 12 * 60 * 60;
/** External agent tokens look like `ama_eat_<random>` (seed 001). */
export const AGENT_TOKEN_PREFIX = 'ama_eat_';
/** Verified tokens remembered, so a busy client does not pay an HMAC per request. */
const VERIFY_CACHE_SIZE = 10_000;

/**
 * A verified token names its user, when it stops being valid (`exp`, in seconds since 1970)
 * and the user's session version it was issued under (claim `sv`; 0 for tokens without it).
 * Whoever loads the user refuses a token whose version is not the user's current one.
 */
export type TokenCheck = { ok: true; userId: string; exp: number; sessionVersion: number } | { ok: false; reason: 'expired' | 'invalid' };

type VerifiedToken = { userId: string; exp: number; sessionVersion: number };

export class UserTokens {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, VerifiedToken>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A token for the user, under their current `sessionVersion` (a password change ends it). */
  issue(userId: string, sessionVersion: number, ttlSeconds = USER_TOKEN_TTL_SECONDS): Promise<string> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    return new SignJWT({ sv: sessionVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ttlSeconds)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenCheck> {
    const nowSeconds = Date.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp > nowSeconds) return { ok: true, ...cached };
      this.cache.delete(token);
      return { ok: false, reason: 'expired' };
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
      const sv = payload.sv ?? 0;
      if (typeof sv !== 'number' || !Number.isSafeInteger(sv)) return { ok: false, reason: 'invalid' };
      const verified: VerifiedToken = { userId: payload.sub, exp: payload.exp, sessionVersion: sv };
      if (this.cache.size >= VERIFY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, verified);
      return { ok: true, ...verified };
    } catch (error) {
      return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

export function newAgentToken(): string {
  return AGENT_TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

/** Agent tokens are stored only as hashes. */
export function hashAgentToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
