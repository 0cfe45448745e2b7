import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/core/protocol/notifications.ts';
import { closedLog } from '../support/closed-log.ts';
import { LocalPushService, type LocalSubscription } from '../support/push-service.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';

const notification = (extra: Partial<Notification> = {}): Notification => ({
  id: randomUUID(),
  kind: 'mention',
  thread_id: randomUUID(),
  thread_seq: 7,
  title: 'Ada mentioned you',
  body: 'Can you look at the invoice? <b>now</b>',
  created_at: new Date().toISOString(),
  read_at: null,
  ...extra,
});

/** CONTRACT §12: the push sender through a real local push service that checks VAPID and decrypts. */
describeEachStorage('web push delivery (CONTRACT §12)', (storageEnv) => {
  let server: TestServer;
  let service: LocalPushService;
  let vapidKey: string;
  const subscribed: LocalSubscription[] = [];

  beforeAll(async () => {
    service = await LocalPushService.start();
    server = await startTestServer({
      ...(await storageEnv()),
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      VAPID_SUBJECT: 'mailto:ops@example.com',
    });
    vapidKey = (await api(server, 'GET', '/push/vapid-public-key')).body.key;
  });
  afterAll(async () => {
    await server?.close();
    await service?.close();
  });

  async function subscribedUser() {
    const user = await server.addUser('Ada');
    const subscription = service.subscribe();
    subscribed.push(subscription);
    const response = await api(server, 'POST', '/me/push-subscriptions', {
      token: user.token,
      body: { endpoint: subscription.endpoint, keys: subscription.keys },
    });
    expect(response.status).toBe(201);
    return { user, subscription, subscriptionId: response.body.id as string };
  }

  it('sends the payload encrypted (aes128gcm) and VAPID-signed, with Topic, TTL and Urgency; last_used_at is set', async () => {
    const { user, subscription } = await subscribedUser();
    const sent = notification();
    const outcome = await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: sent });
    expect(outcome).toBe('sent');
    const [message] = service.received.filter((item) => item.subscriptionId === subscription.id);
    expect(message!.payload).toEqual({
      notification_id: sent.id,
      kind: 'mention',
      thread_id: sent.thread_id,
      thread_seq: 7,
      title: 'Ada mentioned you',
      body: 'Can you look at the invoice? <b>now</b>',
    });
    expect(message!.body.includes(Buffer.from('invoice'))).toBe(false);
    expect(message!.contentEncoding).toBe('aes128gcm');
    expect(message!.topic).toBe(sent.id.replace(/-/g, ''));
    expect(message!.ttl).toBe('86400');
    expect(message!.urgency).toBe('normal');
    expect(message!.vapidKey).toBe(vapidKey);
    expect(message!.claims).toMatchObject({ aud: service.origin, sub: 'mailto:ops@example.com' });
    const listed = await api(server, 'GET', '/me/push-subscriptions', { token: user.token });
    expect(listed.body.subscriptions[0].last_used_at).toEqual(expect.any(String));
  });

  it('a user without subscriptions: nothing_to_send', async () => {
    const user = await server.addUser('Nobody');
    expect(await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: notification() })).toBe(
      'nothing_to_send',
    );
  });

  it('a push service answering 410 removes the subscription; 404 too', async () => {
    for (const status of [410, 404]) {
      const { user, subscription } = await subscribedUser();
      service.answerNext(subscription.id, status);
      const outcome = await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: notification() });
      expect(outcome).toBe('nothing_to_send');
      expect((await api(server, 'GET', '/me/push-subscriptions', { token: user.token })).body).toEqual({ subscriptions: [] });
    }
  });

  it('429 and 5xx are retried, and the subscription stays', async () => {
    for (const status of [429, 503]) {
      const { user, subscription, subscriptionId } = await subscribedUser();
      service.answerNext(subscription.id, status);
      const item = { userId: user.user.id, notification: notification() };
      expect(await server.app.context.notifyChannels.push.deliver(item)).toBe('retry');
      const listed = await api(server, 'GET', '/me/push-subscriptions', { token: user.token });
      expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([subscriptionId]);
      expect(await server.app.context.notifyChannels.push.deliver(item)).toBe('sent');
    }
  });

  it('keeps its connection to a push service open: pushes one after another go over one connection', async () => {
    const { user, subscription } = await subscribedUser();
    const before = service.connections;
    const sent = [notification(), notification(), notification()];
    for (const item of sent) {
      expect(await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: item })).toBe('sent');
    }
    const topics = service.received.filter((item) => item.subscriptionId === subscription.id).map((item) => item.topic);
    expect(topics).toEqual(sent.map((item) => item.id.replace(/-/g, '')));
    expect(service.connections - before).toBeLessThanOrEqual(1);
  });

  it('writes last_used_at at the first push and not again for every push within a minute', async () => {
    const { user } = await subscribedUser();
    const deliver = () => server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: notification() });
    expect(await deliver()).toBe('sent');
    const first = (await api(server, 'GET', '/me/push-subscriptions', { token: user.token })).body.subscriptions[0].last_used_at;
    expect(first).toEqual(expect.any(String));
    expect(await deliver()).toBe('sent');
    const second = (await api(server, 'GET', '/me/push-subscriptions', { token: user.token })).body.subscriptions[0].last_used_at;
    expect(second).toBe(first);
  });

  it('shortens a body too long for one push record', async () => {
    const { user, subscription } = await subscribedUser();
    const long = notification({ body: 'ü'.repeat(5_000) });
    expect(await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: long })).toBe('sent');
    const [message] = service.received.filter((item) => item.subscriptionId === subscription.id);
    const payload = message!.payload as { body: string };
    expect(payload.body.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(3_500);
  });

  it('logs no endpoint or key of any subscription (last: it closes the server to read the whole log)', async () => {
    const log = await closedLog(server);
    expect(log).toContain('push subscription gone; removed');
    for (const subscription of subscribed) {
      expect(log).not.toContain(new URL(subscription.endpoint).pathname);
      expect(log).not.toContain(subscription.keys.auth);
      expect(log).not.toContain(subscription.keys.p256dh);
    }
  });
});

