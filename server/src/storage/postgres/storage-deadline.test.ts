import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { startStallingProxy, type StallingProxy } from '../../../test/support/stalling-proxy.ts';
import { testDataKey } from '../../../test/support/data-key.ts';
import { StorageUnavailableError } from '../storage-unavailable.ts';
import { PostgresStorage, STORAGE_DEADLINES } from './postgres-storage.ts';

/** Connections of the pool: as many as the calls made while the database stalls. */
const POOL_SIZE = 3;
/** Long enough for the stall deadline to pass on a busy machine, short of vitest's patience. */
const DEADLINE_TEST_TIMEOUT_MS = STORAGE_DEADLINES.calls.stallMs * 10;

describePostgres('PostgresStorage on a database that stopped answering', () => {
  let proxy: StallingProxy | undefined;
  let storage: PostgresStorage | undefined;
  afterEach(async () => {
    // The database answers again: the calls still in flight finish, and the storage closes.
    proxy?.resume();
    await storage?.close();
    await proxy?.close();
  });

  it(
    'fails a call through a store (storage.threads.get, storage.users.get) with the deadline error, as the root calls',
    async () => {
      const url = new URL(await freshDatabase());
      proxy = await startStallingProxy({ host: url.hostname, port: Number(url.port) });
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      storage = await PostgresStorage.open(url.toString(), { dataKey: testDataKey(), poolSize: POOL_SIZE });
      const user = await storage.users.create({ id: 'u1', email: 'u1@example.com', name: 'U1', avatarUrl: null, passwordHash: 'x' });
      const { thread } = await storage.threads.create({
        kind: 'private',
        title: null,
        participationMode: 'open',
        participants: [{ sender_id: `user:${user.id}`, name: user.name, avatar_url: null }],
        extraAudience: [],
        createdBy: `user:${user.id}`,
        initialMessage: null,
      });
      // Every pooled connection is open before the stall: the calls below wait on a query sent, not on a connection attempt.
      const warm = await Promise.all(Array.from({ length: POOL_SIZE * 2 }, () => storage!.threads.get(thread.id)));
      expect(warm.map((record) => record?.id)).toEqual(Array(POOL_SIZE * 2).fill(thread.id));

      proxy.stall();
      const [threadCall, userCall, ping] = await Promise.allSettled([
        storage.threads.get(thread.id),
        storage.users.get(user.id),
        storage.ping(),
      ]);
      for (const [outcome, name] of [
        [threadCall, 'threads.get'],
        [userCall, 'users.get'],
        [ping, 'ping'],
      ] as const) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(StorageUnavailableError);
        expect(reason.message).toBe(`The database did not answer ${name} in time.`);
      }
    },
    DEADLINE_TEST_TIMEOUT_MS,
  );
});
