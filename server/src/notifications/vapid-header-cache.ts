import webPush from 'web-push';
import type { VapidKeyPair } from '../storage/stores/push-store.ts';

/** How long each VAPID JWT is valid (RFC 8292 allows at most 24 hours). */
export const VAPID_JWT_LIFETIME_S = 12 * 60 * 60;
/** A JWT is replaced this long before it expires, so none is sent about to run out. */
export const VAPID_JWT_RENEW_BEFORE_S = 60 * 60;
/** Push service origins remembered at once; real ones are a handful (one per browser vendor). */
const MAX_AUDIENCES = 1_000;

/**
 * The `Authorization: vapid t=…, k=…` header per push service origin (the JWT's `aud`),
 * signed once and reused until shortly before it expires: signing (ES256) costs about 2 ms,
 * twice the encryption, and a push to many users goes to few push services.
 */
export class VapidHeaderCache {
  private readonly byAudience = new Map<string, { authorization: string; renewAtMs: number }>();

  constructor(
    private readonly vapid: VapidKeyPair,
    private readonly subject: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The header for a request to `endpoint`. */
  authorization(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const nowMs = this.now();
    const cached = this.byAudience.get(audience);
    if (cached && cached.renewAtMs > nowMs) return cached.authorization;
    const expiresAt = Math.floor(nowMs / 1000) + VAPID_JWT_LIFETIME_S;
    const { Authorization } = webPush.getVapidHeaders(
      audience,
      this.subject,
      this.vapid.publicKey,
      this.vapid.privateKey,
      'aes128gcm',
      expiresAt,
    );
    if (this.byAudience.size >= MAX_AUDIENCES) this.byAudience.clear();
    this.byAudience.set(audience, { authorization: Authorization, renewAtMs: (expiresAt - VAPID_JWT_RENEW_BEFORE_S) * 1000 });
    return Authorization;
  }
}
