import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS } from '../../../src/core/protocol/topic-frames.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, startVisitor } from '../support/visitors.ts';

type Session = { token: string; user: { id: string; name: string } };

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());

const AGENT_PATH = '/api/v1/chat/ws/agent';
const ALL_THREADS = 'events.local.chat.thread.*.*';

function openUser(server: TestServer, token: string): TestSocket {
  return sockets.track(TestSocket.open(userSocketUrl(server.wsUrl), { protocols: ['auth', token] }));
}

function openAgent(server: TestServer, token: string | null): TestSocket {
  return sockets.track(TestSocket.open(`${server.wsUrl}${AGENT_PATH}`, token === null ? {} : { protocols: ['auth', token] }));
}

/** The next frame that matches and arrives after this call (frames already received do not count). */
function nextNew(socket: TestSocket, predicate: (frame: any) => boolean, label = 'frame', timeoutMs = 5_000) {
  const since = socket.frames.length;
  return socket.next((frame) => socket.frames.indexOf(frame) >= since && predicate(frame), timeoutMs, label);
}

/** Subscribes and waits for its `subscribed` answer. */
async function subscribe(socket: TestSocket, id: string, topic: string, from?: Record<string, number>) {
  const answer = nextNew(socket, (frame) => frame.type === 'subscribed' && frame.data.id === id, `subscribed ${id}`);
  socket.send({ type: 'subscribe', data: { id, topic, ...(from ? { from } : {}) } });
  expect(await answer).toEqual({ type: 'subscribed', data: { id, topic } });
}

/** Sends a frame and waits for the `error` it is answered with. */
async function errorFor(socket: TestSocket, frame: unknown) {
  const error = nextNew(socket, (item) => item.type === 'error', 'an error');
  socket.send(frame);
  return (await error).data;
}

/** A ping answered: every frame sent before it has been handled, and what it sent has arrived. */
async function settled(socket: TestSocket) {
  const pong = nextNew(socket, (frame) => frame.type === 'pong', 'a pong');
  socket.send({ type: 'ping' });
  await pong;
}

const events = (socket: TestSocket) => socket.frames.filter((frame) => frame.type === 'event');
const eventsOf = (socket: TestSocket, threadId: string) => events(socket).filter((frame) => frame.data.event.thread_id === threadId);

async function post(server: TestServer, token: string, threadId: string, content: string) {
  const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(sent.status).toBe(201);
  return sent.body.message as { id: string; thread_seq: number };
}

