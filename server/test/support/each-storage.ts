import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { freshDatabase, postgresUrl } from './postgres.ts';

/** Settings that put a test server on one storage (merged into `startTestServer`'s env). */
export type StorageEnv = () => Promise<NodeJS.ProcessEnv>;

interface StorageVariant {
  name: string;
  available: boolean;
  env: StorageEnv;
}

/** The two storages of the server: SQLite always, PostgreSQL when the run has it (always in CI). */
const STORAGES: StorageVariant[] = [
  { name: 'SQLite', available: true, env: async () => ({}) },
  {
    name: 'PostgreSQL',
    available: postgresUrl !== null,
    // A fresh database each time, seeded with the demo users the tests sign in as.
    env: async () => ({ DATABASE_URL: await freshDatabase(), DEMO_DATA: 'true' }),
  },
];

/**
 * PostgreSQL with attachments' files in a shared folder (`ATTACHMENTS_DIR` set): only the
 * suites that store or delete files run on it too; nothing else touches them.
 */
const SHARED_FOLDER: StorageVariant = {
  name: 'PostgreSQL, files in a shared folder',
  available: postgresUrl !== null,
  env: async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ama2-shared-attachments-'));
    sharedFolders.push(folder);
    return { DATABASE_URL: await freshDatabase(), DEMO_DATA: 'true', ATTACHMENTS_DIR: folder };
  },
};
/** The shared folders the suites of this file made, removed after them. */
const sharedFolders: string[] = [];

/**
 * Declares the suite `rules` once per storage, as `<name> (SQLite)` and `<name> (PostgreSQL)`:
 * a rule of the contract holds on both or it does not hold. `rules` starts its servers with
 * `startTestServer({ ...(await storageEnv()), … })`.
 */
export function describeEachStorage(name: string, rules: (storageEnv: StorageEnv) => void): void {
  for (const storage of STORAGES) describe.runIf(storage.available)(`${name} (${storage.name})`, () => rules(storage.env));
}

/** {@link describeEachStorage} for the suites that store or delete files: a third time on PostgreSQL with the files in a shared folder. */
export function describeEachFileStorage(name: string, rules: (storageEnv: StorageEnv) => void): void {
  for (const storage of [...STORAGES, SHARED_FOLDER])
    describe.runIf(storage.available)(`${name} (${storage.name})`, () => {
      // Registered first, so it runs after the suite's own hooks (they stop its servers).
      if (storage === SHARED_FOLDER)
        afterAll(async () => {
          await Promise.all(sharedFolders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
        });
      rules(storage.env);
    });
}
