import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** How long "nothing more arrives" is watched for. */
const QUIET_MS = 500;

async function readLog(server: TestServer, token: string, threadId: string, after = 0): Promise<any[]> {
  const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
  expect(page.status).toBe(200);
  expect(page.body.has_more).toBe(false);
  return page.body.events;
}

describe('webhooks (CONTRACT §8)', () => {
  let server: TestServer;
  let world: World;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(): Promise<Receiver> {
    const created = await Receiver.start();
    receivers.push(created);
    return created;
  }

  /** A thread of Alice and Bob, no agent, so only what the test sends is committed. */
  const humanThread = () => createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });

  async function subscribe(threadId: string, target: Receiver, token = world.alice.token) {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/webhooks`, {
      token,
      body: { callback_url: target.url },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    target.secret = response.body.secret;
    return response.body as { subscription_id: string; secret: string };
  }

  async function send(threadId: string, content: string, token = world.alice.token) {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
    expect(response.status).toBe(201);
    return response.body.message as { id: string; thread_seq: number };
  }

  it('registers a subscription (201) and posts every later durable event, signed, in seq order', async () => {
    const thread = await humanThread();
    const target = await receiver();
    const response = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: target.url },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      subscription_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      thread_id: thread.id,
      callback_url: target.url,
      active: true,
      created_at: expect.any(String),
      secret: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(response.body.created_at))).toBe(false);
    expect(response.body.secret.length).toBeGreaterThanOrEqual(16);
    target.secret = response.body.secret;

    const sent = [];
    for (const content of ['one', 'two', 'three'])
      sent.push(await send(thread.id, content, content === 'two' ? world.bob.token : world.alice.token));
    const mode = await api(server, 'PUT', `/chat/threads/${thread.id}/mode`, {
      token: world.bob.token,
      body: { participation_mode: 'invocation_only' },
    });
    expect(mode.status).toBe(200);

    const log = await readLog(server, world.alice.token, thread.id, thread.last_seq);
    expect(log).toHaveLength(4);
    await waitFor('4 deliveries', () => target.deliveries.length >= 4);
    await sleep(100);
    // Exactly the log, event for event: the body is the event object, nothing else and nothing twice.
    expect(target.deliveries.map((delivery) => delivery.event)).toEqual(log);
    expect(target.deliveries.map((delivery) => delivery.event.thread_seq)).toEqual(sent.map((m) => m.thread_seq).concat(log[3].thread_seq));
    expect(target.deliveries.map((delivery) => delivery.event.event_type)).toEqual([
      'message_committed',
      'message_committed',
      'message_committed',
      'mode_changed',
    ]);
    // Every signature verified with the secret; the other headers say what was sent.
    expect(target.deliveries.map((delivery) => delivery.verified)).toEqual([true, true, true, true]);
    for (const delivery of target.deliveries) {
      expect(delivery.headers['x-ama2-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(delivery.headers['content-type']).toMatch(/^application\/json/);
      expect(delivery.headers['x-ama2-delivery-attempt']).toBe('1');
      expect(delivery.headers['x-ama2-event-id']).toBe(delivery.event.event_id);
      expect(delivery.headers['x-ama2-subscription-id']).toBe(response.body.subscription_id);
      // The dedupe key of at-least-once delivery: the same on every try and every re-delivery of the event.
      expect(delivery.headers['x-ama2-delivery']).toBe(`${response.body.subscription_id}:${delivery.event.thread_seq}`);
    }
    // A signature made with another key does not verify: the check is real.
    const forged = createHmac('sha256', 'not-the-secret').update(target.deliveries[0]!.body).digest('hex');
    expect(`sha256=${forged}`).not.toBe(target.deliveries[0]!.headers['x-ama2-signature']);
  });

  it("delivers the agent's durable events (tool calls, replies) but never ephemeral runtime frames", async () => {
    const thread = await createThread(server, world.alice.token, {
      target_user_ids: [world.bob.user.id],
      agent_ids: [world.demoAgent.id],
    });
    const target = await receiver();
    await subscribe(thread.id, target);
    const question = await send(thread.id, '/tool shipments');
    // question, tool_call_started, tool_call_completed, the agent's reply
    await waitFor('4 deliveries', () => target.deliveries.length >= 4);
    await sleep(QUIET_MS);
    const log = await readLog(server, world.alice.token, thread.id, thread.last_seq);
    expect(log.map((event) => event.event_type)).toEqual([
      'message_committed',
      'tool_call_started',
      'tool_call_completed',
      'message_committed',
    ]);
    expect(log[0].thread_seq).toBe(question.thread_seq);
    expect(target.deliveries.map((delivery) => delivery.event)).toEqual(log);
    expect(target.deliveries.every((delivery) => delivery.verified)).toBe(true);
  });

  it('retries a failing delivery (500, 500, then 200) and keeps the later events in order', async () => {
    const thread = await humanThread();
    const target = await receiver();
    let failuresLeft = 2;
    target.respond = () => (failuresLeft-- > 0 ? 500 : 200);
    await subscribe(thread.id, target);

    const first = await send(thread.id, 'needs three tries');
    const second = await send(thread.id, 'queued behind it');
    const third = await send(thread.id, 'and this one too');
    await waitFor('the three events accepted', () => target.accepted.length >= 3);
    await sleep(100);

    expect(
      target.deliveries.map((delivery) => [delivery.event.thread_seq, delivery.headers['x-ama2-delivery-attempt'], delivery.status]),
    ).toEqual([
      [first.thread_seq, '1', 500],
      [first.thread_seq, '2', 500],
      [first.thread_seq, '3', 200],
      [second.thread_seq, '1', 200],
      [third.thread_seq, '1', 200],
    ]);
    // Each retry is the same event, byte for byte, with a valid signature.
    expect(new Set(target.deliveries.slice(0, 3).map((delivery) => delivery.body)).size).toBe(1);
    expect(new Set(target.deliveries.slice(0, 3).map((delivery) => delivery.headers['x-ama2-delivery'])).size).toBe(1);
    expect(target.deliveries.every((delivery) => delivery.verified)).toBe(true);
    const log = await readLog(server, world.alice.token, thread.id, thread.last_seq);
    expect(target.accepted.map((delivery) => delivery.event)).toEqual(log);
  });

  it('gives up after exactly 5 attempts, turns the subscription inactive and posts nothing more', async () => {
    const thread = await humanThread();
    const target = await receiver();
    target.respond = () => 503;
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target);
    expect((await server.app.context.storage.webhooks.get(subscriptionId))?.active).toBe(true);

    const first = await send(thread.id, 'nobody will take this');
    await send(thread.id, 'queued behind it');
    await waitFor(
      'the subscription to turn inactive',
      async () => (await server.app.context.storage.webhooks.get(subscriptionId))?.active === false,
    );
    await sleep(QUIET_MS);
    expect(target.deliveries.map((delivery) => [delivery.event.thread_seq, delivery.headers['x-ama2-delivery-attempt']])).toEqual([
      [first.thread_seq, '1'],
      [first.thread_seq, '2'],
      [first.thread_seq, '3'],
      [first.thread_seq, '4'],
      [first.thread_seq, '5'],
    ]);
    expect(target.deliveries.every((delivery) => delivery.verified)).toBe(true);

    // Later events are not posted to an inactive subscription, even once the receiver recovers.
    target.respond = () => 200;
    await send(thread.id, 'after it was turned off');
    await sleep(QUIET_MS);
    expect(target.deliveries).toHaveLength(5);
  });

  it('DELETE unsubscribes (204): nothing more is delivered; deleting again is 404', async () => {
    const thread = await humanThread();
    const target = await receiver();
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target);
    const before = await send(thread.id, 'delivered');
    await waitFor('the first delivery', () => target.deliveries.length >= 1);

    const removed = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${subscriptionId}`, { token: world.bob.token });
    expect(removed.status).toBe(204);
    expect(removed.body).toBeNull();
    expect(await server.app.context.storage.webhooks.get(subscriptionId)).toBeUndefined();

    await send(thread.id, 'not delivered');
    await send(thread.id, 'not delivered either');
    await sleep(QUIET_MS);
    expect(target.deliveries.map((delivery) => delivery.event.thread_seq)).toEqual([before.thread_seq]);

    const again = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${subscriptionId}`, { token: world.alice.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
    const unknown = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${randomUUID()}`, { token: world.alice.token });
    expect(unknown.status).toBe(404);
  });

  it('keeps separate subscriptions separate: a failing one does not hold back a healthy one', async () => {
    const thread = await humanThread();
    const healthy = await receiver();
    const broken = await receiver();
    broken.respond = () => 500;
    await subscribe(thread.id, healthy);
    await subscribe(thread.id, broken);
    const sent = [await send(thread.id, 'a'), await send(thread.id, 'b')];
    await waitFor('both events at the healthy receiver', () => healthy.deliveries.length >= 2);
    expect(healthy.deliveries.map((delivery) => delivery.event.thread_seq)).toEqual(sent.map((message) => message.thread_seq));
    expect(healthy.deliveries.every((delivery) => delivery.verified)).toBe(true);
    // Each subscription has its own secret: the broken one's deliveries verify with its own key.
    await waitFor('a delivery at the broken receiver', () => broken.deliveries.length >= 1);
    expect(broken.secret).not.toBe(healthy.secret);
    expect(broken.deliveries[0]!.verified).toBe(true);
  });

  it('refuses bad callback URLs with 400 and a clear message, and non-participants with 403', async () => {
    const thread = await humanThread();
    const cases = [
      { callback_url: 'not a url', message: /callback_url/ },
      { callback_url: 'ftp://example.com/hook', message: /callback_url.*http/ },
      { callback_url: '', message: /callback_url/ },
    ];
    for (const { callback_url, message } of cases) {
      const response = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
        token: world.alice.token,
        body: { callback_url },
      });
      expect(response.status, callback_url).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(response.body.error.message).toMatch(message);
    }
    const missing = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, { token: world.alice.token, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('client_error');

    const target = await receiver();
    const stranger = await server.addUser('Eve');
    const forbidden = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
      token: stranger.token,
      body: { callback_url: target.url },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target);
    const forbiddenDelete = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${subscriptionId}`, {
      token: stranger.token,
    });
    expect(forbiddenDelete.status).toBe(403);
    expect((await server.app.context.storage.webhooks.get(subscriptionId))?.active).toBe(true);

    const unauthenticated = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, { body: { callback_url: target.url } });
    expect(unauthenticated.status).toBe(401);
    const unknownThread = await api(server, 'POST', `/chat/threads/${randomUUID()}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: target.url },
    });
    expect(unknownThread.status).toBe(404);
    // None of the refused requests stored anything: the thread still gets no deliveries but the one subscription's.
    await send(thread.id, 'only one subscriber');
    await waitFor('the delivery', () => target.deliveries.length >= 1);
    await sleep(100);
    expect(target.deliveries).toHaveLength(1);
  });
});

