/**
 * `npm run bench:storage` — committed messages per second straight through
 * `Storage.commitMessage` (no HTTP), 50 concurrent callers, SQLite next to PostgreSQL on
 * this machine. Each caller awaits its commit before sending the next, like a client
 * waiting for its 201. Prints one table; not a test: nothing here asserts.
 *
 * PostgreSQL runs as a throwaway local server with its durability settings ON (fsync,
 * full_page_writes), once with synchronous_commit on (every commit waits for its WAL
 * flush) and once off (comparable to SQLite's WAL + synchronous=NORMAL, which is the
 * embedded default: a crash of the machine may lose the last commits, never corrupt).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import type { SenderId } from '../../src/core/protocol/model.ts';
import { benchWriter, commitLoad } from './commit-load.ts';
import { median, printTable } from './spawn-server.ts';

const CALLERS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** CALLERS loops of commitMessage for SECONDS into the writer's threads; messages/s. */
async function round(storage: Storage, writer: { senderId: SenderId; threadIds: string[] }): Promise<number> {
  const { committed, seconds } = await commitLoad(storage, writer, {
    callers: CALLERS,
    seconds: SECONDS,
    content: (caller) => `bench ${caller}`,
  });
  return committed / seconds;
}

/** Median messages/s into one shared thread and into one thread per caller. */
async function measure(storage: Storage): Promise<{ oneThread: number; manyThreads: number }> {
  const one = await benchWriter(storage, 1);
  const many = await benchWriter(storage, CALLERS);
  await round(storage, one); // warm-up (JIT, prepared statements)
  const oneThread: number[] = [];
  const manyThreads: number[] = [];
  for (let index = 0; index < ROUNDS; index++) {
    oneThread.push(await round(storage, one));
    manyThreads.push(await round(storage, many));
  }
  return { oneThread: median(oneThread), manyThreads: median(manyThreads) };
}

async function main() {
  const rows: string[][] = [];
  const add = (name: string, result: { oneThread: number; manyThreads: number }) => {
    rows.push([name, Math.round(result.oneThread).toLocaleString('en'), Math.round(result.manyThreads).toLocaleString('en')]);
    console.log(`${name}: done`);
  };

  const dir = mkdtempSync(join(tmpdir(), 'ama2-storage-bench-'));
  const sqlite = new SqliteStorage(join(dir, 'bench.sqlite'));
  add('SQLite (WAL, synchronous=NORMAL)', await measure(sqlite));
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });

  for (const synchronousCommit of ['on', 'off']) {
    const instance = await startPostgres({ settings: { fsync: 'on', full_page_writes: 'on', synchronous_commit: synchronousCommit } });
    try {
      for (const lanes of [1, 4]) {
        const storage = await PostgresStorage.open(await instance.createDatabase(), { writeLanes: lanes, dataKey: randomBytes(32) });
        add(`PostgreSQL (synchronous_commit=${synchronousCommit}, ${lanes} write lane${lanes > 1 ? 's' : ''})`, await measure(storage));
        await storage.close();
      }
    } finally {
      await instance.stop();
    }
  }

  console.log(`\ncommitMessage, ${CALLERS} concurrent callers, median of ${ROUNDS} rounds of ${SECONDS} s (messages/s):\n`);
  printTable(['storage', 'one thread', `${CALLERS} threads`], rows);
}

void main();
