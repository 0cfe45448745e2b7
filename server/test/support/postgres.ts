import { describe, inject } from 'vitest';
import { createDatabase } from '../../src/dev/postgres-instance.ts';
import './postgres-context.ts';

/** The run's PostgreSQL server (postgres-global-setup.ts), or null when it is not installed. */
export const postgresUrl = inject('postgresUrl');

/** `describe` for suites that need PostgreSQL: skipped only when it is not installed outside CI (the setup said so loudly). */
export const describePostgres = describe.runIf(postgresUrl !== null);

/** A new empty database on the run's server, for one test. */
export function freshDatabase(): Promise<string> {
  if (postgresUrl === null) throw new Error('PostgreSQL is not available in this run.');
  return createDatabase(postgresUrl);
}
