import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SNOOZE_SWEEP_MS } from '../../src/threads/snooze-waker.ts';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';
import { SocketTracker, TestSocket, sleep, userSocketUrl } from '../support/test-socket.ts';

const PASSWORD = 'a long enough password';
const SETUP_TIMEOUT_MS = 120_000;
const FRAME_TIMEOUT_MS = 15_000;
/** How far ahead the threads are snoozed: long enough to set them all up first. */
const SNOOZE_AHEAD_MS = 3_000;
const THREADS = 12;

/**
 * The snooze wake-up across three real processes on one PostgreSQL database (CONTRACT §11):
 * each snoozed thread opens at its `snoozed_until` exactly once, by `system`, committed by one
 * process and seen on every process's sockets; a snooze that falls due while every process is
 * down wakes when one starts again.
 */
describe.runIf(clusterAvailable)('snooze wake-up across real processes on PostgreSQL', () => {
  let cluster: Cluster;
  const sockets = new SocketTracker();
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    let people: { id: string; email: string }[] = [];
    cluster = await startCluster({
      processes: 3,
      async prepare(storage) {
        people = await createUsers(
          storage,
          ['alice', 'bob'].map((name) => ({ email: `${name}-${randomUUID()}@example.com`, name })),
          PASSWORD,
        );
      },
    });
    alice = await signIn(cluster.servers[0]!, people[0]!.email, PASSWORD);
    bob = await signIn(cluster.servers[1]!, people[1]!.email, PASSWORD);
  }, SETUP_TIMEOUT_MS);
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await cluster?.stop();
  });

  const connect = async (server: ChildServer, token: string) => {
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, token)));
    await socket.ready();
    return socket;
  };
  const newThread = async (server: ChildServer) =>
    (
      await api(server, 'POST', '/chat/threads', {
        token: alice.token,
        body: { target_user_ids: [bob.user.id], title: `snooze ${randomUUID()}` },
      })
    ).body.id as string;
  const wakeUps = async (server: ChildServer, threadId: string) => {
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?limit=200`, { token: alice.token });
    return (log.body.events as any[]).filter((e) => e.event_type === 'status_changed' && e.sender_id === 'system');
  };

  it('three processes: every snoozed thread opens once, by system, and every process’s sockets see it', { timeout: 60_000 }, async () => {
    const servers = cluster.servers;
    const threadIds = await Promise.all(Array.from({ length: THREADS }, (_, i) => newThread(servers[i % 3]!)));
    const listeners = await Promise.all(servers.map((server) => connect(server, bob.token)));
    const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    for (const [i, threadId] of threadIds.entries()) {
      const snoozed = await api(servers[i % 3]!, 'PUT', `/chat/threads/${threadId}/status`, {
        token: alice.token,
        body: { status: 'snoozed', snoozed_until: until },
      });
      expect(snoozed.status).toBe(200);
    }
    for (const socket of listeners) {
      for (const threadId of threadIds) {
        const frame = await socket.next(
          (f) =>
            f.type === 'thread_event' &&
            f.thread_id === threadId &&
            f.data.event_type === 'status_changed' &&
            f.data.sender_id === 'system',
          FRAME_TIMEOUT_MS,
          'the wake-up',
        );
        expect(frame.data.data).toEqual({ status: 'open', previous: 'snoozed', by: 'system' });
        expect(Date.parse(frame.data.created_at)).toBeGreaterThanOrEqual(Date.parse(until));
      }
    }
    // Three more sweeps of every process: still one wake-up per thread.
    await sleep(3 * SNOOZE_SWEEP_MS);
    for (const threadId of threadIds) {
      expect((await wakeUps(servers[0]!, threadId)).length).toBe(1);
      const thread = await api(servers[1]!, 'GET', `/chat/threads/${threadId}`, { token: bob.token });
      expect(thread.body).toMatchObject({ status: 'open', snoozed_until: null });
    }
    for (const socket of listeners) {
      const wakes = socket.frames.filter(
        (f) => f.type === 'thread_event' && f.data.event_type === 'status_changed' && f.data.sender_id === 'system',
      );
      expect(wakes.length).toBe(THREADS);
    }
  });

  it('a snooze that falls due while every process is down wakes once when one starts again', { timeout: 90_000 }, async () => {
    const threadId = await newThread(cluster.servers[0]!);
    const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    const snoozed = await api(cluster.servers[0]!, 'PUT', `/chat/threads/${threadId}/status`, {
      token: alice.token,
      body: { status: 'snoozed', snoozed_until: until },
    });
    expect(snoozed.status).toBe(200);
    await Promise.all(cluster.servers.map((server) => server.kill()));
    // Past its time with no process up: nothing could wake it.
    await sleep(Math.max(0, Date.parse(until) - Date.now()) + SNOOZE_SWEEP_MS);
    const [row] = await cluster.sql<{ status: string }[]>`SELECT status FROM threads WHERE id = ${threadId}`;
    expect(row!.status).toBe('snoozed');

    const restarted = await cluster.start();
    const socket = await connect(restarted, bob.token);
    const frame = await socket
      .next(
        (f) => f.type === 'thread_event' && f.thread_id === threadId && f.data.event_type === 'status_changed',
        FRAME_TIMEOUT_MS,
        'the wake-up after the restart',
      )
      .catch(() => undefined);
    // The wake-up may have been committed before the socket subscribed: the log says.
    if (frame) expect(frame.data.data).toEqual({ status: 'open', previous: 'snoozed', by: 'system' });
    await sleep(2 * SNOOZE_SWEEP_MS);
    expect((await wakeUps(restarted, threadId)).map((e) => e.data)).toEqual([{ status: 'open', previous: 'snoozed', by: 'system' }]);
  });
});
