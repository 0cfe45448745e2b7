import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_DISABLED_MESSAGE, SESSION_ENDED_MESSAGE } from '../../src/http/authenticate.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

const CAROL = 'carol@example.com';
const DAN = 'dan@example.com';
const DAN_NEW_PASSWORD = 'a new password for Dan';

/**
 * The send cache of a networked database (SendPathCache) across real server processes on one
 * PostgreSQL database and one NATS: whatever a process has cached about a sender, a change
 * made elsewhere (another process, the admin CLI, the database itself) holds at once for its
 * next send.
 */
describe.runIf(clusterAvailable)('the send cache across server processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  let databaseUrl: string;
  let sql: postgres.Sql;
  let receiver: Receiver;

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 2,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE_MS: '20' },
      // Alice and Bob, and users of this test's own to disable (as `npm run admin -- create-user` would make them).
      async prepare(storage) {
        await seedDemoData(storage);
        await createUsers(
          storage,
          [
            { email: CAROL, name: 'Carol' },
            { email: DAN, name: 'Dan' },
          ],
          DEMO_PASSWORD,
        );
      },
    });
    ({ servers, databaseUrl, sql } = cluster);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  const login = (server: ChildServer, email: string): Promise<Session> => signIn(server, email, DEMO_PASSWORD);
  const newThread = async (server: ChildServer, owner: Session, others: Session[]): Promise<string> => {
    const response = await api(server, 'POST', '/chat/threads', {
      token: owner.token,
      body: { target_user_ids: others.map((session) => session.user.id) },
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const send = (server: ChildServer, session: Session, threadId: string, content: string) =>
    api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: session.token, body: sendBody(content) });
  /** Sends once through every process, so each has the sender's account and access cached. */
  const warm = async (session: Session, threadId: string) => {
    for (const server of servers) expect((await send(server, session, threadId, 'warming the cache')).status).toBe(201);
  };
  const lastSeq = async (threadId: string) =>
    (await sql<{ last_seq: number }[]>`SELECT last_seq FROM threads WHERE id = ${threadId}`)[0]!.last_seq;

  it('a user disabled with npm run admin is refused on every process at once, also where their sends were cached', async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const carol = await login(a, CAROL);
    const alice = await login(b, 'alice@example.com');
    const threadId = await newThread(a, carol, [alice]);
    await warm(carol, threadId);
    const seqBefore = await lastSeq(threadId);

    const disabled = await runAdminCli(['disable-user', '--email', CAROL], { DATABASE_URL: databaseUrl });
    expect(disabled.code, disabled.stderr).toBe(0);

    for (const server of [a, b]) {
      const refused = await send(server, carol, threadId, 'after the disable');
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toBe(ACCOUNT_DISABLED_MESSAGE);
      expect((await api(server, 'GET', '/chat/threads', { token: carol.token })).status).toBe(401);
    }
    expect(await lastSeq(threadId)).toBe(seqBefore);
    // Others on the thread go on.
    expect((await send(a, alice, threadId, 'still here')).status).toBe(201);

    // Enabled again: the next send works on every process (nothing "refused" was cached).
    const enabled = await runAdminCli(['enable-user', '--email', CAROL], { DATABASE_URL: databaseUrl });
    expect(enabled.code, enabled.stderr).toBe(0);
    for (const server of [a, b]) expect((await send(server, carol, threadId, 'back again')).status).toBe(201);
  });

  it('a password set with npm run admin ends the cached sessions on every process: the old token cannot post, the new one can', async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const dan = await login(a, DAN);
    const alice = await login(b, 'alice@example.com');
    const threadId = await newThread(a, dan, [alice]);
    await warm(dan, threadId);
    const seqBefore = await lastSeq(threadId);

    const changed = await runAdminCli(
      ['set-password', '--email', DAN, '--password-stdin'],
      { DATABASE_URL: databaseUrl },
      DAN_NEW_PASSWORD,
    );
    expect(changed.code, changed.stderr).toBe(0);

    for (const server of [a, b]) {
      const refused = await send(server, dan, threadId, 'with the old token');
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toBe(SESSION_ENDED_MESSAGE);
    }
    expect(await lastSeq(threadId)).toBe(seqBefore);

    // Signed in again: every process takes the new token at once, though each had the account cached.
    const response = await api(b, 'POST', '/auth/login', { body: { email: DAN, password: DAN_NEW_PASSWORD } });
    expect(response.status).toBe(200);
    const renewed = response.body as Session;
    for (const server of [a, b]) expect((await send(server, renewed, threadId, 'with the new token')).status).toBe(201);
    expect(await lastSeq(threadId)).toBe(seqBefore + 2);
  });

  it('a participant removed from a thread cannot post through any process right after, though every process had their access cached', async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const alice = await login(a, 'alice@example.com');
    const bob = await login(b, 'bob@example.com');
    const threadId = await newThread(a, alice, [bob]);
    await warm(bob, threadId);
    const seqBefore = await lastSeq(threadId);

    // The server has no removal yet: the row goes as a removal would take it, with no notice to any process.
    const removed = await sql`DELETE FROM thread_access WHERE thread_id = ${threadId} AND user_id = ${bob.user.id}`;
    expect(removed.count).toBe(1);

    for (const server of [a, b]) {
      const refused = await send(server, bob, threadId, 'after the removal');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect(await lastSeq(threadId)).toBe(seqBefore);
    expect((await send(b, alice, threadId, 'alice still posts')).status).toBe(201);
  });

  it('a webhook added through one process gets the next message committed on another, though that one had the thread cached', async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const alice = await login(a, 'alice@example.com');
    const bob = await login(b, 'bob@example.com');
    const threadId = await newThread(a, alice, [bob]);
    await warm(bob, threadId);

    const subscribed = await api(a, 'POST', `/chat/threads/${threadId}/webhooks`, {
      token: alice.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    receiver.secret = subscribed.body.secret;
    const sent = await send(b, bob, threadId, 'the first after the subscription');
    expect(sent.status).toBe(201);

    await waitFor('the delivery', () => receiver.deliveries.some((delivery) => delivery.event.thread_id === threadId));
    const delivered = receiver.deliveries.filter((delivery) => delivery.event.thread_id === threadId);
    expect(delivered.map((delivery) => [delivery.event.thread_seq, delivery.event.event_type, delivery.verified])).toEqual([
      [sent.body.message.thread_seq, 'message_committed', true],
    ]);
  });
});
