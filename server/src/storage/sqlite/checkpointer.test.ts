import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.ts';

describe('Checkpointer', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('copies what the writer committed into the database file while the writer keeps its connection open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-checkpointer-'));
    const path = join(dir, 'db.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // No in-line checkpoint: whatever reaches the file is the worker's doing.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE items (label TEXT NOT NULL)');
    const errors: string[] = [];
    const checkpointer = new Checkpointer(path, (message) => errors.push(message), 10);
    cleanup = () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const insert = db.prepare('INSERT INTO items (label) VALUES (?)');
    db.transaction(() => ['a', 'b', 'c'].forEach((label) => insert.run(label)))();

    // The database file alone (no WAL beside it) holds the rows once the worker has run.
    const labelsInFileAlone = () => {
      const copy = join(dir, `copy-${Math.random()}.sqlite`);
      copyFileSync(path, copy);
      expect(existsSync(`${copy}-wal`)).toBe(false);
      const reader = new Database(copy, { readonly: true });
      try {
        return (reader.prepare('SELECT label FROM items').all() as { label: string }[]).map((row) => row.label);
      } catch {
        return []; // the table itself is not in the file yet
      } finally {
        reader.close();
      }
    };
    await expect.poll(labelsInFileAlone, { timeout: 5_000, interval: 20 }).toEqual(['a', 'b', 'c']);
    await checkpointer.stop();
    // The writer goes on after the worker has stopped.
    insert.run('d');
    expect((db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n).toBe(4);
    expect(errors).toEqual([]);
  });
});
