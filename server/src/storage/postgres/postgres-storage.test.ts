import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { storageContract } from '../storage-contract.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { testDataKey } from '../../../test/support/data-key.ts';

describePostgres('PostgresStorage', () => {
  storageContract('PostgreSQL', async () => {
    const url = await freshDatabase();
    return {
      storage: await PostgresStorage.open(url, { dataKey: testDataKey() }),
      reopen: () => PostgresStorage.open(url, { dataKey: testDataKey() }),
    };
  });
});
