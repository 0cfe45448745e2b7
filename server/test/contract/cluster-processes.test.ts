import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.ts';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.ts';
import { natsUrl, uniqueOrg } from '../support/nats.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { startChildServer, type ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

const PASSWORD = 'a long enough password';
const USERS = 3;
/** 200 messages in all, sent through every process at once. */
const MESSAGES_PER_USER = [67, 67, 66];

type Session = { token: string; user: { id: string } };

/**
 * The deployment of issue 10 in miniature: three real server processes on one PostgreSQL
 * database and one NATS, each with its own connections, nothing shared in memory.
 */
describe.runIf(natsUrl !== null && postgresUrl !== null)('three server processes on one PostgreSQL database and one NATS', () => {
  const servers: ChildServer[] = [];
  const sessions: Session[] = [];
  const sockets = new SocketTracker();
  let receiver: Receiver;

  beforeAll(async () => {
    const databaseUrl = await freshDatabase();
    // The users exist before the processes start, as `npm run admin` would have made them.
    const storage = await PostgresStorage.open(databaseUrl);
    const passwordHash = await hashPassword(PASSWORD);
    const users = [];
    for (let index = 0; index < USERS; index++) {
      const id = randomUUID();
      users.push(
        await storage.createUser({ id, email: `user${index}-${id}@example.com`, name: `User ${index}`, avatarUrl: null, passwordHash }),
      );
    }
    await storage.close();
    const env = {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl!,
      NATS_ORG: uniqueOrg(),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      DEMO_DATA: 'false',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
    };
    // The first one alone (it migrates), then the others.
    servers.push(await startChildServer(env));
    servers.push(...(await Promise.all([startChildServer(env), startChildServer(env)])));
    // Each user signs in on another process: a token works on all of them.
    for (const [index, user] of users.entries()) {
      const login = await api(servers[index]!, 'POST', '/auth/login', { body: { email: user.email, password: PASSWORD } });
      expect(login.status).toBe(200);
      sessions.push(login.body as Session);
    }
    receiver = await Receiver.start();
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
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

  it('delivers 200 messages sent through all three to every socket on every process once, and to a webhook once each, in order', async () => {
    const [owner, ...others] = sessions as [Session, ...Session[]];
    const created = await api(servers[0]!, 'POST', '/chat/threads', {
      token: owner.token,
      body: { target_user_ids: others.map((session) => session.user.id), title: 'three processes' },
    });
    expect(created.status).toBe(201);
    const threadId: string = created.body.id;
    const subscribed = await api(servers[1]!, 'POST', `/chat/threads/${threadId}/webhooks`, {
      token: owner.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    receiver.secret = subscribed.body.secret;
    // Every user has a socket on two processes.
    const all = await Promise.all(
      sessions.flatMap((session, index) => [connect(servers[index]!, session), connect(servers[(index + 1) % servers.length]!, session)]),
    );

    const results = await Promise.all(
      sessions.flatMap((session, userIndex) =>
        Array.from({ length: MESSAGES_PER_USER[userIndex]! }, (_, index) =>
          api(servers[(userIndex + index) % servers.length]!, 'POST', `/chat/threads/${threadId}/messages`, {
            token: session.token,
            body: sendBody(`u${userIndex} m${index}`),
          }),
        ),
      ),
    );
    expect(results.filter((result) => result.status !== 201)).toEqual([]);
    const seqs = results.map((result) => result.body.message.thread_seq as number).sort((x, y) => x - y);
    const first = created.body.last_seq + 1;
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, index) => first + index));

    // A barrier through each process: what that process published before it has arrived everywhere.
    for (const server of servers) {
      const barrier = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: owner.token, body: sendBody('barrier') });
      const seq = barrier.body.message.thread_seq as number;
      await Promise.all(
        all.map((socket) => socket.next((f) => f.type === 'thread_message' && f.data.thread_seq === seq, 10_000, `seq ${seq}`)),
      );
    }
    for (const socket of all) {
      expect(
        seqsOf(socket, threadId)
          .filter((seq) => seq <= seqs.at(-1)!)
          .sort((x, y) => x - y),
      ).toEqual(seqs);
    }

    // The webhook: every message once, in seq order, whichever process committed it.
    const delivered = () => receiver.deliveries.filter((delivery) => delivery.event?.event_type === 'message_committed');
    await waitFor('203 webhook deliveries', () => delivered().length >= 203, 30_000);
    const order = delivered().map((delivery) => delivery.event.thread_seq as number);
    expect(order).toEqual([...seqs, ...order.slice(200)]);
    expect(new Set(order).size).toBe(order.length);
    expect(delivered().every((delivery) => delivery.verified)).toBe(true);
  });

  it('shows typing and presence from a socket on one process to sockets on the others', async () => {
    const [a, b, c] = sessions as [Session, Session, Session];
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
