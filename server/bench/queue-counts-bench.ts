/**
 * `npm run bench:queues` — the queue counts (`GET /chat/threads/counts`, CONTRACT §11) and the
 * first page of the waiting queue, for a user who reads THREADS threads, straight through
 * storage (no HTTP), on SQLite and PostgreSQL. The threads are bulk-inserted with a spread of
 * statuses and assignees. Prints one table of p50/p95 in ms; the budget is counts p95 ≤ 20 ms
 * with 100,000 threads. Not a test: nothing here asserts.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { percentile, printTable } from './spawn-server.ts';

const THREADS = Number(process.env.BENCH_THREADS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
/** Of every 100 threads: this many waiting, snoozed, open; the rest resolved (an inbox's usual shape). */
const SPREAD = { waiting: 3, snoozed: 2, open: 15 };

/** The status and assignee of the i-th thread. */
function ownershipOf(i: number, userId: string, otherId: string): { status: string; assignee: string | null; waitingSince: string | null } {
  const slot = i % 100;
  const status =
    slot < SPREAD.waiting
      ? 'waiting'
      : slot < SPREAD.waiting + SPREAD.snoozed
        ? 'snoozed'
        : slot < SPREAD.waiting + SPREAD.snoozed + SPREAD.open
          ? 'open'
          : 'resolved';
  const assignee = i % 3 === 0 ? null : i % 3 === 1 ? userId : otherId;
  return { status, assignee, waitingSince: status === 'waiting' ? new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() : null };
}

async function createUsers(storage: Storage): Promise<[string, string]> {
  const ids: string[] = [];
  for (const name of ['Bench', 'Other']) {
    const id = randomUUID();
    await storage.users.create({ id, email: `${id}@example.com`, name, avatarUrl: null, passwordHash: 'x' });
    ids.push(id);
  }
  return ids as [string, string];
}

async function fillSqlite(path: string, userId: string, otherId: string): Promise<void> {
  const db = new Database(path);
  const at = new Date().toISOString();
  const thread = db.prepare(
    `INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at, status, assignee_id, waiting_since)
     VALUES (?, 'private', 'bench', 'open', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const access = db.prepare('INSERT INTO thread_access (user_id, thread_id, status, assignee_id, waiting_since) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < THREADS; i++) {
      const id = randomUUID();
      const { status, assignee, waitingSince } = ownershipOf(i, userId, otherId);
      thread.run(id, `user:${userId}`, at, at, at, status, assignee, waitingSince);
      access.run(userId, id, status, assignee, waitingSince);
    }
  })();
  db.pragma('optimize');
  db.close();
}

async function fillPostgres(url: string, userId: string, otherId: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = Array.from({ length: THREADS }, (_, i) => ({ id: randomUUID(), ...ownershipOf(i, userId, otherId) }));
    for (let start = 0; start < rows.length; start += 5_000) {
      const chunk = rows.slice(start, start + 5_000);
      const ids = chunk.map((row) => row.id);
      const statuses = chunk.map((row) => row.status);
      const assignees = chunk.map((row) => row.assignee);
      const since = chunk.map((row) => row.waitingSince);
      await sql`
        INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at, status, assignee_id, waiting_since)
        SELECT t.id, 'private', 'bench', 'open', ${`user:${userId}`}, now(), now(), now(), t.status, t.assignee, t.since
        FROM unnest(${ids}::text[], ${statuses}::text[], ${assignees}::text[], ${since}::timestamptz[]) AS t(id, status, assignee, since)`;
      await sql`
        INSERT INTO thread_access (user_id, thread_id, status, assignee_id, waiting_since)
        SELECT ${userId}, t.id, t.status, t.assignee, t.since
        FROM unnest(${ids}::text[], ${statuses}::text[], ${assignees}::text[], ${since}::timestamptz[]) AS t(id, status, assignee, since)`;
    }
    // As autovacuum would soon: statistics, and the visibility map index-only scans rely on.
    await sql`VACUUM ANALYZE threads`;
    await sql`VACUUM ANALYZE thread_access`;
  } finally {
    await sql.end();
  }
}

/** p50 and p95 (ms) of `work` over SAMPLES calls, after a few to warm up. */
async function timed(work: () => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 5; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return [percentile(times, 50), percentile(times, 95)];
}

async function measure(name: string, storage: Storage, userId: string): Promise<string[]> {
  const counts = await timed(() => storage.ownership.counts(userId));
  const waiting = await timed(() => storage.threads.userThreads(userId, { limit: 50, cursor: null, filter: { statuses: ['waiting'] } }));
  console.log(`${name}: ${JSON.stringify(await storage.ownership.counts(userId))}`);
  const ms = (value: number) => value.toFixed(2);
  return [name, ms(counts[0]), ms(counts[1]), ms(waiting[0]), ms(waiting[1])];
}

async function main() {
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ama2-queues-bench-'));
  try {
    const path = join(dir, 'bench.sqlite');
    let sqlite = new SqliteStorage(path);
    const [userId, otherId] = await createUsers(sqlite);
    await sqlite.close();
    await fillSqlite(path, userId, otherId);
    sqlite = new SqliteStorage(path);
    rows.push(await measure('SQLite', sqlite, userId));
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const instance = await startPostgres();
  try {
    const url = await instance.createDatabase();
    const storage = await PostgresStorage.open(url, { dataKey: randomBytes(32) });
    const [userId, otherId] = await createUsers(storage);
    await fillPostgres(url, userId, otherId);
    rows.push(await measure('PostgreSQL', storage, userId));
    await storage.close();
  } finally {
    await instance.stop();
  }

  console.log(`\nA user who reads ${THREADS.toLocaleString('en')} threads, ${SAMPLES} calls each (ms):\n`);
  printTable(['storage', 'counts p50', 'counts p95', 'waiting page p50', 'waiting page p95'], rows);
}

void main();
