import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** How long "nothing more arrives" is watched for. */
const QUIET_MS = 500;

/**
 * Who sees and who ends a thread's webhooks (issue 15, CONTRACT §8 [ext]): everyone taking
 * part lists them without secrets; any user who reads the thread deletes any of them; an
 * agent taking part lists them but cannot delete a person's; outsiders get 403 or 404 as
 * for everything else of the thread.
 */
describe("a thread's webhooks: listing and deleting", () => {
  let server: TestServer;
  let world: World;
  let agentToken: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    world = await demoWorld(server);
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
    expect(issued.status).toBe(201);
    agentToken = issued.body.token;
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

  async function subscribe(threadId: string, callbackUrl: string, token = world.alice.token) {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/webhooks`, { token, body: { callback_url: callbackUrl } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { subscription_id: string; secret: string; created_at: string };
  }

  const list = (threadId: string, token: string) => api(server, 'GET', `/chat/threads/${threadId}/webhooks`, { token });
  const remove = (threadId: string, subscriptionId: string, token: string) =>
    api(server, 'DELETE', `/chat/threads/${threadId}/webhooks/${subscriptionId}`, { token });

  it('every participant lists them, on and off with the reason, without secrets and without query values', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const healthy = await receiver();
    const broken = await receiver();
    broken.respond = () => 500;
    const first = await subscribe(thread.id, healthy.url);
    const second = await subscribe(thread.id, `${broken.url}?token=receiver-credential&team=t1`, world.bob.token);
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('hi') });
    expect(sent.status).toBe(201);
    // Five failed tries turn the broken one off.
    await waitFor(
      'the broken subscription turned off',
      async () => (await server.app.context.storage.webhooks.get(second.subscription_id))?.active === false,
    );

    const expected = [
      {
        subscription_id: first.subscription_id,
        thread_id: thread.id,
        callback_url: healthy.url,
        active: true,
        created_by: `user:${world.alice.user.id}`,
        created_at: first.created_at,
      },
      {
        subscription_id: second.subscription_id,
        thread_id: thread.id,
        callback_url: `${broken.url}?token=hidden&team=hidden`,
        active: false,
        inactive_reason: 'delivery_failed',
        created_by: `user:${world.bob.user.id}`,
        created_at: second.created_at,
      },
    ];
    for (const token of [world.alice.token, world.bob.token]) {
      const listed = await list(thread.id, token);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ webhooks: expected });
      const text = JSON.stringify(listed.body);
      for (const secret of [first.secret, second.secret, 'receiver-credential']) expect(text).not.toContain(secret);
    }
  });

  it("any user who reads the thread deletes any of its webhooks: Bob deletes Alice's, and nothing more is posted", async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const target = await receiver();
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target.url);

    const removed = await remove(thread.id, subscriptionId, world.bob.token);
    expect(removed.status).toBe(204);
    expect((await list(thread.id, world.alice.token)).body).toEqual({ webhooks: [] });
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('after') });
    expect(sent.status).toBe(201);
    await sleep(QUIET_MS);
    expect(target.deliveries).toEqual([]);
  });

  it("an agent taking part lists the webhooks but cannot delete a person's (403); it stays and the owner can", async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });
    const target = await receiver();
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target.url);

    const refused = await remove(thread.id, subscriptionId, agentToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', retryable: false });
    expect((await server.app.context.storage.webhooks.get(subscriptionId))?.active).toBe(true);
    const listed = await list(thread.id, agentToken);
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks.map((hook: { subscription_id: string; active: boolean }) => [hook.subscription_id, hook.active])).toEqual([
      [subscriptionId, true],
    ]);

    // An unknown subscription is 404 for the agent too, as for everyone taking part.
    expect((await remove(thread.id, randomUUID(), agentToken)).status).toBe(404);

    expect((await remove(thread.id, subscriptionId, world.bob.token)).status).toBe(204);
  });

  it("the agent's owner, who reads a visitor's thread without taking part, lists and deletes its webhooks; the agent cannot delete them", async () => {
    const visitor = await startVisitor(server);
    const target = await receiver();
    const { subscription_id: subscriptionId } = await subscribe(visitor.thread_id, target.url);

    for (const token of [world.alice.token, agentToken]) {
      const listed = await list(visitor.thread_id, token);
      expect(listed.status).toBe(200);
      expect(listed.body.webhooks.map((hook: { subscription_id: string }) => hook.subscription_id)).toEqual([subscriptionId]);
    }
    // Bob does not own the agent: the thread is not his to see.
    expect((await list(visitor.thread_id, world.bob.token)).status).toBe(403);
    expect((await remove(visitor.thread_id, subscriptionId, world.bob.token)).status).toBe(403);
    expect((await remove(visitor.thread_id, subscriptionId, agentToken)).status).toBe(403);
    expect((await remove(visitor.thread_id, subscriptionId, world.alice.token)).status).toBe(204);
    expect((await list(visitor.thread_id, world.alice.token)).body).toEqual({ webhooks: [] });
  });

  it('outsiders get 403 (a user or an agent not taking part), an unknown thread 404, no credentials 401', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const target = await receiver();
    const { subscription_id: subscriptionId } = await subscribe(thread.id, target.url);
    const stranger = await server.addUser('Eve');

    for (const token of [stranger.token, agentToken]) {
      const listed = await list(thread.id, token);
      expect(listed.status).toBe(403);
      expect(listed.body.error.code).toBe('forbidden');
      expect(listed.body.webhooks).toBeUndefined();
      const removed = await remove(thread.id, subscriptionId, token);
      expect(removed.status).toBe(403);
      expect(removed.body.error.code).toBe('forbidden');
    }
    expect((await list(randomUUID(), world.alice.token)).status).toBe(404);
    expect((await api(server, 'GET', `/chat/threads/${thread.id}/webhooks`)).status).toBe(401);
    expect((await list('not-a-uuid', world.alice.token)).status).toBe(400);
    expect((await server.app.context.storage.webhooks.get(subscriptionId))?.active).toBe(true);
  });
});
