import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { runAdminCli, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import { api } from '../support/test-server.ts';
import { Receiver } from '../support/webhook-receiver.ts';
import { itStopsDeliveriesWithTheCreatorsRights, REVOCATION_PEOPLE, type Session } from '../support/webhook-rights.ts';

const USER_PASSWORD = 'a password for the test';

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

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-webhook-rights-'));
    env = { DATABASE_PATH: join(dir, 'db.sqlite') };
    for (const { email, name } of Object.values(REVOCATION_PEOPLE)) {
      const created = await runAdminCli(['create-user', '--email', email, '--name', name, '--password-stdin'], env, `${USER_PASSWORD}\n`);
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

  itStopsDeliveriesWithTheCreatorsRights(
    {
      /** The sender's thread with the creator: the sender sends, the creator subscribes. */
      async setUp(creatorEmail) {
        const creator = await login(creatorEmail);
        const sender = await login(REVOCATION_PEOPLE.sender.email);
        const response = await api(server, 'POST', '/chat/threads', { token: sender.token, body: { target_user_ids: [creator.user.id] } });
        expect(response.status).toBe(201);
        receiver = await Receiver.start();
        return { creator, sender, threadId: response.body.id as string, receiver, subscribeVia: server, sendVia: server };
      },
      storedActive: async (id) => db.prepare('SELECT active FROM webhooks WHERE id = ?').pluck().get(id) === 1,
      adminSettings: () => env,
      removeAccess: async (threadId, userId) =>
        db.prepare('DELETE FROM thread_access WHERE thread_id = ? AND user_id = ?').run(threadId, userId).changes,
    },
    'nothing committed after it is posted',
  );
});
