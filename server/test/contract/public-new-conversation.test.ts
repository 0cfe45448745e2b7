import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, publicSocketUrl } from '../support/test-socket.ts';

describe('[ext] a visitor starts a new conversation', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('returns the visitor sender id, and `fresh: true` gives a new thread that later visits resume', async () => {
    const email = 'returning@example.com';
    const first = await api(server, 'POST', '/chat/public/demo/threads', { body: { email, name: 'Rita' } });
    expect(first.status).toBe(201);
    expect(first.body.sender_id).toMatch(/^visitor:[0-9a-f-]{36}$/);

    const fresh = await api(server, 'POST', '/chat/public/demo/threads', { body: { email, fresh: true } });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ resumed: false, sender_id: first.body.sender_id });
    expect(fresh.body.thread_id).not.toBe(first.body.thread_id);

    const back = await api(server, 'POST', '/chat/public/demo/threads', { body: { email } });
    expect(back.body).toMatchObject({ resumed: true, thread_id: fresh.body.thread_id });

    // The old thread is no longer the visitor's: its socket and history answer "not found".
    const old = TestSocket.open(publicSocketUrl(server.wsUrl, 'demo', first.body.thread_id, email));
    expect((await old.closed).code).toBe(4004);
    const history = await api(server, 'GET', `/chat/public/demo/threads/${first.body.thread_id}/events?email=${email}`);
    expect(history.status).toBe(404);

    // Alice, the agent's owner, still has both in her inbox.
    const alice = await server.login('alice@example.com');
    const threads = await api(server, 'GET', '/chat/threads?limit=100', { token: alice.token });
    const ids = threads.body.threads.map((thread: { id: string }) => thread.id);
    expect(ids).toEqual(expect.arrayContaining([first.body.thread_id, fresh.body.thread_id]));
  });
});
