import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { readSse } from '../support/sse.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';
import { describeEachStorage } from '../support/each-storage.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());

const noteBody = (content: string, clientMessageId: string = randomUUID()) => ({ content, client_message_id: clientMessageId });

describeEachStorage('private notes (CONTRACT §11): POST /chat/threads/{id}/notes', (storageEnv) => {
  let server: TestServer;
  let world: World;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  /** A thread of Alice and Bob, no agent, so only what the test commits is in its log. */
  const humanThread = () => createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
  const lastSeq = async (threadId: string) =>
    (await api(server, 'GET', `/chat/threads/${threadId}`, { token: world.alice.token })).body.last_seq as number;

  it('commits note_added {note_id, content, client_message_id} (201 {note}); a repeat answers the same note (200) and commits nothing', async () => {
    const thread = await humanThread();
    const first = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('Customer is a VIP; refund approved.', 'note-1'),
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      note: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        thread_id: thread.id,
        thread_seq: thread.last_seq + 1,
        sender_id: `user:${world.alice.user.id}`,
        content: 'Customer is a VIP; refund approved.',
        client_message_id: 'note-1',
        created_at: expect.any(String),
      },
    });

    const again = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('Customer is a VIP; refund approved.', 'note-1'),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const other = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('Something else', 'note-1'),
    });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ error: { code: 'conflict', message: expect.stringContaining('client_message_id'), retryable: false } });

    const log = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${thread.last_seq}`, {
      token: world.bob.token,
    });
    expect(log.status).toBe(200);
    expect(log.body).toEqual({
      events: [
        {
          event_id: expect.any(String),
          thread_id: thread.id,
          thread_seq: thread.last_seq + 1,
          event_type: 'note_added',
          sender_id: `user:${world.alice.user.id}`,
          content: 'Customer is a VIP; refund approved.',
          created_at: first.body.note.created_at,
          data: { note_id: first.body.note.id, content: 'Customer is a VIP; refund approved.', client_message_id: 'note-1' },
        },
      ],
      has_more: false,
    });
    // A note is not the thread's last message, nor anyone's unread message.
    const seen = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.bob.token });
    expect(seen.body).toMatchObject({ last_seq: thread.last_seq + 1, last_message: null, unread_count: 0 });
  });

  it('is written by users who read the thread: participants of a private thread, owners of the agent of a public one', async () => {
    const thread = await humanThread();
    const bobs = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, { token: world.bob.token, body: noteBody('Bob was here') });
    expect(bobs.status).toBe(201);

    const carol = await server.addUser('Carol');
    const outsider = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, { token: carol.token, body: noteBody('nope') });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual({ error: { code: 'forbidden', message: expect.any(String), retryable: false } });

    const unknown = await api(server, 'POST', `/chat/threads/${randomUUID()}/notes`, { token: world.alice.token, body: noteBody('x') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');

    // A visitor's conversation: Alice owns the demo agent, Bob does not.
    const visitor = await startVisitor(server);
    const owner = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: world.alice.token,
      body: noteBody('Owner note'),
    });
    expect(owner.status).toBe(201);
    const notOwner = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: world.bob.token,
      body: noteBody('Not mine'),
    });
    expect(notOwner.status).toBe(403);
    expect(await lastSeq(thread.id)).toBe(thread.last_seq + 1);
  });

  it('is never written by agents (403) nor visitors (401 on this route; the public API has no notes)', async () => {
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
    expect(issued.status).toBe(201);
    const before = await lastSeq(world.welcome.id);
    const agent = await api(server, 'POST', `/chat/threads/${world.welcome.id}/notes`, {
      token: issued.body.token,
      body: noteBody('agent note'),
    });
    expect(agent.status).toBe(403);
    expect(agent.body).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/agents or visitors/), retryable: false } });

    const visitor = await startVisitor(server);
    const asVisitor = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: visitor.visitor_token,
      body: noteBody('visitor note'),
    });
    expect(asVisitor.status).toBe(401);
    const publicNotes = await publicCall(server, 'POST', `${visitor.thread_id}/notes`, {
      token: visitor.visitor_token,
      body: noteBody('visitor note'),
    });
    expect(publicNotes.status).toBe(404);
    const anonymous = await api(server, 'POST', `/chat/threads/${world.welcome.id}/notes`, { body: noteBody('who?') });
    expect(anonymous.status).toBe(401);
    expect(await lastSeq(world.welcome.id)).toBe(before);
  });

  it('refuses bad input with 400 in the contract shape and stores nothing', async () => {
    const thread = await humanThread();
    const bad = [
      {},
      { content: 'no id' },
      { client_message_id: 'no content' },
      noteBody(''),
      noteBody('   \n\t '),
      noteBody('x'.repeat(5001)),
      noteBody('ok', ''),
      noteBody('ok', 'k'.repeat(129)),
      { content: 5, client_message_id: 'n' },
      noteBody('\ud800 broken'),
    ];
    for (const body of bad) {
      const response = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, { token: world.alice.token, body });
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body).toEqual({ error: { code: 'client_error', message: expect.any(String), retryable: false } });
    }
    const longest = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('😀'.repeat(5000), 'k'.repeat(128)),
    });
    expect(longest.status).toBe(201);
    expect(await lastSeq(thread.id)).toBe(thread.last_seq + 1);
  });

  it('refuses U+0000 in a note or its client_message_id with 400 on both storages (PostgreSQL cannot store it: it was a 500 there)', async () => {
    const thread = await humanThread();
    for (const body of [noteBody('before\u0000after'), noteBody('fine', 'id\u0000')]) {
      const response = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, { token: world.alice.token, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: { code: 'client_error', message: expect.stringContaining('U+0000'), retryable: false },
      });
    }
    // A message's text is refused the same way, by the same check on every body.
    const message = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: sendBody('before\u0000after'),
    });
    expect(message.status).toBe(400);
    expect(message.body.error).toMatchObject({ code: 'client_error', retryable: false });
    expect(await lastSeq(thread.id)).toBe(thread.last_seq);
  });

  it("reaches the team's user sockets as thread_event, their SSE streams and webhooks, like any other event", async () => {
    const thread = await humanThread();
    const target = await Receiver.start();
    receivers.push(target);
    const subscribed = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: target.url },
    });
    expect(subscribed.status).toBe(201);
    target.secret = subscribed.body.secret;
    const bobSocket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, world.bob.token)));
    await bobSocket.ready();

    const written = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('Live note for the team', 'live-1'),
    });
    expect(written.status).toBe(201);
    const { note } = written.body;
    const expectedEvent = {
      event_id: expect.any(String),
      thread_id: thread.id,
      thread_seq: note.thread_seq,
      event_type: 'note_added',
      sender_id: `user:${world.alice.user.id}`,
      content: 'Live note for the team',
      created_at: note.created_at,
      data: { note_id: note.id, content: 'Live note for the team', client_message_id: 'live-1' },
    };

    const frame = await bobSocket.next((f) => f.type === 'thread_event' && f.data.event_type === 'note_added', 5_000, 'the note');
    expect(frame).toEqual({ type: 'thread_event', thread_id: thread.id, data: expectedEvent });

    const sse = await readSse(server, thread.id, world.bob.token, note.thread_seq - 1, 'Live note for the team');
    const block = sse.split('\n\n').find((item) => item.startsWith(`id: ${note.thread_seq}\n`));
    expect(block && JSON.parse(block.slice(block.indexOf('data: ') + 'data: '.length))).toEqual(expectedEvent);

    await waitFor('the note posted to the webhook', () => target.accepted.length >= 1);
    expect(target.accepted[0]!.verified).toBe(true);
    expect(target.accepted[0]!.event).toEqual(expectedEvent);
  });

  it('starts no agent run: the agent answers the next message, never the note', async () => {
    const thread = await createThread(server, world.alice.token, {
      target_user_ids: [world.bob.user.id],
      agent_ids: [world.demoAgent.id],
      participation_mode: 'open',
    });
    const noted = await api(server, 'POST', `/chat/threads/${thread.id}/notes`, {
      token: world.alice.token,
      body: noteBody('Do not answer this note'),
    });
    expect(noted.status).toBe(201);
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.bob.token,
      body: sendBody('Hello agent'),
    });
    expect(sent.status).toBe(201);
    let events: { event_type: string; sender_id: string; thread_seq: number; data: { message_id?: string } }[] = [];
    await waitFor('the agent reply', async () => {
      const log = await api(server, 'GET', `/chat/threads/${thread.id}/events?limit=200`, { token: world.alice.token });
      events = log.body.events;
      return events.some((event) => event.event_type === 'message_committed' && event.sender_id === world.demoAgent.sender_id);
    });
    const replies = events.filter((event) => event.event_type === 'message_committed' && event.sender_id === world.demoAgent.sender_id);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.thread_seq).toBeGreaterThan(sent.body.message.thread_seq);
    expect(events.map((event) => event.thread_seq)).toEqual(events.map((_, index) => index + 1));
  });
});
