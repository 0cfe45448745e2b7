import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

const PASSWORD = 'a long enough password';
const USERS = 4;
/** Each user's sends to each of their threads, all at once, spread over the processes. */
const SENDS_PER_USER = 50;
/** The threads written to at the same time, by their members (indexes into the users). */
const THREADS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [0, 1, 2, 3],
  [0, 2],
];

type Session = { token: string; user: { id: string } };

/**
 * The deployment of issue 10 in miniature: three real server processes on one PostgreSQL
 * database and one NATS, each with its own connections, nothing shared in memory.
 */
describe.runIf(clusterAvailable)('three server processes on one PostgreSQL database and one NATS', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  const sessions: Session[] = [];
  const sockets = new SocketTracker();
  let receiver: Receiver;

  beforeAll(async () => {
    const people = Array.from({ length: USERS }, (_, index) => ({
      email: `user${index}-${randomUUID()}@example.com`,
      name: `User ${index}`,
    }));
    let users: { email: string }[] = [];
    // The users exist before the processes start, as `npm run admin` would have made them.
    cluster = await startCluster({
      processes: 3,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE_MS: '20' },
      prepare: async (storage) => void (users = await createUsers(storage, people, PASSWORD)),
    });
    servers = cluster.servers;
    // Each user signs in on another process: a token works on all of them.
    for (const [index, user] of users.entries()) sessions.push(await signIn(servers[index % servers.length]!, user.email, PASSWORD));
    receiver = await Receiver.start();
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  const connect = async (server: ChildServer, session: Session) => {
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, session.token)));
    await socket.ready();
    return socket;
  };
  const seqsOf = (socket: TestSocket, threadId: string) =>
    socket.frames
      .filter((frame) => frame.type === 'thread_message' && frame.thread_id === threadId)
      .map((frame) => frame.data.thread_seq as number);

  it(
    '4 users × 50 sends at once to each of their threads through all three: every log is dense, every socket gets each message once, a webhook once each in order',
    { timeout: 90_000 },
    async () => {
      // Each thread is created through another process.
      const threads = await Promise.all(
        THREADS.map(async (members, index) => {
          const [creator, ...others] = members.map((member) => sessions[member]!);
          const created = await api(servers[index % servers.length]!, 'POST', '/chat/threads', {
            token: creator!.token,
            body: { target_user_ids: others.map((session) => session.user.id), title: `three processes ${index}` },
          });
          expect(created.status).toBe(201);
          return { id: created.body.id as string, members, lastSeqBefore: created.body.last_seq as number };
        }),
      );
      const owner = sessions[0]!;
      const watched = threads[0]!.id;
      const subscribed = await api(servers[1]!, 'POST', `/chat/threads/${watched}/webhooks`, {
        token: owner.token,
        body: { callback_url: receiver.url },
      });
      expect(subscribed.status).toBe(201);
      receiver.secret = subscribed.body.secret;
      // Every user has a socket on two processes.
      const socketsOf = await Promise.all(
        sessions.map((session, index) =>
          Promise.all([connect(servers[index % servers.length]!, session), connect(servers[(index + 1) % servers.length]!, session)]),
        ),
      );

      // Every send of every user to every thread at once, each user's spread over the processes.
      const sends = threads.flatMap((thread, threadIndex) =>
        thread.members.flatMap((member) =>
          Array.from({ length: SENDS_PER_USER }, (_, index) => ({
            threadIndex,
            result: api(servers[(member + index + threadIndex) % servers.length]!, 'POST', `/chat/threads/${thread.id}/messages`, {
              token: sessions[member]!.token,
              body: sendBody(`t${threadIndex} u${member} m${index}`),
            }),
          })),
        ),
      );
      const results = await Promise.all(sends.map(async (send) => ({ threadIndex: send.threadIndex, response: await send.result })));
      expect(results.filter(({ response }) => response.status !== 201).map(({ response }) => response.body)).toEqual([]);

      const seqsByThread = threads.map((thread, threadIndex) => {
        const seqs = results
          .filter((result) => result.threadIndex === threadIndex)
          .map(({ response }) => response.body.message.thread_seq as number)
          .sort((x, y) => x - y);
        // Right after the thread's own first events: 1..N with no hole and no repeat.
        expect(seqs).toEqual(Array.from({ length: thread.members.length * SENDS_PER_USER }, (_, i) => thread.lastSeqBefore + 1 + i));
        return seqs;
      });
      expect(seqsByThread.map((seqs) => seqs.length)).toEqual([200, 200, 100]);

      // A barrier through each process in each thread: what that process published before it has arrived everywhere.
      for (const [threadIndex, thread] of threads.entries()) {
        const audience = thread.members.flatMap((member) => socketsOf[member]!);
        for (const server of servers) {
          const barrier = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
            token: sessions[thread.members[0]!]!.token,
            body: sendBody(`barrier ${threadIndex}`),
          });
          const seq = barrier.body.message.thread_seq as number;
          await Promise.all(
            audience.map((socket) =>
              socket.next(
                (f) => f.type === 'thread_message' && f.thread_id === thread.id && f.data.thread_seq === seq,
                10_000,
                `seq ${seq}`,
              ),
            ),
          );
        }
      }
      for (const [threadIndex, thread] of threads.entries()) {
        const seqs = seqsByThread[threadIndex]!;
        for (const [member, userSockets] of socketsOf.entries()) {
          for (const socket of userSockets) {
            const received = seqsOf(socket, thread.id)
              .filter((seq) => seq <= seqs.at(-1)!)
              .sort((x, y) => x - y);
            // Once each to the members' sockets on every process; nothing to the others.
            expect(received, `thread ${threadIndex}, user ${member}`).toEqual(thread.members.includes(member) ? seqs : []);
          }
        }
        // The log itself: 1, 2, 3, … to its end.
        const logSeqs: number[] = [];
        for (let more = true; more;) {
          const page = await api(
            servers[threadIndex % servers.length]!,
            'GET',
            `/chat/threads/${thread.id}/events?last_thread_seq=${logSeqs.length}&limit=200`,
            { token: sessions[thread.members[0]!]!.token },
          );
          logSeqs.push(...page.body.events.map((event: { thread_seq: number }) => event.thread_seq));
          more = page.body.has_more;
        }
        expect(logSeqs).toEqual(Array.from({ length: seqs.at(-1)! + servers.length }, (_, i) => i + 1));
      }

      // The webhook: every message once, in seq order, whichever process committed it.
      const delivered = () => receiver.deliveries.filter((delivery) => delivery.event?.event_type === 'message_committed');
      await waitFor('203 webhook deliveries', () => delivered().length >= 203, 30_000);
      const order = delivered().map((delivery) => delivery.event.thread_seq as number);
      expect(order).toEqual([...seqsByThread[0]!, ...order.slice(200)]);
      expect(new Set(order).size).toBe(order.length);
      expect(delivered().every((delivery) => delivery.verified)).toBe(true);
    },
  );

  it('shows typing and presence from a socket on one process to sockets on the others', async () => {
    const [a, b, c] = sessions as [Session, Session, Session, Session];
    const created = await api(servers[0]!, 'POST', '/chat/threads', {
      token: a.token,
      body: { target_user_ids: [b.user.id, c.user.id], title: 'typing across' },
    });
    const threadId: string = created.body.id;
    const onA = await connect(servers[0]!, a);
    const onB = await connect(servers[1]!, b);
    const onC = await connect(servers[2]!, c);

    onA.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    for (const socket of [onB, onC]) {
      const frame = await socket.next((f) => f.type === 'thread_typing' && f.thread_id === threadId, 5_000, 'typing');
      expect(frame.data).toEqual({ sender_id: `user:${a.user.id}`, status: 'started' });
    }
    onC.send({ type: 'focus_thread', data: { thread_id: threadId } });
    for (const socket of [onA, onB]) {
      const frame = await socket.next((f) => f.type === 'thread_presence' && f.thread_id === threadId, 5_000, 'presence');
      expect(frame.data).toEqual({ sender_id: `user:${c.user.id}`, status: 'focused' });
    }
  });
});
