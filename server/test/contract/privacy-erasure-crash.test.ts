import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.ts';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.ts';
import { signIn } from '../support/cluster.ts';
import { TEST_DATA_KEY, testDataKey } from '../support/data-key.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { expectGoneOn, visitorWithData } from '../support/erasure.ts';
import { startChildServer, type ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

/** Longest the restarted process may take to finish the erasure: the farewell wait (5 s), start-up and the deletion. */
const RESUME_WAIT_MS = 60_000;

/** What is left in the database of the visitor and their thread, by table. */
type RowsLeft = Record<'threads' | 'events' | 'messages' | 'attachments' | 'visitors' | 'visitor_tokens' | 'thread_erasures', number>;

/**
 * CONTRACT §14, issue 20: an erasure cut short by a crash is finished by the server when it
 * starts again. A real server process erases a visitor whose thread has a webhook that never
 * answers, so the erasure sits in its farewell wait with `thread_deleted` committed; it is
 * killed (SIGKILL) there and started again on the same database; afterwards every path answers
 * 404/401, the rows are gone and the audit log holds one `visitor.erased` entry.
 */
describeEachStorage('privacy: an erasure a crash cut short is finished after a restart', (storageEnv) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The database the child processes share, seeded with the demo data, and how to count what is left in it. */
  async function database(): Promise<{
    env: NodeJS.ProcessEnv;
    rowsLeft: (threadId: string, visitorId: string) => Promise<RowsLeft>;
    auditOf: (visitorId: string) => Promise<unknown[]>;
  }> {
    const env = await storageEnv();
    const jwt = { JWT_SECRET: randomBytes(32).toString('base64url'), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE_MS: '20' };
    if (env.DATABASE_URL) {
      const storage = await PostgresStorage.open(env.DATABASE_URL, { dataKey: testDataKey() });
      await seedDemoData(storage);
      await storage.close();
      const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
      cleanups.push(() => sql.end());
      return {
        env: { DATABASE_URL: env.DATABASE_URL, ...jwt },
        async rowsLeft(threadId, visitorId) {
          const [row] = await sql<RowsLeft[]>`
            SELECT (SELECT count(*)::int FROM threads WHERE id = ${threadId}) AS threads,
                   (SELECT count(*)::int FROM events WHERE thread_id = ${threadId}) AS events,
                   (SELECT count(*)::int FROM messages WHERE thread_id = ${threadId}) AS messages,
                   (SELECT count(*)::int FROM attachments WHERE thread_id = ${threadId}) AS attachments,
                   (SELECT count(*)::int FROM visitors WHERE id = ${visitorId}) AS visitors,
                   (SELECT count(*)::int FROM visitor_tokens WHERE visitor_id = ${visitorId}) AS visitor_tokens,
                   (SELECT count(*)::int FROM thread_erasures WHERE thread_id = ${threadId}) AS thread_erasures`;
          return { ...row! };
        },
        async auditOf(visitorId) {
          const rows =
            await sql`SELECT actor, details FROM audit_log WHERE action = 'visitor.erased' AND target = ${`visitor:${visitorId}`}`;
          return rows.map((row) => ({ ...row }));
        },
      };
    }
    const dir = mkdtempSync(join(tmpdir(), 'ama2-erasure-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const databasePath = join(dir, 'db.sqlite');
    const storage = new SqliteStorage(databasePath, testDataKey());
    await seedDemoData(storage);
    await storage.close();
    const read = <T>(query: (db: Database.Database) => T): T => {
      const db = new Database(databasePath, { readonly: true });
      try {
        return query(db);
      } finally {
        db.close();
      }
    };
    return {
      // The key the file was seeded with (a SQLite child would otherwise make one beside the file).
      env: { DATABASE_PATH: databasePath, DATA_ENCRYPTION_KEY: TEST_DATA_KEY, ...jwt },
      async rowsLeft(threadId, visitorId) {
        return read((db) => {
          const count = (table: string, column: string, id: string) =>
            db.prepare(`SELECT count(*) FROM ${table} WHERE ${column} = ?`).pluck().get(id) as number;
          return {
            threads: count('threads', 'id', threadId),
            events: count('events', 'thread_id', threadId),
            messages: count('messages', 'thread_id', threadId),
            attachments: count('attachments', 'thread_id', threadId),
            visitors: count('visitors', 'id', visitorId),
            visitor_tokens: count('visitor_tokens', 'visitor_id', visitorId),
            thread_erasures: count('thread_erasures', 'thread_id', threadId),
          };
        });
      },
      async auditOf(visitorId) {
        return read((db) =>
          (
            db
              .prepare(`SELECT actor, details FROM audit_log WHERE action = 'visitor.erased' AND target = ?`)
              .all(`visitor:${visitorId}`) as { actor: string; details: string }[]
          ).map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as unknown })),
        );
      },
    };
  }

  it('SIGKILL during the farewell wait: the restarted server finishes the erasure by itself', { timeout: 180_000 }, async () => {
    const { env, rowsLeft, auditOf } = await database();
    let server: ChildServer = await startChildServer(env);
    cleanups.push(() => server.kill());
    const alice = await signIn(server, 'alice@example.com', DEMO_PASSWORD);
    const visitor = await visitorWithData(server, alice.token);
    const receiver = await Receiver.start();
    cleanups.push(() => receiver.close());
    // A receiver that never answers: the erasure waits for it (up to the farewell wait) with thread_deleted committed.
    receiver.respond = (delivery) => (delivery.event?.event_type === 'thread_deleted' ? 0 : 200);
    const subscribed = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/webhooks`, {
      token: alice.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);

    const erasing = api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: alice.token }).catch(() => null);
    await waitFor('the webhook to be sent thread_deleted', () =>
      receiver.deliveries.some((delivery) => delivery.event?.event_type === 'thread_deleted'),
    );
    await server.kill();
    expect(await erasing).toBeNull();
    // Cut short: the thread's data is still in the database (with its mark).
    const cut = await rowsLeft(visitor.thread_id, visitor.visitorId);
    expect(cut.events).toBeGreaterThan(0);
    expect(cut.visitors).toBe(1);

    receiver.respond = () => 200;
    server = await startChildServer(env);
    await waitFor(
      'the restarted server to finish the erasure',
      // The marks go last, with the audit entry.
      async () => (await rowsLeft(visitor.thread_id, visitor.visitorId)).thread_erasures === 0,
      RESUME_WAIT_MS,
    );
    expect(await rowsLeft(visitor.thread_id, visitor.visitorId)).toEqual({
      threads: 0,
      events: 0,
      messages: 0,
      attachments: 0,
      visitors: 0,
      visitor_tokens: 0,
      thread_erasures: 0,
    });
    // As after an uninterrupted erasure: one audit entry, by the owner who asked.
    expect(await auditOf(visitor.visitorId)).toEqual([
      { actor: `user:${alice.user.id}`, details: { reason: 'erased_by_owner', thread_ids: [visitor.thread_id] } },
    ]);
    await expectGoneOn(server, alice.token, visitor);
  });
});
