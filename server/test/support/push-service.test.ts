import { SignJWT, importJWK } from 'jose';
import webPush, { type PushSubscription, type RequestOptions } from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPushService } from './push-service.ts';

/** The local push service must refuse what a real one refuses, or the sender's tests prove nothing. */
describe('the local push service', () => {
  let service: LocalPushService;
  const vapid = webPush.generateVAPIDKeys();
  const vapidDetails = { subject: 'mailto:ops@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey };

  /** `web-push` sends over https only: the same request, made with its own encryption and headers, over http. */
  async function send(subscription: PushSubscription, payload: string, options: RequestOptions = {}): Promise<number> {
    const details = webPush.generateRequestDetails(subscription, payload, { vapidDetails, ...options });
    const response = await fetch(details.endpoint, {
      method: 'POST',
      headers: details.headers as Record<string, string>,
      body: details.body ?? undefined,
    });
    return response.status;
  }

  beforeAll(async () => {
    service = await LocalPushService.start();
  });
  afterAll(() => service.close());

  it('verifies VAPID, decrypts an aes128gcm body and records the headers', async () => {
    const subscription = service.subscribe();
    const status = await send(subscription, JSON.stringify({ hello: 'wörld' }), {
      TTL: 120,
      urgency: 'high',
      topic: 'abc_DEF-123',
    });
    expect(status).toBe(201);
    const [message] = service.received.filter((item) => item.subscriptionId === subscription.id);
    expect(message!.payload).toEqual({ hello: 'wörld' });
    expect(message!.body.includes(Buffer.from('wörld'))).toBe(false);
    expect(message!.ttl).toBe('120');
    expect(message!.urgency).toBe('high');
    expect(message!.topic).toBe('abc_DEF-123');
    expect(message!.contentEncoding).toBe('aes128gcm');
    expect(message!.claims.aud).toBe(service.origin);
    expect(message!.vapidKey).toBe(vapid.publicKey);
  });

  it('refuses a JWT signed by another key than k=', async () => {
    const subscription = service.subscribe();
    const other = webPush.generateVAPIDKeys();
    const headers = webPush.getVapidHeaders(service.origin, 'mailto:ops@example.com', vapid.publicKey, vapid.privateKey, 'aes128gcm');
    const forged = headers.Authorization.replace(/k=.*$/, `k=${other.publicKey}`);
    const response = await fetch(subscription.endpoint, {
      method: 'POST',
      headers: { authorization: forged, 'content-encoding': 'aes128gcm', ttl: '60' },
      body: Buffer.alloc(120),
    });
    expect(response.status).toBe(403);
    expect(service.refused.at(-1)!.reason).toMatch(/^VAPID: /);
  });

  it('refuses a JWT for another audience, and one expiring more than 24 hours away', async () => {
    const subscription = service.subscribe();
    const wrongAudience = webPush.getVapidHeaders(
      'https://push.example.com',
      'mailto:ops@example.com',
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
    );
    // web-push will not sign an exp over 24 h: signed here with the same key.
    const point = Buffer.from(vapid.publicKey, 'base64url');
    const key = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        d: vapid.privateKey,
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const farJwt = await new SignJWT({ sub: 'mailto:ops@example.com' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setAudience(service.origin)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 25 * 60 * 60)
      .sign(key);
    for (const authorization of [wrongAudience.Authorization, `vapid t=${farJwt}, k=${vapid.publicKey}`]) {
      const response = await fetch(subscription.endpoint, {
        method: 'POST',
        headers: { authorization, 'content-encoding': 'aes128gcm', ttl: '60' },
        body: Buffer.alloc(120),
      });
      expect(response.status).toBe(403);
    }
  });

  it('refuses a body that is not encrypted to the subscription', async () => {
    const subscription = service.subscribe();
    const other = service.subscribe();
    // Encrypted for another subscription's keys: this one cannot open it.
    const details = webPush.generateRequestDetails({ endpoint: subscription.endpoint, keys: other.keys }, '{"a":1}', { vapidDetails });
    const response = await fetch(subscription.endpoint, {
      method: 'POST',
      headers: details.headers as Record<string, string>,
      body: details.body!,
    });
    expect(response.status).toBe(400);
    expect(service.refused.at(-1)!.reason).toMatch(/^decryption: /);
  });

  it('answers 410 and 429 when asked, once each', async () => {
    const subscription = service.subscribe();
    service.answerNext(subscription.id, 410);
    service.answerNext(subscription.id, 429);
    expect(await send(subscription, '{}')).toBe(410);
    expect(await send(subscription, '{}')).toBe(429);
    expect(await send(subscription, '{}')).toBe(201);
  });
});
