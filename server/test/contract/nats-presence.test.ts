import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NODE_HEARTBEAT_MS, NODE_TIMEOUT_MS } from '../../src/realtime/nats/cluster-signals.ts';
import { TYPING_EXPIRY_MS } from '../../src/realtime/typing-tracker.ts';
import { natsUrl } from '../support/nats.ts';
import { startChildServer, startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string } };

/** Slack on top of a stated time, for a loaded machine. */
const SLACK_MS = 4_000;

/** Typing and presence (CONTRACT §6) with the participants on different server processes. */
describe.runIf(natsUrl)('typing and presence across processes over NATS', () => {
  let cluster: TestCluster;
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let alice: Session;
  let bob: Session;
  const sockets = new SocketTracker();

  const connect = async (server: { wsUrl: string }, session: Session) => {
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, session.token)));
    await socket.ready();
    return socket;
  };
  const ofThread = (socket: TestSocket, type: string, threadId: string) =>
    socket.frames.filter((frame) => frame.type === type && frame.thread_id === threadId).map((frame) => frame.data);
  const aliceId = () => `user:${alice.user.id}`;
  const bobId = () => `user:${bob.user.id}`;

  /** A fresh Alice–Bob thread, so that typing and presence start clean. */
  const freshThread = async () => (await createThread(a, alice.token, { target_user_ids: [bob.user.id] })).id;

  /**
   * A message posted through each given server, received by every given socket: whatever
   * those servers sent before it has arrived (one NATS connection keeps its order).
   */
  async function barrier(threadId: string, through: TestServer[], receivers: TestSocket[]): Promise<void> {
    for (const server of through) {
      const marker = `barrier ${randomUUID()}`;
      const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody(marker) });
      expect(sent.status).toBe(201);
      await Promise.all(
        receivers.map((socket) => socket.next((f) => f.type === 'thread_message' && f.data.content === marker, 5_000, marker)),
      );
    }
  }

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 3);
    [a, b, c] = cluster.servers as [TestServer, TestServer, TestServer];
    alice = await a.addUser('Alice');
    bob = await a.addUser('Bob');
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => cluster?.close());

  it('sends typing from a socket on A to the others on B and C, never back to the typist', async () => {
    const threadId = await freshThread();
    const [aliceA, aliceB, bobB, bobC] = await Promise.all([connect(a, alice), connect(b, alice), connect(b, bob), connect(c, bob)]);
    aliceA.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    for (const socket of [bobB, bobC]) {
      const frame = await socket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'thread_typing');
      expect(frame).toEqual({ type: 'thread_typing', thread_id: threadId, data: { sender_id: aliceId(), status: 'started' } });
    }
    await barrier(threadId, [a], [aliceA, aliceB]);
    expect(ofThread(aliceA, 'thread_typing', threadId)).toEqual([]);
    expect(ofThread(aliceB, 'thread_typing', threadId)).toEqual([]);
  });

  it('throttles typing across processes: a "started" on A and one on B within 2 s go out once', async () => {
    const threadId = await freshThread();
    const [aliceA, aliceB, bobC] = await Promise.all([connect(a, alice), connect(b, alice), connect(c, bob)]);
    aliceA.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    await bobC.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'the first start');
    aliceB.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    aliceB.send({ type: 'ping' });
    await aliceB.nextOfType('pong');
    await barrier(threadId, [a, b], [bobC]);
    expect(ofThread(bobC, 'thread_typing', threadId)).toEqual([{ sender_id: aliceId(), status: 'started' }]);
  });

  it('expires typing on every process: a "started" on A that is not refreshed becomes "stopped" on C', { timeout: 20_000 }, async () => {
    const threadId = await freshThread();
    const [aliceA, bobC] = await Promise.all([connect(a, alice), connect(c, bob)]);
    aliceA.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    await bobC.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'started');
    const stopped = await bobC.next(
      (f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'stopped',
      TYPING_EXPIRY_MS + SLACK_MS,
      'the expiry',
    );
    expect(stopped.data).toEqual({ sender_id: aliceId(), status: 'stopped' });
  });

  it('announces a focus on A to B and C once, tells a newcomer on C, and unfocuses when the last socket anywhere closes', async () => {
    const threadId = await freshThread();
    const [aliceA, aliceB, bobB, bobC] = await Promise.all([connect(a, alice), connect(b, alice), connect(b, bob), connect(c, bob)]);
    aliceA.send({ type: 'focus_thread', data: { thread_id: threadId } });
    for (const socket of [bobB, bobC]) {
      const frame = await socket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'focused');
      expect(frame).toEqual({ type: 'thread_presence', thread_id: threadId, data: { sender_id: aliceId(), status: 'focused' } });
    }
    // Her second tab, on another process, does not announce her again.
    aliceB.send({ type: 'focus_thread', data: { thread_id: threadId } });
    aliceB.send({ type: 'ping' });
    await aliceB.nextOfType('pong');

    // A newcomer on C learns that Alice is here; Alice (on A and B) learns about Bob.
    bobC.send({ type: 'focus_thread', data: { thread_id: threadId } });
    const viewers = await bobC.next(
      (f) =>
        f.type === 'thread_presence' &&
        f.thread_id === threadId &&
        f.data.sender_id === aliceId() &&
        bobC.ofType('thread_presence').length > 1,
      5_000,
      'the current viewers',
    );
    expect(viewers.data).toEqual({ sender_id: aliceId(), status: 'focused' });
    for (const socket of [aliceA, aliceB]) {
      const frame = await socket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, "Bob's focus");
      expect(frame.data).toEqual({ sender_id: bobId(), status: 'focused' });
    }

    // Closing her socket on A leaves her focused through B; closing that one too unfocuses her.
    await aliceA.close();
    await barrier(threadId, [a, b], [bobB]);
    expect(ofThread(bobB, 'thread_presence', threadId)).toEqual([{ sender_id: aliceId(), status: 'focused' }]);
    await aliceB.close();
    const unfocused = await bobB.next(
      (f) => f.type === 'thread_presence' && f.thread_id === threadId && f.data.status === 'unfocused',
      5_000,
      'unfocused',
    );
    expect(unfocused.data).toEqual({ sender_id: aliceId(), status: 'unfocused' });
    await barrier(threadId, [a, b], [bobB, bobC]);
    const focused = { sender_id: aliceId(), status: 'focused' };
    const gone = { sender_id: aliceId(), status: 'unfocused' };
    expect(ofThread(bobB, 'thread_presence', threadId)).toEqual([focused, gone]);
    // C's socket heard the announcement, then the viewers list when it focused itself.
    expect(ofThread(bobC, 'thread_presence', threadId)).toEqual([focused, focused, gone]);
  });

  it('tells a newcomer on a process started later who is already viewing (it asks the others for their presence)', async () => {
    const threadId = await freshThread();
    const aliceA = await connect(a, alice);
    const bobB = await connect(b, bob);
    aliceA.send({ type: 'focus_thread', data: { thread_id: threadId } });
    await bobB.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, "Alice's focus");
    const late = await startTestServer(cluster.env, { storage: cluster.storage, seed: false });
    try {
      const bobLate = await connect(late, bob);
      bobLate.send({ type: 'focus_thread', data: { thread_id: threadId } });
      const viewers = await bobLate.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'the viewers');
      expect(viewers.data).toEqual({ sender_id: aliceId(), status: 'focused' });
      const bobFocused = await aliceA.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, "Bob's focus");
      expect(bobFocused.data).toEqual({ sender_id: bobId(), status: 'focused' });
    } finally {
      await sockets.closeAll();
      await late.close();
    }
  });

  it(
    'clears the presence and typing of a process killed with SIGKILL on the others within the stated time',
    { timeout: 60_000 },
    async () => {
      const threadId = await freshThread();
      const child = await startChildServer(cluster.env);
      try {
        const [bobA, bobC] = await Promise.all([connect(a, bob), connect(c, bob)]);
        const aliceChild = await connect(child, alice);
        aliceChild.send({ type: 'focus_thread', data: { thread_id: threadId } });
        aliceChild.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
        for (const socket of [bobA, bobC]) {
          await socket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 10_000, "Alice's focus");
          await socket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 10_000, "Alice's typing");
        }
        // A newcomer learns about Alice on the child process too.
        const probe = await connect(b, bob);
        probe.send({ type: 'focus_thread', data: { thread_id: threadId } });
        const seen = await probe.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'the viewers');
        expect(seen.data).toEqual({ sender_id: aliceId(), status: 'focused' });

        await child.kill();
        for (const socket of [bobA, bobC]) {
          const unfocused = await socket.next(
            (f) => f.type === 'thread_presence' && f.thread_id === threadId && f.data.status === 'unfocused',
            NODE_TIMEOUT_MS + NODE_HEARTBEAT_MS + SLACK_MS,
            'unfocused after the kill',
          );
          expect(unfocused.data).toEqual({ sender_id: aliceId(), status: 'unfocused' });
          const stopped = await socket.next(
            (f) => f.type === 'thread_typing' && f.thread_id === threadId && f.data.status === 'stopped',
            TYPING_EXPIRY_MS + SLACK_MS,
            'typing stopped after the kill',
          );
          expect(stopped.data).toEqual({ sender_id: aliceId(), status: 'stopped' });
        }
      } finally {
        await child.kill();
      }
    },
  );
});
