import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupedWriter } from './grouped-writer.ts';

/** A WAL file with one table, a writer on it, and a second connection that sees only what is committed. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-grouped-writer-'));
  const db = new Database(join(dir, 'db.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (n INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL UNIQUE)');
  const reader = new Database(join(dir, 'db.sqlite'), { readonly: true });
  const insert = db.prepare('INSERT INTO items (label) VALUES (?) RETURNING n');
  const add = (label: string) => (insert.get(label) as { n: number }).n;
  const committed = () => (reader.prepare('SELECT label FROM items ORDER BY n').all() as { label: string }[]).map((row) => row.label);
  const cleanup = () => {
    reader.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, reader, writer: new GroupedWriter(db), add, committed, cleanup };
}

describe('GroupedWriter', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('runs the writes of one turn in queue order, in one transaction', async () => {
    const s = setup();
    cleanup = s.cleanup;
    const seenByReader: string[][] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((label) =>
        s.writer.run(() => {
          // Nothing of this group is visible to another connection before the shared COMMIT.
          seenByReader.push(s.committed());
          return [s.add(label), s.db.inTransaction] as const;
        }),
      ),
    );
    expect(results).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(seenByReader).toEqual([[], [], []]);
    expect(s.committed()).toEqual(['a', 'b', 'c']);
  });

  it('resolves callers only after the commit, and starts a new group for writes queued later', async () => {
    const s = setup();
    cleanup = s.cleanup;
    await s.writer.run(() => s.add('first'));
    expect(s.committed()).toEqual(['first']);
    const seen = await s.writer.run(() => {
      const before = s.committed();
      s.add('second');
      return before;
    });
    expect(seen).toEqual(['first']);
    expect(s.committed()).toEqual(['first', 'second']);
  });

  it('rolls back a failing write alone: its own changes go, the writes beside it commit', async () => {
    const s = setup();
    cleanup = s.cleanup;
    const outcomes = await Promise.allSettled([
      s.writer.run(() => s.add('kept-1')),
      s.writer.run(() => {
        s.add('undone');
        s.add('kept-1'); // violates UNIQUE after a successful insert of its own
      }),
      s.writer.run(() => {
        throw new Error('refused in words');
      }),
      s.writer.run(() => s.add('kept-2')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error('refused in words'));
    expect(s.committed()).toEqual(['kept-1', 'kept-2']);
    // The group ran again after the failure: each caller gets what its committed run returned.
    const committedN = (label: string) => (s.reader.prepare('SELECT n FROM items WHERE label = ?').get(label) as { n: number }).n;
    expect((outcomes[0] as PromiseFulfilledResult<number>).value).toBe(committedN('kept-1'));
    expect((outcomes[3] as PromiseFulfilledResult<number>).value).toBe(committedN('kept-2'));
  });

  it('commits a group whose writes all succeed with no trace of a failed attempt', async () => {
    const s = setup();
    cleanup = s.cleanup;
    const failing = s.writer.run(() => {
      s.add('gone');
      throw new Error('no');
    });
    const kept = s.writer.run(() => s.add('kept'));
    await expect(failing).rejects.toThrow('no');
    await expect(kept).resolves.toBe(1);
    // The next group takes the fast path again, with nothing left over from the rolled-back one.
    const next = await Promise.all([s.writer.run(() => s.add('next-1')), s.writer.run(() => s.add('next-2'))]);
    expect(next).toEqual([2, 3]);
    expect(s.committed()).toEqual(['kept', 'next-1', 'next-2']);
  });

  it('commits queued writes on flush (close), and rejects writes once the database is closed', async () => {
    const s = setup();
    cleanup = s.cleanup;
    const queued = s.writer.run(() => s.add('queued'));
    s.writer.flush();
    expect(s.committed()).toEqual(['queued']);
    await expect(queued).resolves.toBe(1);
    s.db.close();
    await expect(s.writer.run(() => s.add('late'))).rejects.toThrow('The database is closed.');
  });
});
