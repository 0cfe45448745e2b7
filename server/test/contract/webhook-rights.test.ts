import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import { api } from '../support/test-server.ts';
import { Receiver } from '../support/webhook-receiver.ts';
import { expectRevocationStopsDeliveries, type Session } from '../support/webhook-rights.ts';

const CAROL = 'carol@example.com';
const DAN = 'dan@example.com';
const ERIN = 'erin@example.com';
const FRANK = 'frank@example.com';
const USER_PASSWORD = 'a password for the test';
const DAN_NEW_PASSWORD = 'a new password for Dan';

/**
 * A webhook lives only as long as its creator's rights (issue 15), on a real server process
 * on SQLite: the admin CLI (another process, which no server hears of) disables the creator
 * or sets their password, or the creator's access row goes; what is committed afterwards is
 * never posted, and the subscription turns off with the reason.
 */
describe("a webhook ends with its creator's rights (SQLite, the admin CLI writing the file)", () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let db: Database.Database;
  let receiver: Receiver;
  const admin = (args: string[], input?: string) => runAdminCli(args, env, input);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-webhook-rights-'));
    env = { DATABASE_PATH: join(dir, 'db.sqlite') };
    for (const [email, name] of [
      [CAROL, 'Carol'],
      [DAN, 'Dan'],
      [ERIN, 'Erin'],
      [FRANK, 'Frank'],
    ] as const) {
      const created = await admin(['create-user', '--email', email, '--name', name, '--password-stdin'], `${USER_PASSWORD}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    server = await startServerProcess({
      ...env,
      DEMO_DATA: 'false',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
    });
    db = new Database(env.DATABASE_PATH!);
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await server?.stop();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (email: string): Promise<Session> => {
    const response = await api(server, 'POST', '/auth/login', { body: { email, password: USER_PASSWORD } });
    expect(response.status).toBe(200);
    return response.body as Session;
  };
  /** Frank's thread with the creator: Frank sends, the creator subscribes. */
  const setUp = async (creatorEmail: string) => {
    const creator = await login(creatorEmail);
    const sender = await login(FRANK);
    const response = await api(server, 'POST', '/chat/threads', { token: sender.token, body: { target_user_ids: [creator.user.id] } });
    expect(response.status).toBe(201);
    receiver = await Receiver.start();
    return { creator, sender, threadId: response.body.id as string, receiver, subscribeVia: server, sendVia: server };
  };
  const storedActive = async (id: string) => db.prepare('SELECT active FROM webhooks WHERE id = ?').pluck().get(id) === 1;

  it('a creator disabled with npm run admin: nothing committed after it is posted, and it lists as off (creator_disabled)', async () => {
    const world = await setUp(CAROL);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_disabled',
      async revoke() {
        const disabled = await admin(['disable-user', '--email', CAROL]);
        expect(disabled.code, disabled.stderr).toBe(0);
      },
    });
  });

  it("a creator's password set with npm run admin: nothing committed after it is posted (creator_password_changed)", async () => {
    const world = await setUp(DAN);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_password_changed',
      async revoke() {
        const changed = await admin(['set-password', '--email', DAN, '--password-stdin'], DAN_NEW_PASSWORD);
        expect(changed.code, changed.stderr).toBe(0);
      },
    });
  });

  it('a creator who no longer sees the thread: nothing committed after it is posted (creator_lost_access)', async () => {
    const world = await setUp(ERIN);
    await expectRevocationStopsDeliveries({
      ...world,
      storedActive,
      reason: 'creator_lost_access',
      async revoke() {
        // The server has no removal yet: the row goes as a removal would take it, with no notice to the server.
        const removed = db
          .prepare('DELETE FROM thread_access WHERE thread_id = ? AND user_id = ?')
          .run(world.threadId, world.creator.user.id);
        expect(removed.changes).toBe(1);
      },
    });
  });
});
