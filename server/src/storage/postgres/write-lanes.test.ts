import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { WriteLanes } from './write-lanes.ts';

/** A database with one table, lanes on it, and a separate connection that sees only what is committed. */
async function setup(laneCount = 1) {
  const url = await freshDatabase();
  const reader = postgres(url, { max: 1, onnotice: () => {} });
  await reader`CREATE TABLE items (n serial PRIMARY KEY, label text NOT NULL UNIQUE)`;
  const lanes = new WriteLanes(url, laneCount, { onnotice: () => {} });
  const committed = async () => (await reader<{ label: string }[]>`SELECT label FROM items ORDER BY n`).map((row) => row.label);
  const add = (label: string) =>
    lanes.run('thread-1', async (tx) => {
      const [row] = await tx<
        { n: number; txid: string }[]
      >`INSERT INTO items (label) VALUES (${label}) RETURNING n, txid_current() AS txid`;
      return row!;
    });
  return {
    lanes,
    add,
    committed,
    async close() {
      await lanes.close();
      await reader.end();
    },
  };
}

describePostgres('WriteLanes', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  it('commits the writes queued together in one transaction, in call order', async () => {
    const s = await setup();
    cleanup = s.close;
    const rows = await Promise.all(['a', 'b', 'c', 'd'].map((label) => s.add(label)));
    expect(rows.map((row) => row.n)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.map((row) => row.txid)).size).toBe(1);
    expect(await s.committed()).toEqual(['a', 'b', 'c', 'd']);
    // A later write is a new group.
    expect((await s.add('e')).txid).not.toBe(rows[0]!.txid);
  });

  it('fails a failing write alone: the others commit, and its caller hears only after they did', async () => {
    const s = await setup();
    cleanup = s.close;
    await s.add('taken');
    const seenAtRejection: string[][] = [];
    const outcomes = await Promise.allSettled([
      s.add('one'),
      s.add('taken').catch(async (error: unknown) => {
        seenAtRejection.push(await s.committed());
        throw error;
      }),
      s.lanes.run('thread-1', () => Promise.reject(new Error('refused in words'))),
      s.add('two'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505', constraint_name: 'items_label_key' });
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error('refused in words'));
    expect(seenAtRejection).toEqual([['taken', 'one', 'two']]);
    expect(await s.committed()).toEqual(['taken', 'one', 'two']);
  });

  it('commits what is queued when closed', async () => {
    const s = await setup(3);
    cleanup = s.close;
    const queued = Promise.all(['x', 'y'].map((label) => s.add(label)));
    await s.lanes.close();
    await expect(queued).resolves.toHaveLength(2);
    expect(await s.committed()).toEqual(['x', 'y']);
  });
});
