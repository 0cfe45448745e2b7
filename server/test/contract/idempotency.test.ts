import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

describe('idempotent sends (CONTRACT §4)', () => {
  let server: TestServer;
  let token: string;
  let threadId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    token = alice.token;
    threadId = (await createThread(server, token, { target_user_ids: [bob.user.id] })).id;
  });
  afterAll(() => server.close());

  it('answers a repeated send with the same message, id and seq', async () => {
    const body = sendBody('hello once');
    const first = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body });
    const second = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.message.id).toBe(first.body.message.id);
    expect(second.body.message.thread_seq).toBe(first.body.message.thread_seq);
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token });
    const copies = log.body.events.filter((event: any) => event.data.client_message_id === body.client_message_id);
    expect(copies).toHaveLength(1);
  });

  it('refuses the same client_message_id with different content (409) and stores nothing', async () => {
    const id = randomUUID();
    const first = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody('version one', id) });
    const before = await api(server, 'GET', `/chat/threads/${threadId}`, { token });
    const second = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody('version two', id) });
    const after = await api(server, 'GET', `/chat/threads/${threadId}`, { token });
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'conflict', retryable: false });
    expect(second.body.error.message).toMatch(/client_message_id/);
    expect(after.body.last_seq).toBe(before.body.last_seq);
  });

  it('commits one row for 50 concurrent repeats of one client_message_id', async () => {
    const body = sendBody('raced send');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    expect(new Set(responses.map((response) => response.body.message.id)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.message.thread_seq)).size).toBe(1);
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token });
    expect(log.body.events.filter((event: any) => event.data.client_message_id === body.client_message_id)).toHaveLength(1);
  });

  it('keeps ids per sender: two senders may use the same client_message_id', async () => {
    const bob = await server.login('bob@example.com');
    const id = randomUUID();
    const fromAlice = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody('same id A', id) });
    const fromBob = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody('same id B', id) });
    expect(fromAlice.status).toBe(201);
    expect(fromBob.status).toBe(201);
    expect(fromBob.body.message.id).not.toBe(fromAlice.body.message.id);
  });

  it('is idempotent over the socket too: a repeated send_message acks the same message', async () => {
    const { TestSocket, userSocketUrl } = await import('../support/test-socket.ts');
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, token));
    await socket.ready();
    const frame = { type: 'send_message', data: { thread_id: threadId, ...sendBody('over the socket') } };
    socket.send(frame);
    socket.send(frame);
    await socket.next((f) => f.type === 'message_ack' && socket.ofType('message_ack').length >= 2, 5000, 'two acks');
    const [first, second] = socket.ofType('message_ack');
    expect(second.data.message.id).toBe(first.data.message.id);
    expect(second.data.message.thread_seq).toBe(first.data.message.thread_seq);
    await socket.close();
  });
});