describe('web push and the network rules at send time (CONTRACT §8, §12)', () => {
  let server: TestServer;
  let resolvesTo = '93.184.216.34';

  beforeAll(async () => {
    server = await startTestServer(
      { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' },
      { resolveHost: async () => [{ address: resolvesTo, family: 4 }] },
    );
  });
  afterAll(() => server?.close());

  it('a name that pointed outside at subscription and inside at send time (DNS rebinding) gets no request', async () => {
    const user = await server.addUser('Ada');
    const service = await LocalPushService.start();
    try {
      const local = service.subscribe();
      const endpoint = `https://push.rebind.example.com:${new URL(service.origin).port}/push/${local.id}`;
      const created = await api(server, 'POST', '/me/push-subscriptions', { token: user.token, body: { endpoint, keys: local.keys } });
      expect(created.status).toBe(201);
      resolvesTo = '127.0.0.1';
      const outcome = await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: notification() });
      expect(outcome).toBe('nothing_to_send');
      expect(service.received.length + service.refused.length).toBe(0);
    } finally {
      await service.close();
    }
  });

  it('an endpoint whose host is a private IP literal (stored before the rules changed) gets no request', async () => {
    const user = await server.addUser('Grace');
    const service = await LocalPushService.start();
    try {
      const local = service.subscribe();
      // Node connects to an IP literal without a lookup: the connection itself is checked.
      const endpoint = `https://127.0.0.1:${new URL(service.origin).port}/push/${local.id}`;
      await server.app.context.storage.push.subscribe({ userId: user.user.id, endpoint, p256dh: local.keys.p256dh, auth: local.keys.auth });
      const outcome = await server.app.context.notifyChannels.push.deliver({ userId: user.user.id, notification: notification() });
      expect(outcome).toBe('nothing_to_send');
      expect(service.received.length + service.refused.length).toBe(0);
      expect(service.connections).toBe(0);
    } finally {
      await service.close();
    }
  });

  it('logs each refusal in words (last: it closes the server to read the whole log)', async () => {
    const log = await closedLog(server);
    expect(log).toContain('push endpoint refused by the network rules');
    expect(log).toContain('127.0.0.1 is a loopback address, which push endpoints may not reach');
  });
});
