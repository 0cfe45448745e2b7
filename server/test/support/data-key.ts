import { randomBytes } from 'node:crypto';

/**
 * One data encryption key for this test run (DATA_ENCRYPTION_KEY): every server process,
 * child process and storage object a test opens on one PostgreSQL database must share it.
 */
export const TEST_DATA_KEY = randomBytes(32).toString('base64');

/** {@link TEST_DATA_KEY} as the bytes `PostgresStorage.open` takes. */
export const testDataKey = (): Buffer => Buffer.from(TEST_DATA_KEY, 'base64');

/**
 * PostgreSQL needs a data encryption key from the environment: a test that names a database
 * and no key gets the run's, which the other processes it starts on that database share.
 * SQLite test servers keep the default, a key file beside their database.
 */
export function withDataKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keyed = env.DATA_ENCRYPTION_KEY !== undefined || env.DATA_ENCRYPTION_KEY_FILE !== undefined;
  return env.DATABASE_URL && !keyed ? { ...env, DATA_ENCRYPTION_KEY: TEST_DATA_KEY } : env;
}