describe('webhooks: unsubscribing during retries (CONTRACT §8)', () => {
  let server: TestServer;
  let world: World;
  let target: Receiver | undefined;

  beforeAll(async () => {
    // Slow retries, so that the DELETE surely lands between two tries.
    server = await startTestServer({ WEBHOOK_RETRY_BASE_MS: '250' });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await target?.close();
  });

  it('stops the retries of a deleted subscription: nothing is posted after the 204', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    target = await Receiver.start();
    target.respond = () => 500;
    const response = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: target.url },
    });
    expect(response.status).toBe(201);
    target.secret = response.body.secret;
    for (const content of ['failing, then unsubscribed', 'queued behind it']) {
      expect(
        (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody(content) })).status,
      ).toBe(201);
    }
    const current = target;
    await waitFor('the first attempt', () => current.deliveries.length >= 1);

    // The next try is due 250 ms after the first: the DELETE comes well before it.
    const removed = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${response.body.subscription_id}`, {
      token: world.alice.token,
    });
    expect(removed.status).toBe(204);
    target.respond = () => 200;
    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('after the delete') }))
        .status,
    ).toBe(201);
    // Tries 2 and 3 would have come at about 250 ms and 750 ms.
    await sleep(1_200);
    expect(target.deliveries.map((delivery) => delivery.headers['x-ama2-delivery-attempt'])).toEqual(['1']);
    expect(target.deliveries[0]!.verified).toBe(true);
  });
});
