import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { newEmail, openVisitorSocket, publicCall, resolve } from '../support/visitors.ts';

describe('[ext] a visitor starts a new conversation', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('returns the visitor sender id, and `fresh: true` with the token gives a new thread that later visits resume', async () => {
    const email = newEmail('Returning');
    const first = await resolve(server, { email, name: 'Rita' });
    expect(first.status).toBe(201);
    expect(first.body.sender_id).toMatch(/^visitor:[0-9a-f-]{36}$/);
    const token = first.body.visitor_token;

    const fresh = await resolve(server, { email, fresh: true }, { token });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ resumed: false, sender_id: first.body.sender_id, visitor_token: token });
    expect(fresh.body.thread_id).not.toBe(first.body.thread_id);

    const back = await resolve(server, { email }, { token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ resumed: true, thread_id: fresh.body.thread_id, visitor_token: token });

    // The old conversation is still the visitor's own: their token reads it.
    const old = await publicCall(server, 'GET', `${first.body.thread_id}/events?last_thread_seq=0`, { token });
    expect(old.status).toBe(200);
    const socket = openVisitorSocket(server, { threadId: fresh.body.thread_id, email, token });
    await socket.ready();
    await socket.close();
    expect((await publicCall(server, 'POST', `${fresh.body.thread_id}/messages`, { token, body: sendBody('hello again') })).status).toBe(
      201,
    );

    // Alice, the agent's owner, still has both in her inbox, under Rita's name.
    const alice = await server.login('alice@example.com');
    const threads = await api(server, 'GET', '/chat/threads?limit=100', { token: alice.token });
    const mine = threads.body.threads.filter((thread: { id: string }) => [first.body.thread_id, fresh.body.thread_id].includes(thread.id));
    expect(mine).toHaveLength(2);
    for (const thread of mine) {
      expect(thread.visitor).toEqual({ sender_id: first.body.sender_id, name: 'Rita', email, verified: false });
      expect(thread.participants[0]).toMatchObject({ sender_id: first.body.sender_id, name: 'Rita' });
    }
  });
});
