import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { sendRecheckContract } from '../send-recheck-contract.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { testDataKey } from '../../../test/support/data-key.ts';

sendRecheckContract('PostgreSQL', describePostgres, async () => PostgresStorage.open(await freshDatabase(), { dataKey: testDataKey() }));
