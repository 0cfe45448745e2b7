import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { storageContract } from '../storage-contract.ts';
import { PostgresStorage } from './postgres-storage.ts';

describePostgres('PostgresStorage', () => {
  storageContract('PostgreSQL', async () => {
    const url = await freshDatabase();
    return { storage: await PostgresStorage.open(url), reopen: () => PostgresStorage.open(url) };
  });
});
