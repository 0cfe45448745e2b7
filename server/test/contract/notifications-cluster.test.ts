import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import { NOTIFY_TIMEOUT_MS, notificationsOf } from '../support/notifications.ts';
import { api, sendBody } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

const PASSWORD = 'a password for the cluster';
/** Short, so that a killed process's hold on the user's deliveries runs out within the test. */
const LEASE_MS = '1000';
/** Messages sent, alternating over the processes. */
const MESSAGES = 9;
/** Three processes start (the first migrates alone) on a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;
/** Sends, a lease that runs out, the next poll and the rest delivered, on a busy machine. */
const TEST_TIMEOUT_MS = 90_000;

interface Forwarded {
  pid: number;
  item: { userId: string; notification: { id: string; kind: string; thread_seq: number; thread_id: string } };
}

/**
 * Notifications across three server processes on PostgreSQL + NATS (CONTRACT §12): however
 * many processes evaluate the rules, each (user, kind, seq) is made once and reaches the
 * user's socket on another process once, in order (through NATS); deliveries go out
 * in order per user; and when the process delivering is SIGKILLed mid-delivery (its push
 * in flight, never answered), another takes over once its lease runs out: every
 * notification arrives, and the only repeat is the one that was in flight (same id: the
 * browser collapses it by tag).
 */
describe.runIf(clusterAvailable)('notifications across processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster | undefined;
  let receiver: Receiver | undefined;
  const people = [
    { email: `sender-${Date.now()}@example.com`, name: 'Sender' },
    { email: `reader-${Date.now()}@example.com`, name: 'Reader' },
  ];
  beforeAll(async () => {
    receiver = await Receiver.start();
    // The first push is never answered: its process is killed while it waits.
    receiver.respond = (_delivery, index) => (index === 0 ? 0 : 200);
    cluster = await startCluster({
      processes: 3,
      env: { NOTIFY_LEASE_MS: LEASE_MS, NOTIFY_TEST_PUSH_URL: receiver.url },
      prepare: (storage) => createUsers(storage, people, PASSWORD),
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  it(
    'made once per (user, kind, seq), delivered in order, nothing lost when the delivering process is killed',
    async () => {
      const servers = cluster!.servers;
      receiver = receiver!;
      const sender: Session = await signIn(servers[0]!, people[0]!.email, PASSWORD);
      const reader: Session = await signIn(servers[1]!, people[1]!.email, PASSWORD);
      const created = await api(servers[0]!, 'POST', '/chat/threads', {
        token: sender.token,
        body: { target_user_ids: [reader.user.id], title: 'Busy' },
      });
      expect(created.status).toBe(201);
      const threadId: string = created.body.id;
      // The reader's socket is on another process than the one each notification is made on (at least for some).
      const socket = TestSocket.open(userSocketUrl(servers[2]!.wsUrl, reader.token));
      await socket.ready();

      const seqs: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const sent = await api(servers[i % 3]!, 'POST', `/chat/threads/${threadId}/messages`, {
          token: sender.token,
          body: { ...sendBody(`ping ${i}`), mentions: [`user:${reader.user.id}`] },
        });
        expect(sent.status).toBe(201);
        seqs.push(sent.body.message.thread_seq);
      }
      // Every process may have evaluated the rules: each (user, kind, seq) is there once.
      let listed: Awaited<ReturnType<typeof notificationsOf>> | undefined;
      await waitFor(
        'all notifications made',
        async () => {
          listed = await notificationsOf(servers[2]!, reader.token, '?limit=100');
          return listed.notifications.length >= MESSAGES;
        },
        NOTIFY_TIMEOUT_MS,
      );
      expect(listed!.notifications.map((n) => [n.kind, n.thread_seq])).toEqual([...seqs].reverse().map((seq) => ['mention', seq]));
      // Each reached the reader's socket once, in order, whichever process made it.
      const framed = () =>
        socket.frames
          .filter((f: { type: string }) => f.type === 'notification')
          .map((f: { data: { thread_seq: number } }) => f.data.thread_seq);
      await waitFor('every notification frame', () => framed().length >= MESSAGES, NOTIFY_TIMEOUT_MS);
      expect(framed()).toEqual(seqs);
      await socket.close();

      // The first push hangs in flight; kill the process that sent it.
      await waitFor('the first push', () => receiver!.deliveries.length >= 1, NOTIFY_TIMEOUT_MS);
      const stuck = receiver.deliveries[0]!.event as Forwarded;
      const victim = servers.find((server) => server.process.pid === stuck.pid)!;
      expect(victim).toBeDefined();
      await victim.kill();

      const arrived = () => receiver!.accepted.map((delivery) => (delivery.event as Forwarded).item.notification);
      await waitFor('every notification pushed', () => new Set(arrived().map((n) => n.id)).size === MESSAGES, NOTIFY_TIMEOUT_MS * 2);
      // In order, each once, and the one in flight at the kill first (again, with the same id).
      expect(arrived().map((n) => n.thread_seq)).toEqual(seqs);
      expect(arrived()[0]!.id).toBe(stuck.item.notification.id);
      expect(arrived().every((n) => n.thread_id === threadId && n.kind === 'mention')).toBe(true);
      expect(new Set(arrived().map((n) => n.id))).toEqual(new Set(listed!.notifications.map((n) => n.id)));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a busy thread written on every process: one unread `message` notification per reader, updated in place, never two',
    async () => {
      // The processes still running (the test before killed one): two or three.
      const servers = cluster!.servers.filter((server) => server.process.exitCode === null && server.process.signalCode === null);
      expect(servers.length).toBeGreaterThanOrEqual(2);
      const sender: Session = await signIn(servers[0]!, people[0]!.email, PASSWORD);
      const reader: Session = await signIn(servers[1]!, people[1]!.email, PASSWORD);
      const created = await api(servers[1]!, 'POST', '/chat/threads', {
        token: sender.token,
        body: { target_user_ids: [reader.user.id], title: 'Chatty' },
      });
      expect(created.status).toBe(201);
      const threadId: string = created.body.id;
      // Sent at once, on every process: each process's notifier evaluates the rules for the thread.
      const sent = await Promise.all(
        Array.from({ length: MESSAGES }, (_, i) =>
          api(servers[i % servers.length]!, 'POST', `/chat/threads/${threadId}/messages`, {
            token: sender.token,
            body: sendBody(`chat ${i}`),
          }),
        ),
      );
      expect(sent.map((response) => response.status)).toEqual(Array(MESSAGES).fill(201));
      const last = Math.max(...sent.map((response) => response.body.message.thread_seq as number));
      let mine: Awaited<ReturnType<typeof notificationsOf>>['notifications'] = [];
      await waitFor(
        'the newest message notified',
        async () => {
          mine = (await notificationsOf(servers[0]!, reader.token, '?limit=100')).notifications.filter((n) => n.thread_id === threadId);
          return mine.some((n) => n.thread_seq === last);
        },
        NOTIFY_TIMEOUT_MS,
      );
      expect(mine.map((n) => [n.kind, n.thread_seq, n.title, n.read_at])).toEqual([
        ['message', last, `${MESSAGES} new messages from Sender`, null],
      ]);
    },
    TEST_TIMEOUT_MS,
  );
});
