import { afterAll, beforeAll, expect, it } from 'vitest';
import { download } from '../support/attachments.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { visitorWithData } from '../support/erasure.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { publicCall } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/**
 * CONTRACT §14, issue 20: from its `thread_deleted` on, an erased thread is gone for every
 * user, agent and visitor path, while the erasure still waits (up to the farewell wait) for its
 * webhooks, which do get the farewell. The webhook here never answers, so every check runs
 * inside that wait.
 */
describeEachStorage('privacy: nothing of an erased thread is readable during the farewell wait', (storageEnv) => {
  let server: TestServer;
  let world: World;
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('every read path answers as for a thread that is gone, from the farewell on', { timeout: 60_000 }, async () => {
    const alice = world.alice.token;
    const visitor = await visitorWithData(server, alice);
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice });
    expect(issued.status).toBe(201);
    const agentToken = issued.body.token as string;
    expect((await api(server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: agentToken })).status).toBe(200);
    receiver.respond = (delivery) => (delivery.event?.event_type === 'thread_deleted' ? 0 : 200);
    const subscribed = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/webhooks`, {
      token: alice,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, alice));
    await socket.ready();

    const erasing = api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: alice });
    const farewell = await socket.next((frame) => frame.type === 'thread_event' && frame.data.event_type === 'thread_deleted');
    expect(farewell).toMatchObject({ thread_id: visitor.thread_id, data: { data: { reason: 'erased_by_owner' } } });
    await waitFor('the webhook to be sent thread_deleted', () =>
      receiver.deliveries.some(
        (delivery) => delivery.event?.event_type === 'thread_deleted' && delivery.event.thread_id === visitor.thread_id,
      ),
    );

    // The erasure still waits for the webhook: every path already finds nothing.
    const threadId = visitor.thread_id;
    const user = (path: string) => api(server, 'GET', path, { token: alice });
    expect((await user(`/chat/threads/${threadId}`)).status).toBe(404);
    expect((await user(`/chat/threads/${threadId}/events?last_thread_seq=0`)).status).toBe(404);
    expect((await user(`/chat/threads/${threadId}/notes`)).status).toBe(404);
    expect((await download(server, `/chat/threads/${threadId}/attachments/${visitor.file.id}`, alice)).status).toBe(404);
    const list = await user('/chat/threads?limit=100');
    expect(list.body.threads.map((thread: { id: string }) => thread.id)).not.toContain(threadId);
    expect((await user(`/chat/search?q=${visitor.word}`)).body.results).toEqual([]);
    const agent = (path: string) => api(server, 'GET', path, { token: agentToken });
    expect((await agent(`/chat/threads/${threadId}`)).status).toBe(404);
    expect((await agent(`/chat/threads/${threadId}/events?last_thread_seq=0`)).status).toBe(404);
    expect((await agent(`/chat/threads/${threadId}/events/stream?last_thread_seq=0`)).status).toBe(404);
    expect((await publicCall(server, 'GET', `${threadId}/events?last_thread_seq=0`, { token: visitor.visitor_token })).status).toBe(401);
    expect((await api(server, 'GET', '/chat/public/demo/threads', { token: visitor.visitor_token })).status).toBe(401);

    expect((await erasing).status).toBe(204);
    expect((await user(`/chat/threads/${threadId}`)).status).toBe(404);
    await socket.close();
  });
});
