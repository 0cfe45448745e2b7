import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.ts';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.ts';
import { DEMO_PASSWORD } from '../../src/storage/seed-demo-data.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { natsUrl, uniqueOrg } from '../support/nats.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { startChildServer, type ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';
import { Receiver } from '../support/webhook-receiver.ts';
import { expectRevocationStopsDeliveries, type Session } from '../support/webhook-rights.ts';
import { testDataKey } from '../support/data-key.ts';

const CAROL = 'carol@example.com';
const DAN = 'dan@example.com';
const ERIN = 'erin@example.com';
const FRANK = 'frank@example.com';
const DAN_NEW_PASSWORD = 'a new password for Dan';

/**
 * A webhook lives only as long as its creator's rights (issue 15), across real server
 * processes on one PostgreSQL database and one NATS: the creator subscribes through one
 * process, the events are committed (and so delivered) through the other, and the change is
 * made by the admin CLI or in the database, which no process hears of.
 */
describe.runIf(natsUrl !== null && postgresUrl !== null)("a webhook ends with its creator's rights (PostgreSQL + NATS)", () => {
  const servers: ChildServer[] = [];
  let databaseUrl: string;
  let sql: postgres.Sql;
  let receiver: Receiver | undefined;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    const env = {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl!,
      NATS_ORG: uniqueOrg(),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      DEMO_DATA: 'false',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
    };
    // The first one alone (it migrates), then the second.
    servers.push(await startChildServer(env));
    servers.push(await startChildServer(env));
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    try {
      for (const [email, name] of [
        [CAROL, 'Carol'],
        [DAN, 'Dan'],
        [ERIN, 'Erin'],
        [FRANK, 'Frank'],
      ] as const) {
        await storage.users.create({ id: randomUUID(), email, name, avatarUrl: null, passwordHash: await hashPassword(DEMO_PASSWORD) });
      }
    } finally {
      await storage.close();
    }
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await sql?.end();
  });

  const login = async (server: ChildServer, email: string): Promise<Session> => {
    const response = await api(server, 'POST', '/auth/login', { body: { email, password: DEMO_PASSWORD } });
    expect(response.status).toBe(200);
    return response.body as Session;
  };
  /** Frank's thread with the creator: the creator subscribes through one process, Frank sends through the other. */
  const setUp = async (creatorEmail: string) => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const creator = await login(a, creatorEmail);
    const sender = await login(b, FRANK);
    const response = await api(b, 'POST', '/chat/threads', { token: sender.token, body: { target_user_ids: [creator.user.id] } });
    expect(response.status).toBe(201);
    receiver = await Receiver.start();
    return { creator, sender, threadId: response.body.id as string, receiver, subscribeVia: a, sendVia: b };
  };
  const storedActive = async (id: string) =>
    (await sql<{ active: boolean }[]>`SELECT active FROM webhooks WHERE id = ${id}`)[0]?.active === true;

  it('a creator disabled with npm run admin: no process posts what is committed after it (creator_disabled)', async () => {
    const world = await setUp(CAROL);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_disabled',
      async revoke() {
        const disabled = await runAdminCli(['disable-user', '--email', CAROL], { DATABASE_URL: databaseUrl });
        expect(disabled.code, disabled.stderr).toBe(0);
      },
    });
  });

  it("a creator's password set with npm run admin: no process posts what is committed after it (creator_password_changed)", async () => {
    const world = await setUp(DAN);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_password_changed',
      async revoke() {
        const changed = await runAdminCli(
          ['set-password', '--email', DAN, '--password-stdin'],
          { DATABASE_URL: databaseUrl },
          DAN_NEW_PASSWORD,
        );
        expect(changed.code, changed.stderr).toBe(0);
      },
    });
  });

  it('a creator who no longer sees the thread: no process posts what is committed after it (creator_lost_access)', async () => {
    const world = await setUp(ERIN);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_lost_access',
      async revoke() {
        // The server has no removal yet: the row goes as a removal would take it, with no notice to any process.
        const removed = await sql`DELETE FROM thread_access WHERE thread_id = ${world.threadId} AND user_id = ${world.creator.user.id}`;
        expect(removed.count).toBe(1);
      },
    });
  });
});
