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
 * while another claims an overlapping batch. Claims lock the lease rows in user order; a release
 * locked them in the order it scanned the table, so each could hold a row the other waited for.
 * PostgreSQL then cancelled one (`deadlock detected`), and the released users' leases stayed
 * held until they ran out: their pushes stopped for that long (seen in `bench:notify`).
 */
describePostgres('releasing delivery leases on PostgreSQL while another statement locks them', () => {
  let storage: PostgresStorage | undefined;
  let other: postgres.Sql | undefined;
  let watcher: postgres.Sql | undefined;
  afterEach(async () => {
    await other?.end({ timeout: 1 });
    await watcher?.end({ timeout: 1 });
    await storage?.close();
  });

  it('locks the rows in user order, as a claim does: no deadlock, every lease released', { timeout: 60_000 }, async () => {
    const databaseUrl = await freshDatabase();
    storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    other = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const store = storage.notifications;
    // Zed's row first in the table, Amy's after it: a scan meets Zed first, user order Amy first.
    expect(await store.claimUsers(['zed'], 'releaser', LEASE_MS)).toEqual(['zed']);
    expect(await store.claimUsers(['amy'], 'releaser', LEASE_MS)).toEqual(['amy']);

    // Another statement holds Amy's row (as a claim of [amy, zed] does once it has taken Amy's).
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let tookAmy!: () => void;
    const amyTaken = new Promise<void>((resolve) => (tookAmy = resolve));
    let zedLock: 'granted' | Error | undefined;
    const holding = other.begin(async (tx) => {
      await tx`SELECT user_id FROM notification_delivery_leases WHERE user_id = 'amy' FOR UPDATE`;
      tookAmy();
      await finished;
      // Then it wants Zed's, as that claim's next row.
      try {
        await tx`SET LOCAL lock_timeout = '5s'`;
        await tx`SELECT user_id FROM notification_delivery_leases WHERE user_id = 'zed' FOR UPDATE`;
        zedLock = 'granted';
      } catch (error) {
        zedLock = error as Error;
      }
    });
    await amyTaken;

    const released = store.releaseUsers(['amy', 'zed'], 'releaser').then(
      () => 'released' as const,
      (error: unknown) => error as Error,
    );
    // The release waits for Amy's row (holding Zed's, before the fix).
    const deadline = Date.now() + BLOCKED_WAIT_MS;
    for (;;) {
      const [waiting] = await watcher<{ count: number }[]>`
        SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE '%notification_delivery_leases%' AND pid <> pg_backend_pid()`;
      if (waiting!.count > 0) break;
      if (Date.now() > deadline) throw new Error('the release never waited for the held row');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    finish();
    await holding;

    expect(zedLock).toBe('granted');
    expect(await released).toBe('released');
    const rows = await watcher<{ user_id: string; lease_owner: string | null }[]>`
      SELECT user_id, lease_owner FROM notification_delivery_leases ORDER BY user_id`;
    expect(rows).toEqual([
      { user_id: 'amy', lease_owner: null },
      { user_id: 'zed', lease_owner: null },
    ]);
    // Free again: another process claims both at once.
    expect(await store.claimUsers(['zed', 'amy'], 'next', LEASE_MS)).toEqual(['zed', 'amy']);
  });
});
