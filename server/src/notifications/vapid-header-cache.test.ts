import { decodeJwt } from 'jose';
import webPush from 'web-push';
import { describe, expect, it } from 'vitest';
import { VAPID_JWT_LIFETIME_S, VAPID_JWT_RENEW_BEFORE_S, VapidHeaderCache } from './vapid-header-cache.ts';

const claimsOf = (authorization: string) => decodeJwt(/t=([^,]+)/.exec(authorization)![1]!);

describe('VapidHeaderCache', () => {
  const vapid = webPush.generateVAPIDKeys();

  it('signs once per push service origin and reuses it until an hour before it expires', () => {
    let nowMs = Date.UTC(2026, 0, 1);
    const cache = new VapidHeaderCache(vapid, 'mailto:ops@example.com', () => nowMs);
    const first = cache.authorization('https://fcm.googleapis.com/fcm/send/a');
    expect(first).toMatch(new RegExp(`^vapid t=[^,]+, k=${vapid.publicKey}$`));
    expect(claimsOf(first)).toEqual({
      aud: 'https://fcm.googleapis.com',
      exp: nowMs / 1000 + VAPID_JWT_LIFETIME_S,
      sub: 'mailto:ops@example.com',
    });
    expect(cache.authorization('https://fcm.googleapis.com/fcm/send/b')).toBe(first);
    const other = cache.authorization('https://updates.push.services.mozilla.com/wpush/v2/c');
    expect(claimsOf(other).aud).toBe('https://updates.push.services.mozilla.com');
    nowMs += (VAPID_JWT_LIFETIME_S - VAPID_JWT_RENEW_BEFORE_S) * 1000 - 1;
    expect(cache.authorization('https://fcm.googleapis.com/fcm/send/a')).toBe(first);
    nowMs += 1;
    const renewed = cache.authorization('https://fcm.googleapis.com/fcm/send/a');
    expect(claimsOf(renewed).exp).toBe(nowMs / 1000 + VAPID_JWT_LIFETIME_S);
  });
});
