import { describe } from 'vitest';
import { freshDatabase, postgresUrl } from './postgres.ts';

/** Settings that put a test server on one storage (merged into `startTestServer`'s env). */
export type StorageEnv = () => Promise<NodeJS.ProcessEnv>;

/** The two storages of the server: SQLite always, PostgreSQL when the run has it (always in CI). */
const STORAGES: { name: string; available: boolean; env: StorageEnv }[] = [
  { name: 'SQLite', available: true, env: async () => ({}) },
  {
    name: 'PostgreSQL',
    available: postgresUrl !== null,
    // A fresh database each time, seeded with the demo users the tests sign in as.
    env: async () => ({ DATABASE_URL: await freshDatabase(), DEMO_DATA: 'true' }),
  },
];

/**
 * Declares the suite `rules` once per storage, as `<name> (SQLite)` and `<name> (PostgreSQL)`:
 * a rule of the contract holds on both or it does not hold. `rules` starts its servers with
 * `startTestServer({ ...(await storageEnv()), … })`.
 */
export function describeEachStorage(name: string, rules: (storageEnv: StorageEnv) => void): void {
  for (const storage of STORAGES) describe.runIf(storage.available)(`${name} (${storage.name})`, () => rules(storage.env));
}
