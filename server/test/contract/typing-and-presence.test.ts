import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string } };

/** Typing and presence over the user socket (CONTRACT §6). */
describe('typing and presence', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let aliceSocket: TestSocket;
  let bobSocket: TestSocket;
  const extraSockets: TestSocket[] = [];

  const connect = async (session: Session) => {
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, session.token));
    extraSockets.push(socket);
    await socket.ready();
    return socket;
  };

  const aliceId = () => `user:${alice.user.id}`;
  const bobId = () => `user:${bob.user.id}`;

  /** A fresh Alice–Bob thread (so typing and presence state starts clean), live on both sockets. */
  async function freshThread(): Promise<string> {
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const joined = (socket: TestSocket) =>
      socket.next(
        (frame) => frame.type === 'thread_event' && frame.thread_id === thread.id && frame.data.thread_seq === thread.last_seq,
        5_000,
        'participant_joined',
      );
    await Promise.all([joined(aliceSocket), joined(bobSocket)]);
    return thread.id;
  }

  /**
   * Orders a socket's frames: a durable message from Bob that every socket of the thread
   * receives. Whatever the server sent a socket before it arrives before it; returns the
   * index of that message in each socket's frames.
   */
  async function barrier(threadId: string, sockets: TestSocket[]): Promise<number[]> {
    const marker = `barrier ${randomUUID()}`;
    const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody(marker) });
    expect(sent.status).toBe(201);
    return Promise.all(
      sockets.map(async (socket) => {
        await socket.next((frame) => frame.type === 'thread_message' && frame.data.content === marker, 5_000, 'the barrier message');
        return socket.frames.findIndex((frame) => frame.type === 'thread_message' && frame.data.content === marker);
      }),
    );
  }

  const typingFrames = (socket: TestSocket, threadId: string, upTo = socket.frames.length) =>
    socket.frames.slice(0, upTo).filter((frame) => frame.type === 'thread_typing' && frame.thread_id === threadId);
  const presenceFrames = (socket: TestSocket, threadId: string, upTo = socket.frames.length) =>
    socket.frames.slice(0, upTo).filter((frame) => frame.type === 'thread_presence' && frame.thread_id === threadId);

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    carol = await server.addUser('Carol');
    aliceSocket = TestSocket.open(userSocketUrl(server.wsUrl, alice.token));
    bobSocket = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await Promise.all([aliceSocket.ready(), bobSocket.ready()]);
  });
  afterEach(async () => {
    await Promise.all(extraSockets.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => {
    await Promise.all([aliceSocket.close(), bobSocket.close()]);
    await server.close();
  });

  describe('typing', () => {
    it("fans out to the thread's other participants, not back to the sender", async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
      const frame = await bobSocket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'thread_typing');
      expect(frame).toEqual({ type: 'thread_typing', thread_id: threadId, data: { sender_id: aliceId(), status: 'started' } });
      const [aliceUpTo] = await barrier(threadId, [aliceSocket]);
      expect(typingFrames(aliceSocket, threadId, aliceUpTo)).toEqual([]);
    });

    it('forwards two "started" within 2 s once', async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
      await bobSocket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'thread_typing');
      const [bobUpTo] = await barrier(threadId, [bobSocket]);
      expect(typingFrames(bobSocket, threadId, bobUpTo).map((f) => f.data)).toEqual([{ sender_id: aliceId(), status: 'started' }]);
    });

    it('forwards "stopped"', async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
      await bobSocket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'started', 5_000, 'started');
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'stopped' } });
      const stopped = await bobSocket.next(
        (f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'stopped',
        5_000,
        'stopped',
      );
      expect(stopped.data).toEqual({ sender_id: aliceId(), status: 'stopped' });
      const [bobUpTo] = await barrier(threadId, [bobSocket]);
      expect(typingFrames(bobSocket, threadId, bobUpTo).map((f) => f.data.status)).toEqual(['started', 'stopped']);
    });

    it('expires on its own: a "started" that is not refreshed becomes "stopped"', { timeout: 20_000 }, async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
      await bobSocket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'started', 5_000, 'started');
      const stopped = await bobSocket.next(
        (f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'stopped',
        9_000,
        'the expiry "stopped"',
      );
      expect(stopped).toEqual({ type: 'thread_typing', thread_id: threadId, data: { sender_id: aliceId(), status: 'stopped' } });
      // The sender does not get their own expiry either.
      const [aliceUpTo] = await barrier(threadId, [aliceSocket]);
      expect(typingFrames(aliceSocket, threadId, aliceUpTo)).toEqual([]);
    });
  });

  describe('presence', () => {
    it('broadcasts focus and unfocus to the other participants', async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'focus_thread', data: { thread_id: threadId } });
      const focused = await bobSocket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'focused');
      expect(focused).toEqual({ type: 'thread_presence', thread_id: threadId, data: { sender_id: aliceId(), status: 'focused' } });
      aliceSocket.send({ type: 'unfocus_thread', data: { thread_id: threadId } });
      const unfocused = await bobSocket.next(
        (f) => f.type === 'thread_presence' && f.thread_id === threadId && f.data.status === 'unfocused',
        5_000,
        'unfocused',
      );
      expect(unfocused.data).toEqual({ sender_id: aliceId(), status: 'unfocused' });
      const [aliceUpTo] = await barrier(threadId, [aliceSocket]);
      expect(presenceFrames(aliceSocket, threadId, aliceUpTo)).toEqual([]);
    });

    it('tells a newcomer who is already viewing', async () => {
      const threadId = await freshThread();
      aliceSocket.send({ type: 'focus_thread', data: { thread_id: threadId } });
      await bobSocket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, "Alice's focus");
      bobSocket.send({ type: 'focus_thread', data: { thread_id: threadId } });
      // Alice learns about Bob; Bob (the newcomer) already knows about Alice, and nobody hears about themselves.
      const bobFocused = await aliceSocket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, "Bob's focus");
      expect(bobFocused.data).toEqual({ sender_id: bobId(), status: 'focused' });

      // A second socket of Bob's focusing gets the current viewers: Alice, and not Bob himself.
      const bobSecond = await connect(bob);
      bobSecond.send({ type: 'focus_thread', data: { thread_id: threadId } });
      const viewer = await bobSecond.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'the current viewers');
      expect(viewer.data).toEqual({ sender_id: aliceId(), status: 'focused' });
      const [aliceUpTo, secondUpTo] = await barrier(threadId, [aliceSocket, bobSecond]);
      expect(presenceFrames(bobSecond, threadId, secondUpTo).map((f) => f.data)).toEqual([{ sender_id: aliceId(), status: 'focused' }]);
      // Bob was already focused, so his second socket does not announce him again.
      expect(presenceFrames(aliceSocket, threadId, aliceUpTo).map((f) => f.data)).toEqual([{ sender_id: bobId(), status: 'focused' }]);
    });

    it('keeps a user focused until their last socket closes; an abrupt drop unfocuses too', async () => {
      const threadId = await freshThread();
      const first = await connect(alice);
      const second = await connect(alice);
      first.send({ type: 'focus_thread', data: { thread_id: threadId } });
      await bobSocket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'focused');
      second.send({ type: 'focus_thread', data: { thread_id: threadId } });
      // A ping answered after the focus frame: the server has handled that focus.
      second.send({ type: 'ping' });
      await second.nextOfType('pong');

      await first.close();
      // A newcomer (another socket of Bob's) still sees Alice as a viewer after one of her sockets closed.
      const probe = await connect(bob);
      probe.send({ type: 'focus_thread', data: { thread_id: threadId } });
      const viewers = await probe.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'the current viewers');
      expect(viewers.data).toEqual({ sender_id: aliceId(), status: 'focused' });

      second.ws.terminate();
      const unfocused = await bobSocket.next(
        (f) => f.type === 'thread_presence' && f.thread_id === threadId && f.data.status === 'unfocused',
        5_000,
        'unfocused after the drop',
      );
      expect(unfocused.data).toEqual({ sender_id: aliceId(), status: 'unfocused' });
      const [bobUpTo] = await barrier(threadId, [bobSocket]);
      expect(presenceFrames(bobSocket, threadId, bobUpTo).map((f) => f.data)).toEqual([
        { sender_id: aliceId(), status: 'focused' },
        { sender_id: aliceId(), status: 'unfocused' },
      ]);
    });

    it('unfocuses on a clean close of the only socket too', async () => {
      const threadId = await freshThread();
      const only = await connect(alice);
      only.send({ type: 'focus_thread', data: { thread_id: threadId } });
      await bobSocket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'focused');
      await only.close();
      const unfocused = await bobSocket.next(
        (f) => f.type === 'thread_presence' && f.thread_id === threadId && f.data.status === 'unfocused',
        5_000,
        'unfocused after close',
      );
      expect(unfocused.data).toEqual({ sender_id: aliceId(), status: 'unfocused' });
    });
  });

  describe('threads one is not in', () => {
    it('answers typing and focus on a foreign or unknown thread with an error frame and keeps the socket open', async () => {
      const foreign = await createThread(server, bob.token, { target_user_ids: [carol.user.id] });
      const carolSocket = await connect(carol);
      const attempts = [
        { type: 'typing', data: { thread_id: foreign.id, status: 'started' } },
        { type: 'focus_thread', data: { thread_id: foreign.id } },
        { type: 'unfocus_thread', data: { thread_id: foreign.id } },
        { type: 'typing', data: { thread_id: randomUUID(), status: 'started' } },
        { type: 'focus_thread', data: { thread_id: 'not-a-uuid' } },
      ];
      const earlier = aliceSocket.ofType('error').length;
      for (const [index, attempt] of attempts.entries()) {
        aliceSocket.send(attempt);
        await aliceSocket.next(
          (f) => f.type === 'error' && aliceSocket.ofType('error').length > earlier + index,
          5_000,
          `error #${index + 1}`,
        );
      }
      const errors = aliceSocket.ofType('error').slice(earlier);
      expect(errors).toHaveLength(attempts.length);
      for (const error of errors) {
        expect(error.data).toMatchObject({ code: 'client_error', message: expect.any(String), retryable: false });
      }
      expect(aliceSocket.isOpen).toBe(true);
      aliceSocket.send({ type: 'ping' });
      await aliceSocket.nextOfType('pong');

      // Nothing reached the thread's real participants.
      const sent = await api(server, 'POST', `/chat/threads/${foreign.id}/messages`, { token: bob.token, body: sendBody('marker') });
      expect(sent.status).toBe(201);
      await carolSocket.next((f) => f.type === 'thread_message' && f.data.content === 'marker', 5_000, 'marker');
      expect(typingFrames(carolSocket, foreign.id)).toEqual([]);
      expect(presenceFrames(carolSocket, foreign.id)).toEqual([]);
      expect(typingFrames(bobSocket, foreign.id)).toEqual([]);
    });
  });
});
