import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { testDataKey } from '../../../test/support/data-key.ts';
import { PostgresStorage } from './postgres-storage.ts';

const LEASE_MS = 60_000;
/** How long the test waits for a statement to block on a row lock, at most. */
const BLOCKED_WAIT_MS = 10_000;

/**
 * Issue 18's busy thread across processes: one process releases the leases of a batch of users
 * while another claims an overlapping batch, or two mark overlapping push subscriptions used.
 * Claims lock their rows in key order; a release (and the mark) locked them in the order it
 * scanned the table, so each could hold a row the other waited for. PostgreSQL then cancelled
 * one (`deadlock detected`), and the released users' leases stayed held until they ran out:
 * their pushes stopped for that long (seen in `bench:notify`).
 */
describePostgres('multi-row writes of the delivery path lock their rows in key order', () => {
  let storage: PostgresStorage | undefined;
  let other: postgres.Sql | undefined;
  let watcher: postgres.Sql | undefined;
  afterEach(async () => {
    await other?.end({ timeout: 1 });
    await watcher?.end({ timeout: 1 });
    await storage?.close();
  });

  async function open(): Promise<PostgresStorage> {
    const databaseUrl = await freshDatabase();
    storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    other = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    return storage;
  }

  /**
   * Another transaction holds the row keyed `first` (as a claim in key order does once it has
   * taken it) while `write` runs; once `write` waits for that row, the transaction asks for
   * `second`'s, which comes after it in key order and before it in the table. A write that took
   * `second`'s row before waiting for `first`'s deadlocks here.
   */
  async function meetInOrder(table: string, key: string, [first, second]: [string, string], write: () => Promise<unknown>) {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let tookFirst!: () => void;
    const firstTaken = new Promise<void>((resolve) => (tookFirst = resolve));
    let secondLock: 'granted' | Error | undefined;
    const holding = other!.begin(async (tx) => {
      await tx`SELECT 1 FROM ${tx(table)} WHERE ${tx(key)} = ${first} FOR UPDATE`;
      tookFirst();
      await finished;
      try {
        await tx`SET LOCAL lock_timeout = '5s'`;
        await tx`SELECT 1 FROM ${tx(table)} WHERE ${tx(key)} = ${second} FOR UPDATE`;
        secondLock = 'granted';
      } catch (error) {
        secondLock = error as Error;
      }
    });
    await firstTaken;
    const written = write().then(
      () => 'written' as const,
      (error: unknown) => error as Error,
    );
    const deadline = Date.now() + BLOCKED_WAIT_MS;
    for (;;) {
      const [waiting] = await watcher!<{ count: number }[]>`
        SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE ${`%${table}%`} AND pid <> pg_backend_pid()`;
      if (waiting!.count > 0) break;
      if (Date.now() > deadline) throw new Error('the write never waited for the held row');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    finish();
    await holding;
    return { secondLock, written: await written };
  }

  it('a release of delivery leases: no deadlock, every lease released', { timeout: 60_000 }, async () => {
    const store = (await open()).notifications;
    // Zed's row first in the table, Amy's after it: a scan meets Zed first, user order Amy first.
    expect(await store.claimUsers(['zed'], 'releaser', LEASE_MS)).toEqual(['zed']);
    expect(await store.claimUsers(['amy'], 'releaser', LEASE_MS)).toEqual(['amy']);

    const met = await meetInOrder('notification_delivery_leases', 'user_id', ['amy', 'zed'], () =>
      store.releaseUsers(['amy', 'zed'], 'releaser'),
    );
    expect(met).toEqual({ secondLock: 'granted', written: 'written' });
    const rows = await watcher!`SELECT user_id, lease_owner FROM notification_delivery_leases ORDER BY user_id`;
    expect(rows).toEqual([
      { user_id: 'amy', lease_owner: null },
      { user_id: 'zed', lease_owner: null },
    ]);
    // Free again: another process claims both at once.
    expect(await store.claimUsers(['zed', 'amy'], 'next', LEASE_MS)).toEqual(['zed', 'amy']);
  });

  it('marking push subscriptions used: no deadlock, both marked', { timeout: 60_000 }, async () => {
    const storage = await open();
    await storage.users.create({ id: 'amy', email: 'amy@example.com', name: 'Amy', avatarUrl: null, passwordHash: 'x' });
    // The subscription keyed "sub-z" first in the table, "sub-a" after it.
    for (const id of ['sub-z', 'sub-a']) {
      await watcher!`
        INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at)
        VALUES (${id}, 'amy', ${`https://push.example/${id}`}, 'key', 'auth', now())`;
    }
    const at = '2026-12-07T12:00:00.000Z';
    const met = await meetInOrder('push_subscriptions', 'id', ['sub-a', 'sub-z'], () => storage.push.touchMany(['sub-z', 'sub-a'], at));
    expect(met).toEqual({ secondLock: 'granted', written: 'written' });
    const rows = await watcher!<{ id: string; used: boolean }[]>`
      SELECT id, last_used_at = ${at}::timestamptz AS used FROM push_subscriptions ORDER BY id`;
    expect(rows).toEqual([
      { id: 'sub-a', used: true },
      { id: 'sub-z', used: true },
    ]);
  });
});
