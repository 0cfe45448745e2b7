import { expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../test/support/postgres.ts';
import { PostgresStorage } from './postgres/postgres-storage.ts';
import { DEMO_USERS, seedDemoData } from './seed-demo-data.ts';
import { testDataKey } from '../../test/support/data-key.ts';

describePostgres('seedDemoData', () => {
  it('seeds an empty database once when several processes start on it together', async () => {
    const url = await freshDatabase();
    const processes = await Promise.all([1, 2, 3].map(() => PostgresStorage.open(url, { dataKey: testDataKey() })));
    try {
      const seeded = await Promise.all(processes.map((storage) => seedDemoData(storage)));
      expect(seeded.filter(Boolean)).toHaveLength(1);
      const [first] = processes;
      expect((await first!.users.list()).map((user) => user.email).sort()).toEqual(DEMO_USERS.map((user) => user.email).sort());
      expect(await first!.agents.list()).toHaveLength(1);
      expect(await first!.threads.userThreadIds((await first!.users.byEmail(DEMO_USERS[0].email))!.id)).toHaveLength(1);
    } finally {
      await Promise.all(processes.map((storage) => storage.close()));
    }
  });
});
