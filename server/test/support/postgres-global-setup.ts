import type { TestProject } from 'vitest/node';
import { findPostgresBin, startPostgres } from '../../src/dev/postgres-instance.ts';
import './postgres-context.ts';

import './postgres-context.ts';

/**
 * One throwaway PostgreSQL server per test run (tests isolate themselves with a database
 * each: see postgres.ts). Without the binaries the PostgreSQL suites are skipped with one
 * loud message, except in CI, where that is a failure.
 */
export default async function setup(project: TestProject) {
  const binDir = findPostgresBin();
  if (!binDir) {
    const message =
      `PostgreSQL is not installed (no postgres in ${process.env.PG_BIN ? `PG_BIN=${process.env.PG_BIN}` : '/usr/lib/postgresql/<version>/bin'}): ` +
      'install Debian\'s "postgresql" package to run the PostgreSQL suites.';
    if (process.env.CI) throw new Error(`${message} CI must run them.`);
    console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING the PostgreSQL suites. ${message}\n${'!'.repeat(100)}\n`);
    project.provide('postgresUrl', null);
    return;
  }
  const instance = await startPostgres({ binDir });
  project.provide('postgresUrl', instance.url);
  return () => instance.stop();
}
