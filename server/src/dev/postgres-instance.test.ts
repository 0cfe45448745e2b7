import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { describePostgres } from '../../test/support/postgres.ts';
import { findPostgresBin, startPostgres } from './postgres-instance.ts';

it('finds no binaries in a PG_BIN without postgres', () => {
  expect(findPostgresBin({ PG_BIN: '/nonexistent-pg-bin' })).toBeUndefined();
});

describePostgres('startPostgres', () => {
  it('starts a server that needs its password over TCP, gives empty databases, and removes its directory on stop', async () => {
    const instance = await startPostgres({ password: 'pa ss/word' });
    try {
      const url = await instance.createDatabase('harness_check');
      expect(url).toBe(instance.databaseUrl('harness_check'));
      const sql = postgres(url, { max: 1 });
      const [row] = await sql`SELECT current_database() AS db, current_setting('fsync') AS fsync, count(*)::int AS tables
                              FROM information_schema.tables WHERE table_schema = 'public'`;
      await sql.end();
      expect(row).toEqual({ db: 'harness_check', fsync: 'off', tables: 0 });
      const wrong = postgres(url.replace(encodeURIComponent('pa ss/word'), 'wrong'), { max: 1, connect_timeout: 5 });
      await expect(wrong`SELECT 1`).rejects.toMatchObject({ code: '28P01' });
      await wrong.end();
    } finally {
      await instance.stop();
    }
    expect(existsSync(instance.baseDir)).toBe(false);
  });
});
