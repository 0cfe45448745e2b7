import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from './sqlite-storage.ts';
import { storageContract } from '../storage-contract.ts';

storageContract('SQLite file', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'ama2-storage-')), 'db.sqlite');
  return { storage: new SqliteStorage(path), reopen: async () => new SqliteStorage(path) };
});

storageContract('SQLite in memory', async () => ({ storage: new SqliteStorage(':memory:') }));