describe('topic subscriptions (CONTRACT §15), one process', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  /** Alice and Bob, no agent: nothing answers in it. */
  let shared: { id: string };
  /** Bob and Carol: Alice is not in it. */
  let foreign: { id: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    carol = await server.addUser('Carol');
    shared = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    foreign = await createThread(server, bob.token, { target_user_ids: [carol.user.id] });
  });
  afterAll(() => server?.close());

  it('says ready with the org, and answers a bad topic, id or frame with client_error in words and no subscription', async () => {
    const socket = openUser(server, alice.token);
    const ready = await socket.next((frame) => frame.type === 'ready');
    expect(ready.data.org).toBe('local');

    expect(await errorFor(socket, { type: 'subscribe', data: { id: 'short', topic: 'events.local.chat.thread' } })).toEqual({
      code: 'client_error',
      retryable: false,
      message:
        'Invalid "subscribe" frame: data.topic: "events.local.chat.thread" has 4 tokens: a topic is six dot-separated tokens (events.<org>.<source>.<resource>.<event>.<id>), each letters, digits, "_" or "-", or "*" for any one token; or fewer than six ending in ">" for any remaining tokens.',
    });
    expect((await errorFor(socket, { type: 'subscribe', data: { id: 'mid', topic: 'events.local.>.thread.*.*' } })).message).toContain(
      'has ">" before the end at position 3',
    );
    expect(
      (await errorFor(socket, { type: 'subscribe', data: { id: 'space', topic: 'events.local.chat.thread.a b.*' } })).message,
    ).toContain('has "a b" at position 5');
    expect((await errorFor(socket, { type: 'subscribe', data: { topic: ALL_THREADS } })).message).toBe(
      'Invalid "subscribe" frame: data.id is required',
    );
    // None of them subscribed: there is nothing to unsubscribe, and a message sends no event.
    expect(await errorFor(socket, { type: 'unsubscribe', data: { id: 'short' } })).toMatchObject({
      code: 'client_error',
      message: 'There is no subscription "short" on this socket.',
    });
    const message = await post(server, bob.token, shared.id, 'no topic matches this');
    await socket.next((frame) => frame.type === 'thread_message' && frame.data.id === message.id);
    await settled(socket);
    expect(events(socket)).toEqual([]);
  });

  it('refuses the 101st subscription, and the same id again replaces its topic', async () => {
    const socket = openUser(server, alice.token);
    await socket.next((frame) => frame.type === 'ready');
    // One at a time: a client's frames are limited (frame-limiter.ts); one dropped is answered, and sent again when the server says.
    const answered = async (frame: { type: string; data: { id: string; topic: string } }) => {
      for (;;) {
        const answer = nextNew(socket, (item) => item.type === 'error' || (item.type === 'subscribed' && item.data.id === frame.data.id));
        socket.send(frame);
        const got = await answer;
        if (got.type !== 'error' || got.data.code !== 'rate_limited') return got;
        expect(got.data.message).toBe(`Too many frames; "subscribe" of "${frame.data.id}" was not done. Send it again later.`);
        await new Promise((resolve) => setTimeout(resolve, got.data.retry_after_ms));
      }
    };
    for (let index = 0; index < MAX_SUBSCRIPTIONS; index++) {
      const frame = { type: 'subscribe', data: { id: `s${index}`, topic: `events.local.chat.thread.nothing_${index}.*` } };
      expect(await answered(frame)).toEqual({ type: 'subscribed', data: frame.data });
    }
    expect((await answered({ type: 'subscribe', data: { id: 'one-more', topic: ALL_THREADS } })).data).toEqual({
      code: 'client_error',
      retryable: false,
      message: 'This socket already has 100 subscriptions, the most one socket may have; unsubscribe one first or reuse its id.',
    });
    const replaced = { type: 'subscribe', data: { id: 's0', topic: 'events.local.chat.thread.message_committed.*' } };
    expect(await answered(replaced)).toEqual({ type: 'subscribed', data: replaced.data });
    // Reusing an id is no new subscription: s0 now follows every message.
    const message = await post(server, bob.token, shared.id, 'for s0');
    const event = await socket.next((frame) => frame.type === 'event' && frame.data.event.event_id !== undefined);
    expect(event.data).toMatchObject({
      topic: `events.local.chat.thread.message_committed.${shared.id}`,
      subscription_ids: ['s0'],
      event: { event_type: 'message_committed', thread_id: shared.id, thread_seq: message.thread_seq, content: 'for s0' },
    });
    // This socket's frame budget is spent (no ping would pass): a second message shows that nothing else came in between.
    const next = await post(server, bob.token, shared.id, 'for s0 again');
    await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === next.thread_seq);
    expect(events(socket).map((frame) => frame.data.event.thread_seq)).toEqual([message.thread_seq, next.thread_seq]);
  });

  it('a wildcard sees exactly the readable threads, a thread joined later from its first event, once per event with every matching id', async () => {
    const socket = openUser(server, alice.token);
    await socket.next((frame) => frame.type === 'ready');
    await subscribe(socket, 'all', ALL_THREADS);
    await subscribe(socket, 'messages', 'events.local.chat.thread.message_committed.*');
    await subscribe(socket, 'everything', 'events.local.>');
    // A topic naming a thread Alice cannot read is answered like any other, and delivers nothing.
    await subscribe(socket, 'theirs', `events.local.chat.thread.*.${foreign.id}`);

    await post(server, bob.token, foreign.id, 'not for Alice');
    const mine = await post(server, bob.token, shared.id, 'for Alice');
    const event = await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === mine.thread_seq);
    expect(event.data.topic).toBe(`events.local.chat.thread.message_committed.${shared.id}`);
    expect([...event.data.subscription_ids].sort()).toEqual(['all', 'everything', 'messages']);
    expect(event.data.event).toMatchObject({
      event_type: 'message_committed',
      thread_id: shared.id,
      content: 'for Alice',
      sender_id: bob.user ? `user:${bob.user.id}` : '',
    });

    // A thread Alice joins after subscribing: its first event (seq 1) matches.
    const later = await createThread(server, carol.token, { target_user_ids: [alice.user.id] });
    const first = await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_id === later.id, 5_000, 'the new thread');
    expect(first.data).toMatchObject({
      topic: `events.local.chat.thread.participant_joined.${later.id}`,
      event: { event_type: 'participant_joined', thread_seq: 1 },
    });
    expect([...first.data.subscription_ids].sort()).toEqual(['all', 'everything']);

    // Typing is an ephemeral event: the SSE shape, no thread_seq, on its own subject.
    const bobSocket = openUser(server, bob.token);
    await bobSocket.next((frame) => frame.type === 'ready');
    bobSocket.send({ type: 'typing', data: { thread_id: shared.id, status: 'started' } });
    const typing = await socket.next((frame) => frame.type === 'event' && frame.data.event.event_type === 'typing');
    expect(typing.data).toEqual({
      topic: `events.local.chat.thread.typing.${shared.id}`,
      subscription_ids: expect.arrayContaining(['all', 'everything']),
      event: {
        event_type: 'typing',
        thread_id: shared.id,
        sender_id: `user:${bob.user.id}`,
        data: { sender_id: `user:${bob.user.id}`, status: 'started' },
      },
    });

    await settled(socket);
    expect(events(socket).filter((frame) => frame.data.event.thread_id === foreign.id)).toEqual([]);
    // Each event once.
    const keys = events(socket).map((frame) => `${frame.data.topic}/${frame.data.event.thread_seq ?? frame.data.event.event_type}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The user socket's own frames go on as before.
    expect(socket.frames.some((frame) => frame.type === 'thread_message' && frame.data.id === mine.id)).toBe(true);
  });

  it('unsubscribe stops delivery for that id only', async () => {
    const socket = openUser(server, alice.token);
    await socket.next((frame) => frame.type === 'ready');
    await subscribe(socket, 'a', ALL_THREADS);
    await subscribe(socket, 'b', `events.local.chat.thread.message_committed.${shared.id}`);
    const both = await post(server, bob.token, shared.id, 'to a and b');
    expect(
      (
        await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === both.thread_seq)
      ).data.subscription_ids.sort(),
    ).toEqual(['a', 'b']);
    socket.send({ type: 'unsubscribe', data: { id: 'b' } });
    await settled(socket);
    const one = await post(server, bob.token, shared.id, 'to a only');
    expect(
      (await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === one.thread_seq)).data.subscription_ids,
    ).toEqual(['a']);
    socket.send({ type: 'unsubscribe', data: { id: 'a' } });
    await settled(socket);
    const none = await post(server, bob.token, shared.id, 'to nobody');
    await socket.next((frame) => frame.type === 'thread_message' && frame.data.id === none.id);
    await settled(socket);
    expect(eventsOf(socket, shared.id).map((frame) => frame.data.event.thread_seq)).toEqual([both.thread_seq, one.thread_seq]);
  });

  it('from replays the durable events after the seq before the live ones: no gap, no double, while messages are committed', async () => {
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    for (let index = 0; index < 30; index++) await post(server, bob.token, thread.id, `before ${index}`);
    const socket = openUser(server, alice.token);
    await socket.next((frame) => frame.type === 'ready');
    // Messages keep being committed while the replay runs.
    const sending = (async () => {
      const seqs: number[] = [];
      for (let index = 0; index < 40; index++) seqs.push((await post(server, bob.token, thread.id, `during ${index}`)).thread_seq);
      return seqs;
    })();
    await subscribe(socket, 'resume', `events.local.chat.thread.*.${thread.id}`, { [thread.id]: 10 });
    const last = Math.max(...(await sending));
    await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === last, 10_000, `seq ${last}`);
    await settled(socket);
    const seqs = eventsOf(socket, thread.id).map((frame) => frame.data.event.thread_seq);
    expect(seqs).toEqual(Array.from({ length: last - 10 }, (_, index) => 11 + index));

    // A reconnect with the last seq seen misses nothing of what was committed meanwhile.
    await socket.close();
    const meanwhile = [];
    for (let index = 0; index < 5; index++) meanwhile.push((await post(server, bob.token, thread.id, `offline ${index}`)).thread_seq);
    const again = openUser(server, alice.token);
    await again.next((frame) => frame.type === 'ready');
    await subscribe(again, 'resume', `events.local.chat.thread.message_committed.${thread.id}`, { [thread.id]: last });
    const live = await post(server, bob.token, thread.id, 'live again');
    await again.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === live.thread_seq);
    await settled(again);
    expect(eventsOf(again, thread.id).map((frame) => frame.data.event.thread_seq)).toEqual([...meanwhile, live.thread_seq]);
  });

  it('from a thread the principal cannot read replays nothing', async () => {
    const socket = openUser(server, alice.token);
    await socket.next((frame) => frame.type === 'ready');
    await subscribe(socket, 'peek', 'events.local.>', { [foreign.id]: 0 });
    await post(server, bob.token, foreign.id, 'still not for Alice');
    await settled(socket);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(eventsOf(socket, foreign.id)).toEqual([]);
  });

  it('notifications.user delivers the socket user’s own notifications only, whatever the wildcard', async () => {
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const socket = openUser(server, alice.token);
    const bobSocket = openUser(server, bob.token);
    await socket.next((frame) => frame.type === 'ready');
    await bobSocket.next((frame) => frame.type === 'ready');
    await subscribe(socket, 'mine', 'events.local.notifications.user.*.*');
    await subscribe(bobSocket, 'mine', 'events.local.notifications.>');

    // Alice writes: Bob is notified (not Alice).
    const fromAlice = await post(server, alice.token, thread.id, 'Bob, a message');
    const bobs = await bobSocket.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === thread.id && frame.data.event.thread_seq === fromAlice.thread_seq,
      10_000,
      'Bob’s notification',
    );
    expect(bobs.data).toMatchObject({
      topic: `events.local.notifications.user.message.${bob.user.id}`,
      subscription_ids: ['mine'],
      event: { kind: 'message', thread_id: thread.id, thread_seq: fromAlice.thread_seq },
    });
    // Bob writes: Alice is notified; she never got Bob's.
    const fromBob = await post(server, bob.token, thread.id, 'Alice, a message');
    const alices = await socket.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_seq === fromBob.thread_seq && frame.data.event.kind === 'message',
      10_000,
      'Alice’s notification',
    );
    expect(alices.data.topic).toBe(`events.local.notifications.user.message.${alice.user.id}`);
    await settled(socket);
    expect(events(socket).every((frame) => frame.data.topic.endsWith(`.${alice.user.id}`))).toBe(true);
  });

  it('the visitor socket refuses subscribe', async () => {
    const visitor = await startVisitor(server);
    const socket = sockets.track(
      openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }),
    );
    await socket.next((frame) => frame.type === 'ready');
    expect(await errorFor(socket, { type: 'subscribe', data: { id: 'x', topic: 'events.local.>' } })).toEqual({
      code: 'client_error',
      retryable: false,
      message: 'Topic subscriptions are for the user and agent sockets; a visitor socket follows its one conversation.',
    });
  });

  describe('the agent socket', () => {
    /** A token of the demo agent (Alice owns it). */
    async function agentToken() {
      const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
      expect(issued.status).toBe(201);
      return { id: issued.body.id as string, token: issued.body.token as string };
    }

    it('needs a valid token as the subprotocol', async () => {
      expect(await openAgent(server, null).closed).toEqual({
        code: 4001,
        reason: 'An agent token is required as the subprotocol: auth, ama_eat_…',
      });
      expect(await openAgent(server, 'ama_eat_nonsense').closed).toEqual({
        code: 4001,
        reason: 'This agent token is not valid (unknown or revoked).',
      });
      expect(await openAgent(server, alice.token).closed).toMatchObject({ code: 4001 });
    });

    it('follows the agent’s threads, and those it is added to later, as topic events only; a revoked token closes it 4001', async () => {
      const { id, token } = await agentToken();
      // Invocation only: the demo agent does not answer, so the events are the test's own.
      const existing = await api(server, 'POST', '/chat/threads', {
        token,
        body: { target_user_ids: [bob.user.id], participation_mode: 'invocation_only' },
      });
      expect(existing.status).toBe(201);
      const socket = openAgent(server, token);
      expect(socket.ws.protocol).toBe('');
      const ready = await socket.next((frame) => frame.type === 'ready');
      expect(socket.ws.protocol).toBe('auth');
      expect(ready.data.org).toBe('local');
      expect(
        await errorFor(socket, { type: 'send_message', data: { thread_id: existing.body.id, content: 'hi', client_message_id: 'c1' } }),
      ).toEqual({
        code: 'client_error',
        retryable: false,
        message: 'The agent socket takes "ping", "subscribe" and "unsubscribe" frames, not "send_message"; send messages over REST.',
      });
      await subscribe(socket, 'all', ALL_THREADS);

      const message = await post(server, bob.token, existing.body.id, 'to the agent');
      const event = await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_seq === message.thread_seq);
      expect(event.data).toMatchObject({
        topic: `events.local.chat.thread.message_committed.${existing.body.id}`,
        subscription_ids: ['all'],
      });

      // Alice adds the agent to a new thread: its first event reaches the socket.
      const added = await createThread(server, alice.token, {
        target_user_ids: [bob.user.id],
        agent_ids: [
          (await api(server, 'GET', '/agents', { token: alice.token })).body.agents.find((agent: { slug: string }) => agent.slug === 'demo')
            .id,
        ],
        participation_mode: 'invocation_only',
      });
      const first = await socket.next(
        (frame) => frame.type === 'event' && frame.data.event.thread_id === added.id,
        5_000,
        'the new thread',
      );
      expect(first.data.event).toMatchObject({ event_type: 'participant_joined', thread_seq: 1 });
      // The thread Bob and Carol share is not the agent's.
      await post(server, bob.token, foreign.id, 'not the agent’s');
      await settled(socket);
      expect(eventsOf(socket, foreign.id)).toEqual([]);
      // Nothing but topic events (and answers) on this socket.
      expect(socket.frames.filter((frame) => !['ready', 'subscribed', 'event', 'error', 'pong'].includes(frame.type))).toEqual([]);

      expect((await api(server, 'DELETE', `/agents/demo/tokens/${id}`, { token: alice.token })).status).toBe(204);
      expect(await socket.closed).toEqual({ code: 4001, reason: 'Agent token revoked.' });
    });
  });
});
