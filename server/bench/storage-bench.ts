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
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { median, printTable } from './spawn-server.ts';

const CALLERS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs CALLERS loops of commitMessage for SECONDS into `threadIds` (caller i uses thread i mod n); messages/s. */
async function round(storage: Storage, senderId: string, threadIds: string[]): Promise<number> {
  let committed = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      const threadId = threadIds[caller % threadIds.length]!;
      while (performance.now() < deadline) {
        const result = await storage.log.commitMessage({
          threadId,
          senderId,
          role: 'user',
          content: `bench ${caller}`,
          clientMessageId: randomUUID(),
          mentions: [],
          baseSeq: null,
          latestSeenSeq: null,
        });
        if (result.status === 'created') committed++;
      }
    }),
  );
  return committed / ((performance.now() - started) / 1000);
}

/** Median messages/s into one shared thread and into one thread per caller. */
async function measure(storage: Storage): Promise<{ oneThread: number; manyThreads: number }> {
  const userId = randomUUID();
  await storage.users.create({ id: userId, email: `${userId}@example.com`, name: 'Bench', avatarUrl: null, passwordHash: 'x' });
  const newThread = async () =>
    (
      await storage.threads.create({
        kind: 'private',
        title: 'bench',
        participationMode: 'open',
        participants: [{ sender_id: `user:${userId}`, name: 'Bench', avatar_url: null }],
        extraAudience: [],
        createdBy: `user:${userId}`,
        initialMessage: null,
      })
    ).thread.id;
  const one = [await newThread()];
  const many = await Promise.all(Array.from({ length: CALLERS }, newThread));
  await round(storage, `user:${userId}`, one); // warm-up (JIT, prepared statements)
  const oneThread: number[] = [];
  const manyThreads: number[] = [];
  for (let index = 0; index < ROUNDS; index++) {
    oneThread.push(await round(storage, `user:${userId}`, one));
    manyThreads.push(await round(storage, `user:${userId}`, many));
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
