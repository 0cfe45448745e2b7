/**
 * `npm run bench:search-index` — what the SQLite search index costs a commit (issue 17's
 * budget: commit throughput with the index no worse than 10 % below without it). Two
 * files, both migrated; in the copy "without", `event_search` is an ordinary table without any
 * index and its triggers are gone (a bench-only copy, never a product switch): the commit still
 * appends its row there, a few µs of the index's cost that this bench does not count. Rounds alternate between the two,
 * {@link CALLERS} callers each running `Storage.log.commitMessage` as a client awaiting
 * its 201 would, and each round reports messages/s and this process's CPU per message
 * (the storage runs in this process, so that is the commit path's CPU). Prints medians;
 * not a test: nothing here asserts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import type { SenderId } from '../../src/core/protocol/model.ts';
import { benchWriter, commitLoad } from './commit-load.ts';
import { median, printTable } from './spawn-server.ts';

const CALLERS = 50;
/** Threads the callers share (caller i writes to thread i mod THREADS). */
const THREADS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Words per message, drawn from a small vocabulary: an index entry of realistic size. */
const WORDS = 12;
const VOCABULARY = ['order', 'refund', 'delivery', 'thanks', 'please', 'where', 'is', 'my', 'parcel', 'café', 'Zoë', 'printer'];

/** The triggers of the message index; the copy "without" drops them with the index. */
const INDEX_TRIGGERS_SQL = "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'event_search_%'";
/** What the copy "without" has in the index's place: a table the commit code appends to, no index (its last column lets the search statements prepare). */
const NO_INDEX_SQL = `
  DROP TABLE event_search;
  CREATE TABLE event_search (body TEXT, thread_key TEXT, thread_id TEXT, thread_seq INTEGER, event_search TEXT);`;

interface Variant {
  name: string;
  storage: SqliteStorage;
  writer: { senderId: SenderId; threadIds: string[] };
  rate: number[];
  cpuMicros: number[];
}

async function open(dir: string, name: string, withIndex: boolean): Promise<Variant> {
  const path = join(dir, `${name}.sqlite`);
  await new SqliteStorage(path).close(); // creates and migrates the file
  if (!withIndex) {
    const db = new Database(path);
    for (const trigger of db.prepare(INDEX_TRIGGERS_SQL).pluck().all() as string[]) db.exec(`DROP TRIGGER ${trigger}`);
    db.unsafeMode(true); // FTS5 leaves its _content table behind (see migrate): it goes too.
    db.exec(NO_INDEX_SQL);
    db.exec('DROP TABLE IF EXISTS event_search_content');
    db.close();
  }
  const storage = new SqliteStorage(path);
  return { name, storage, writer: await benchWriter(storage, THREADS), rate: [], cpuMicros: [] };
}

function text(caller: number, count: number): string {
  const words: string[] = [];
  for (let index = 0; index < WORDS; index++) words.push(VOCABULARY[(caller * 7 + count * 3 + index * 5) % VOCABULARY.length]!);
  return `${words.join(' ')} ${caller}x${count}`;
}

/** One round of {@link SECONDS}: messages/s and CPU microseconds per message. */
async function round(variant: Variant): Promise<{ rate: number; cpuMicros: number }> {
  const cpu = process.cpuUsage();
  const { committed, seconds } = await commitLoad(variant.storage, variant.writer, { callers: CALLERS, seconds: SECONDS, content: text });
  const used = process.cpuUsage(cpu);
  return { rate: committed / seconds, cpuMicros: (used.user + used.system) / committed };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-search-index-bench-'));
  try {
    const variants = [await open(dir, 'with index', true), await open(dir, 'without index', false)];
    for (const variant of variants) await round(variant); // warm-up (JIT, prepared statements)
    for (let index = 0; index < ROUNDS; index++) {
      // Alternate which goes first, so a trend in the machine's load falls on both alike.
      for (const variant of index % 2 === 0 ? variants : [...variants].reverse()) {
        const { rate, cpuMicros } = await round(variant);
        variant.rate.push(rate);
        variant.cpuMicros.push(cpuMicros);
        console.log(`round ${index + 1}, ${variant.name}: ${Math.round(rate)} msg/s, ${cpuMicros.toFixed(1)} µs CPU/msg`);
      }
    }
    for (const variant of variants) await variant.storage.close();
    const [on, off] = variants as [Variant, Variant];
    const ratios = on.cpuMicros.map((value, index) => value / off.cpuMicros[index]!);
    console.log(`\ncommitMessage, ${CALLERS} callers in ${THREADS} threads, median of ${ROUNDS} alternated rounds of ${SECONDS} s:\n`);
    printTable(
      ['SQLite', 'messages/s', 'CPU µs/message'],
      variants.map((variant) => [
        variant.name,
        Math.round(median(variant.rate)).toLocaleString('en'),
        median(variant.cpuMicros).toFixed(1),
      ]),
    );
    console.log(`\nCPU per message with / without the index, median of the rounds' ratios: ${median(ratios).toFixed(3)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
