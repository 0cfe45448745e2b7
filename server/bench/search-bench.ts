/**
 * `npm run bench:search` — search latency (`GET /chat/search`'s work: parse, thread
 * matches, indexed events, snippets) over BENCH_SEARCH_MESSAGES messages (default
 * 1,000,000) in a hundredth as many threads, on SQLite and on PostgreSQL, for one-word,
 * prefix and phrase queries, for a reader of every thread and a reader of 1 % of them.
 * Prints one table with p50 and p95 against issue 17's budget, the median CPU time of each
 * call, and the load average. Not a test: nothing here
 * asserts.
 *
 * The data goes straight into the tables in big transactions (the search triggers index
 * each row as a commit would); the measured calls go through the storage and the search
 * service without HTTP, one at a time.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { searchFor } from '../src/search/search-service.ts';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import type { ThreadService } from '../src/threads/thread-service.ts';
import { PLANTED_PHRASE } from './search/corpus.ts';
import { seedPostgres, seedSqlite, type Seeded } from './search/seed.ts';
import { percentile, printTable } from './spawn-server.ts';

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
/** Messages per thread: a million messages in 10,000 threads. */
const MESSAGES_PER_THREAD = 100;
/** Searches measured per row, after {@link WARMUP} unmeasured ones. */
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 40);
const WARMUP = 3;
/** `sqlite` or `postgres` runs only that database. */
const ONLY = process.env.BENCH_ONLY;
/** Issue 17's budget for a search's p95. */
const BUDGET_P95_MS = 50;
/** A page as the inbox asks for it. */
const PAGE = 20;

/** The measured queries: word frequencies come from the Zipf corpus (search/corpus.ts). */
const QUERIES: [string, string][] = [
  ['one word, common', 'refund'],
  ['one word, rare', 'kalomi'],
  ['prefix of many words', 'kalo'],
  ['prefix of one word', 'deliv'],
  ['phrase', `"${PLANTED_PHRASE}"`],
  ['two words, common and rare', 'order kalomi'],
];

/** No query here names a thread, so the search never asks the thread service. */
const NO_THREAD_SERVICE = {} as ThreadService;

/**
 * p50 and p95 of the wall-clock time, and the median CPU time of this process per call: on a
 * shared machine the wall clock also counts the waits for a core, the CPU time only the work.
 */
async function measure(storage: Storage, userId: string, q: string): Promise<{ p50: number; p95: number; cpu: number; results: number }> {
  const user = { kind: 'user', id: userId, senderId: `user:${userId}` } as Parameters<typeof searchFor>[2];
  const run = () => searchFor(storage, NO_THREAD_SERVICE, user, { q, threadId: null, limit: PAGE, cursor: null });
  let results = 0;
  for (let index = 0; index < WARMUP; index++) results = (await run()).results.length;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - started);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), cpu: percentile(cpuTimes, 50), results };
}

async function measureAll(name: string, storage: Storage, seeded: Seeded, rows: string[][]): Promise<void> {
  for (const [reader, userId] of [
    ['all threads', seeded.allUserId],
    ['1 % of threads', seeded.fewUserId],
  ] as const) {
    for (const [label, q] of QUERIES) {
      const { p50, p95, cpu, results } = await measure(storage, userId, q);
      const row = [name, reader, `${label}: ${q}`, String(results), p50.toFixed(1), p95.toFixed(1), cpu.toFixed(1)];
      rows.push([...row, p95 <= BUDGET_P95_MS ? 'met' : 'MISSED']);
    }
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);

async function main(): Promise<void> {
  const threads = Math.max(1, Math.round(MESSAGES / MESSAGES_PER_THREAD));
  console.log(`bench:search — ${MESSAGES.toLocaleString('en')} messages in ${threads.toLocaleString('en')} threads, ${RUNS} runs a row`);
  const rows: string[][] = [];

  if (ONLY !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-search-bench-'));
    const path = join(dir, 'bench.sqlite');
    try {
      await new SqliteStorage(path).close(); // creates and migrates the file
      let started = performance.now();
      const seeded = seedSqlite(path, MESSAGES, threads);
      console.log(`SQLite: seeded in ${seconds(started)} s`);
      const storage = new SqliteStorage(path);
      started = performance.now();
      await measureAll('SQLite', storage, seeded, rows);
      console.log(`SQLite: measured in ${seconds(started)} s`);
      await storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  if (ONLY !== 'sqlite') {
    const instance = await startPostgres();
    try {
      const url = await instance.createDatabase();
      const dataKey = randomBytes(32);
      await (await PostgresStorage.open(url, { dataKey })).close(); // migrates
      let started = performance.now();
      const seeded = await seedPostgres(url, MESSAGES, threads);
      console.log(`PostgreSQL: seeded in ${seconds(started)} s`);
      const storage = await PostgresStorage.open(url, { dataKey });
      started = performance.now();
      await measureAll('PostgreSQL', storage, seeded, rows);
      console.log(`PostgreSQL: measured in ${seconds(started)} s`);
      await storage.close();
    } finally {
      await instance.stop();
    }
  }

  console.log(`\nsearch, first page of ${PAGE}, one call at a time (ms); budget: p95 ≤ ${BUDGET_P95_MS} ms\n`);
  console.log(
    `load average: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
  );
  printTable(['database', 'reader', 'query', 'results (page)', 'p50', 'p95', 'CPU p50', 'budget'], rows);
}

void main();
