import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { startStallingProxy, type StallingProxy } from '../../../test/support/stalling-proxy.ts';
import { testDataKey } from '../../../test/support/data-key.ts';
import type { NotificationDraft } from '../stores/notification-store.ts';
import { PostgresStorage } from './postgres-storage.ts';

/** Readers of the batch: enough that storing it takes many milliseconds, so the freeze lands while it runs. */
const READERS = 4_000;
/** Batches stored, each frozen as soon as it has written (a freeze after the last statement proves nothing). */
const ATTEMPTS = 3;
/** How often the database's view of the notifier's connection is looked at. */
const POLL_MS = 2;
/** How long a statement PostgreSQL finishes by itself may take, at most, on a busy machine. */
const SETTLE_MS = 10_000;
const LEASE_MS = 60_000;

type Backend = { state: string; wrote: boolean };

/**
 * Issue 22's rule for the notifier (CI caught it in the cluster's frozen-process test): a
 * process frozen while it stores a batch of notifications must not hold the thread's cursor
 * row, or every other process's notifier waits on it until the frozen one wakes. Here the
 * "frozen process" is a connection whose bytes stop passing (a stalling proxy) the moment
 * PostgreSQL shows it has written.
 */
describePostgres('storing notifications from a process that freezes', () => {
  let proxy: StallingProxy | undefined;
  let storage: PostgresStorage | undefined;
  let monitor: postgres.Sql | undefined;
  afterEach(async () => {
    proxy?.resume();
    await storage?.close();
    await proxy?.close();
    await monitor?.end();
  });

  it('leaves no transaction open and the cursor row free; the batch is stored whole', { timeout: 120_000 }, async () => {
    const databaseUrl = await freshDatabase();
    const url = new URL(databaseUrl);
    const database = url.pathname.slice(1);
    proxy = await startStallingProxy({ host: url.hostname, port: Number(url.port) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    // One connection: the notifier's batch is the only thing it runs.
    storage = await PostgresStorage.open(url.toString(), { dataKey: testDataKey(), poolSize: 1 });
    monitor = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const owner = await storage.users.create({
      id: 'owner',
      email: 'owner@example.com',
      name: 'Owner',
      avatarUrl: null,
      passwordHash: 'x',
    });
    await monitor`
      INSERT INTO users (id, email, name, password_hash, created_at)
      SELECT 'reader-' || n, 'reader-' || n || '@example.com', 'Reader ' || n, 'x', now() FROM generate_series(1, ${READERS}) AS n`;
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: null,
      participationMode: 'open',
      participants: [{ sender_id: `user:${owner.id}`, name: owner.name, avatar_url: null }],
      extraAudience: [],
      createdBy: `user:${owner.id}`,
      initialMessage: null,
    });
    expect(await storage.notifications.claimThread(thread.id, 'frozen', LEASE_MS)).toBe(0);
    const backends = async (): Promise<Backend[]> => [
      ...(await monitor!<Backend[]>`
        SELECT state, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity
        WHERE datname = ${database} AND pid <> pg_backend_pid() AND backend_type = 'client backend'`),
    ];

    const seen: { frozenWhileWriting: boolean; inTransaction: Backend[]; cursorLocked: boolean }[] = [];
    for (let seq = 1; seq <= ATTEMPTS; seq++) {
      const drafts: NotificationDraft[] = Array.from({ length: READERS }, (_, index) => ({
        userId: `reader-${index + 1}`,
        kind: 'message',
        threadSeq: seq,
        title: 'A thread',
        body: `message ${seq}`,
        deliveries: [{ channel: 'push', dueAt: 0 }],
      }));
      let done = false;
      // Settled to what it stored, or to the error it failed with (a failure is reported below, never unhandled).
      const stored = storage.notifications
        .record(thread.id, 'frozen', seq, LEASE_MS, drafts)
        .then(
          (created) => created?.length,
          (error: Error) => error.message,
        )
        .finally(() => {
          done = true;
        });
      // Freeze the moment the batch has written anything.
      let frozenWhileWriting = false;
      while (!done && !frozenWhileWriting) {
        if ((await backends()).some((backend) => backend.wrote)) {
          proxy.stall();
          frozenWhileWriting = true;
        } else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      // PostgreSQL finishes the statement it was running by itself.
      let settled = await backends();
      for (const start = Date.now(); settled.some((backend) => backend.state === 'active') && Date.now() - start < SETTLE_MS;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS * 10));
        settled = await backends();
      }
      // Another process's notifier, taking the thread over: is the cursor row free?
      const cursorLocked = await monitor
        .begin(async (tx) => {
          await tx`SET LOCAL lock_timeout = '200ms'`;
          await tx`SELECT 1 FROM notification_cursors WHERE thread_id = ${thread.id} FOR UPDATE`;
          return false;
        })
        .catch(() => true);
      seen.push({ frozenWhileWriting, inTransaction: settled.filter((b) => b.state.startsWith('idle in transaction')), cursorLocked });
      proxy.resume();
      expect(await stored).toBe(READERS);
    }

    expect(seen.map(({ inTransaction, cursorLocked }) => ({ inTransaction, cursorLocked }))).toEqual(
      seen.map(() => ({ inTransaction: [], cursorLocked: false })),
    );
    // The test froze mid-batch at least once (else it proved nothing).
    expect(seen.some((attempt) => attempt.frozenWhileWriting)).toBe(true);
    const [counts] = await monitor<{ notifications: number; deliveries: number; notified: number }[]>`
      SELECT (SELECT count(*)::int FROM notifications) AS notifications,
             (SELECT count(*)::int FROM notification_deliveries) AS deliveries,
             (SELECT notified_seq FROM notification_cursors WHERE thread_id = ${thread.id}) AS notified`;
    expect(counts).toEqual({ notifications: READERS * ATTEMPTS, deliveries: READERS * ATTEMPTS, notified: ATTEMPTS });
  });
});
