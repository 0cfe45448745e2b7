import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_PATTERN } from '../support/global-setup.ts';
import { expiredToken, api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String), retryable: false } });
  expect(response.body.error.message.length).toBeGreaterThan(0);
}

describe('sign-in and credentials (CONTRACT §1)', () => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer();
    world = await demoWorld(server);
  });
  afterAll(() => server.close());

  it('signs in with the demo credentials and returns a JWT and the user', async () => {
    const response = await api(server, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: 'password123' } });
    expect(response.status).toBe(200);
    expect(response.body.token).toMatch(JWT_PATTERN);
    expect(response.body.user).toEqual({ id: expect.any(String), name: 'Alice', email: 'alice@example.com', avatar_url: null });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrongPassword = await api(server, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: 'not-the-password' } });
    const unknownEmail = await api(server, 'POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'password123' } });
    expectError(wrongPassword, 401, 'unauthorized');
    expectError(unknownEmail, 401, 'unauthorized');
    expect(unknownEmail.body.error.message).toBe(wrongPassword.body.error.message);
  });

  it('GET /me returns the signed-in user', async () => {
    const response = await api(server, 'GET', '/me', { token: world.bob.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(world.bob.user);
    expect(response.body).toMatchObject({ name: 'Bob', email: 'bob@example.com' });
  });

  it('refuses a missing, a garbage and an expired token with 401 unauthorized', async () => {
    const none = await api(server, 'GET', '/me');
    const garbage = await api(server, 'GET', '/me', { token: 'this-is-not-a-jwt' });
    const forged = await api(server, 'GET', '/me', { token: `${world.alice.token.slice(0, -4)}AAAA` });
    const expired = await api(server, 'GET', '/me', { token: await expiredToken(server, world.alice.user.id) });
    for (const response of [none, garbage, forged, expired]) expectError(response, 401, 'unauthorized');
    expect(expired.body.error.message).toMatch(/expired/i);
    const threads = await api(server, 'GET', '/chat/threads', { token: await expiredToken(server, world.alice.user.id) });
    expectError(threads, 401, 'unauthorized');
  });

  describe('external agent tokens (seed 001)', () => {
    let agentToken: string;

    it('lets the owner issue an ama_eat_ token and refuses anyone else', async () => {
      const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
      expect(issued.status).toBe(201);
      expect(issued.body.token).toMatch(/^ama_eat_[A-Za-z0-9_-]{16,}$/);
      expect(issued.body.agent_id).toBe(world.demoAgent.id);
      agentToken = issued.body.token;

      const byBob = await api(server, 'POST', '/agents/demo/tokens', { token: world.bob.token });
      expectError(byBob, 403, 'forbidden');
      const unknown = await api(server, 'POST', '/agents/no-such-agent/tokens', { token: world.alice.token });
      expectError(unknown, 404, 'not_found');
      const anonymous = await api(server, 'POST', '/agents/demo/tokens');
      expectError(anonymous, 401, 'unauthorized');
    });

    it('works for the SDK-style calls: create a thread, send as the agent, poll', async () => {
      expect(agentToken).toBeDefined();
      const created = await api(server, 'POST', '/chat/threads', {
        token: agentToken,
        body: { target_user_ids: [world.bob.user.id], title: 'From the agent' },
      });
      expect(created.status).toBe(201);
      expect(created.body.participants.map((p: { sender_id: string }) => p.sender_id).sort()).toEqual(
        [world.demoAgent.sender_id, `user:${world.bob.user.id}`].sort(),
      );
      const threadId = created.body.id as string;

      const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
        token: agentToken,
        body: sendBody('Hello from the agent'),
      });
      expect(sent.status).toBe(201);
      expect(sent.body.message).toMatchObject({
        thread_id: threadId,
        sender_id: world.demoAgent.sender_id,
        role: 'agent',
        content: 'Hello from the agent',
        thread_seq: created.body.last_seq + 1,
      });

      const poll = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0`, { token: agentToken });
      expect(poll.status).toBe(200);
      expect(poll.body.has_more).toBe(false);
      const last = poll.body.events.at(-1);
      expect(last).toMatchObject({
        event_type: 'message_committed',
        thread_seq: sent.body.message.thread_seq,
        sender_id: world.demoAgent.sender_id,
        content: 'Hello from the agent',
      });
      expect(last.data).toMatchObject({ message_id: sent.body.message.id, role: 'agent' });

      // Bob, the target, sees it in his inbox; Alice (not a participant) does not get in.
      const bobsView = await api(server, 'GET', `/chat/threads/${threadId}`, { token: world.bob.token });
      expect(bobsView.status).toBe(200);
      expect(bobsView.body.unread_count).toBe(1);
      const alicesView = await api(server, 'GET', `/chat/threads/${threadId}`, { token: world.alice.token });
      expectError(alicesView, 403, 'forbidden');
    });

    it('refuses an unknown agent token and user-only calls with an agent token', async () => {
      expectError(
        await api(server, 'GET', `/chat/threads/${world.welcome.id}`, { token: 'ama_eat_notarealtoken0000000000' }),
        401,
        'unauthorized',
      );
      expectError(await api(server, 'GET', '/me', { token: agentToken }), 403, 'forbidden');
    });
  });

  describe('origin check on credentialed REST calls', () => {
    it('refuses a foreign Origin with 403 forbidden', async () => {
      const response = await api(server, 'GET', '/chat/threads', {
        token: world.alice.token,
        headers: { origin: 'https://evil.example.com' },
      });
      expectError(response, 403, 'forbidden');
      const send = await api(server, 'POST', `/chat/threads/${world.welcome.id}/messages`, {
        token: world.alice.token,
        body: sendBody('from a foreign page'),
        headers: { origin: 'https://evil.example.com' },
      });
      expectError(send, 403, 'forbidden');
      const after = await api(server, 'GET', `/chat/threads/${world.welcome.id}`, { token: world.alice.token });
      expect(after.body.last_message?.content).not.toBe('from a foreign page');
    });

    it("accepts the server's own origin and requests without an Origin", async () => {
      const sameOrigin = await api(server, 'GET', '/chat/threads', { token: world.alice.token, headers: { origin: server.url } });
      expect(sameOrigin.status).toBe(200);
      const noOrigin = await api(server, 'GET', '/chat/threads', { token: world.alice.token });
      expect(noOrigin.status).toBe(200);
    });
  });
});

describe('threads (CONTRACT §3)', () => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer();
    world = await demoWorld(server);
  });
  afterAll(() => server.close());

  const ids = (body: { threads: { id: string }[] }) => body.threads.map((thread) => thread.id);

  it('lists threads newest activity first; a message moves its thread to the top', async () => {
    const owner = await server.addUser('Owen');
    const other = await server.addUser('Olga');
    const created: string[] = [];
    for (const title of ['first', 'second', 'third']) {
      created.push((await createThread(server, owner.token, { target_user_ids: [other.user.id], title })).id);
      await sleep(5); // distinct activity timestamps (millisecond resolution)
    }
    const [t1, t2, t3] = created as [string, string, string];
    const before = await api(server, 'GET', '/chat/threads', { token: owner.token });
    expect(before.status).toBe(200);
    expect(ids(before.body)).toEqual([t3, t2, t1]);
    expect(before.body.next_cursor).toBeNull();

    const sent = await api(server, 'POST', `/chat/threads/${t1}/messages`, { token: other.token, body: sendBody('bump the oldest') });
    expect(sent.status).toBe(201);
    const after = await api(server, 'GET', '/chat/threads', { token: owner.token });
    expect(ids(after.body)).toEqual([t1, t3, t2]);
    expect(after.body.threads[0].last_message).toMatchObject({ sender_id: `user:${other.user.id}`, content: 'bump the oldest' });
    // The other participant sees the same order.
    expect(ids((await api(server, 'GET', '/chat/threads', { token: other.token })).body)).toEqual([t1, t3, t2]);
  });

  it('pages through every thread with limit=1 and next_cursor, ending with null', async () => {
    const owner = await server.addUser('Paula');
    const other = await server.addUser('Pete');
    for (let index = 0; index < 4; index++) {
      await createThread(server, owner.token, { target_user_ids: [other.user.id], title: `page ${index}` });
      await sleep(2);
    }
    const full = await api(server, 'GET', '/chat/threads?limit=50', { token: owner.token });
    expect(full.body.threads).toHaveLength(4);

    const paged: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : '?limit=1';
      const response = await api(server, 'GET', `/chat/threads${query}`, { token: owner.token });
      expect(response.status).toBe(200);
      expect(response.body.threads.length).toBeLessThanOrEqual(1);
      paged.push(...ids(response.body));
      cursor = response.body.next_cursor;
      if (cursor === null) break;
      expect(typeof cursor).toBe('string');
    }
    expect(cursor).toBeNull();
    expect(paged).toEqual(ids(full.body));

    const bad = await api(server, 'GET', '/chat/threads?cursor=garbage', { token: owner.token });
    expectError(bad, 400, 'client_error');
  });

  it("counts only other people's messages as unread; read_seq only moves forward, up to last_seq", async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    for (const text of ['one', 'two', 'three']) {
      const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody(text) });
      expect(sent.status).toBe(201);
    }
    const own = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.bob.token, body: sendBody('bob writes') });
    expect(own.status).toBe(201);
    const lastSeq = own.body.message.thread_seq as number;
    expect(lastSeq).toBe(thread.last_seq + 4);

    const bobs = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.bob.token });
    expect(bobs.body).toMatchObject({ last_seq: lastSeq, read_seq: 0, unread_count: 3 });
    const alices = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.alice.token });
    expect(alices.body.unread_count).toBe(1);

    // Read up to Alice's second message: one of hers is left.
    const readTo = thread.last_seq + 2;
    const read = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: world.bob.token, body: { seq: readTo } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ read_seq: readTo });
    expect((await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.bob.token })).body).toMatchObject({
      read_seq: readTo,
      unread_count: 1,
    });

    // Never backwards.
    const back = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: world.bob.token, body: { seq: 1 } });
    expect(back.body).toEqual({ read_seq: readTo });

    // Never past the end of the log.
    const past = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: world.bob.token, body: { seq: lastSeq + 1000 } });
    expect(past.body).toEqual({ read_seq: lastSeq });
    expect((await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.bob.token })).body).toMatchObject({
      read_seq: lastSeq,
      unread_count: 0,
    });
    // In the list too.
    const listed = (await api(server, 'GET', '/chat/threads', { token: world.bob.token })).body.threads.find(
      (item: { id: string }) => item.id === thread.id,
    );
    expect(listed).toMatchObject({ read_seq: lastSeq, unread_count: 0 });

    expectError(
      await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: world.bob.token, body: { seq: -1 } }),
      400,
      'client_error',
    );
  });

  it('answers an unknown thread with 404 and a thread you are not in with 403', async () => {
    const unknown = await api(server, 'GET', `/chat/threads/${randomUUID()}`, { token: world.alice.token });
    expectError(unknown, 404, 'not_found');
    const carol = await server.addUser('Carol');
    const foreign = await api(server, 'GET', `/chat/threads/${world.welcome.id}`, { token: carol.token });
    expectError(foreign, 403, 'forbidden');
    const foreignEvents = await api(server, 'GET', `/chat/threads/${world.welcome.id}/events`, { token: carol.token });
    expectError(foreignEvents, 403, 'forbidden');
    const foreignSend = await api(server, 'POST', `/chat/threads/${world.welcome.id}/messages`, {
      token: carol.token,
      body: sendBody('let me in'),
    });
    expectError(foreignSend, 403, 'forbidden');
    const foreignRead = await api(server, 'POST', `/chat/threads/${world.welcome.id}/read`, { token: carol.token, body: { seq: 1 } });
    expectError(foreignRead, 403, 'forbidden');
    expect((await api(server, 'GET', '/chat/threads', { token: carol.token })).body.threads).toEqual([]);
  });

  it('refuses to create a thread with an unknown user id (400) and creates nothing', async () => {
    const owner = await server.addUser('Quinn');
    const stranger = randomUUID();
    const response = await api(server, 'POST', '/chat/threads', {
      token: owner.token,
      body: { target_user_ids: [world.bob.user.id, stranger] },
    });
    expectError(response, 400, 'client_error');
    expect(response.body.error.message).toContain(stranger);
    expect((await api(server, 'GET', '/chat/threads', { token: owner.token })).body.threads).toEqual([]);
    const unknownAgent = await api(server, 'POST', '/chat/threads', {
      token: owner.token,
      body: { target_user_ids: [world.bob.user.id], agent_ids: [randomUUID()] },
    });
    expectError(unknownAgent, 400, 'client_error');
    expect((await api(server, 'GET', '/chat/threads', { token: owner.token })).body.threads).toEqual([]);
  });

  it('commits initial_message and honours participation_mode on create', async () => {
    const response = await api(server, 'POST', '/chat/threads', {
      token: world.alice.token,
      body: {
        target_user_ids: [world.bob.user.id],
        agent_ids: [world.demoAgent.id],
        title: '  Kick-off  ',
        participation_mode: 'invocation_only',
        initial_message: 'Let us begin',
      },
    });
    expect(response.status).toBe(201);
    const thread = response.body;
    expect(thread).toMatchObject({
      kind: 'private',
      title: 'Kick-off',
      participation_mode: 'invocation_only',
      last_seq: 4, // three participant_joined, then the message
      read_seq: 0,
      unread_count: 0,
      last_message: { sender_id: `user:${world.alice.user.id}`, content: 'Let us begin' },
    });
    expect(thread.participants.map((p: { sender_id: string }) => p.sender_id)).toEqual([
      `user:${world.alice.user.id}`,
      `user:${world.bob.user.id}`,
      world.demoAgent.sender_id,
    ]);

    const log = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0`, { token: world.bob.token });
    expect(
      log.body.events.slice(0, 4).map((event: { event_type: string; thread_seq: number }) => [event.thread_seq, event.event_type]),
    ).toEqual([
      [1, 'participant_joined'],
      [2, 'participant_joined'],
      [3, 'participant_joined'],
      [4, 'message_committed'],
    ]);
    expect(log.body.events[3]).toMatchObject({ sender_id: `user:${world.alice.user.id}`, content: 'Let us begin' });
    expect(log.body.events[3].data.role).toBe('user');

    const bobs = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.bob.token });
    expect(bobs.body).toMatchObject({ participation_mode: 'invocation_only', unread_count: 1 });

    // Without a mode, a thread is open.
    const plain = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    expect((plain as unknown as { participation_mode: string }).participation_mode).toBe('open');

    // An invalid initial message or mode stores nothing.
    const before = (await api(server, 'GET', '/chat/threads?limit=100', { token: world.alice.token })).body.threads.length;
    expectError(
      await api(server, 'POST', '/chat/threads', {
        token: world.alice.token,
        body: { target_user_ids: [world.bob.user.id], initial_message: '   ' },
      }),
      400,
      'client_error',
    );
    expectError(
      await api(server, 'POST', '/chat/threads', {
        token: world.alice.token,
        body: { target_user_ids: [world.bob.user.id], participation_mode: 'loud' },
      }),
      400,
      'client_error',
    );
    expect((await api(server, 'GET', '/chat/threads?limit=100', { token: world.alice.token })).body.threads.length).toBe(before);
  });

  it('lists the user and agent directories', async () => {
    const users = await api(server, 'GET', '/users', { token: world.bob.token });
    expect(users.status).toBe(200);
    expect(users.body.users).toEqual(expect.arrayContaining([world.alice.user, world.bob.user]));
    for (const user of users.body.users) {
      expect(Object.keys(user).sort()).toEqual(['avatar_url', 'email', 'id', 'name']);
    }

    const agents = await api(server, 'GET', '/agents', { token: world.bob.token });
    expect(agents.status).toBe(200);
    const demo = {
      id: world.demoAgent.id,
      sender_id: `agent:${world.demoAgent.id}`,
      slug: 'demo',
      name: 'Demo Agent',
      avatar_url: null,
    };
    expect(agents.body.agents).toContainEqual({ ...demo, is_owner: false });
    const ownAgents = await api(server, 'GET', '/agents', { token: world.alice.token });
    expect(ownAgents.body.agents).toContainEqual({ ...demo, is_owner: true });

    expectError(await api(server, 'GET', '/users'), 401, 'unauthorized');
    expectError(await api(server, 'GET', '/agents'), 401, 'unauthorized');
  });
});
