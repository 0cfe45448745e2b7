import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { threadKey } from '../../src/storage/sqlite/search.ts';
import { messageTexts, threadTitle, vocabulary } from './corpus.ts';

/** What was seeded: the two readers and the sizes. */
export interface Seeded {
  /** Reads every thread. */
  allUserId: string;
  /** Reads one thread in {@link FEW_EVERY}. */
  fewUserId: string;
  threads: number;
  messages: number;
}

/** The "1 %" reader reads one thread in this many. */
export const FEW_EVERY = 100;
/** Rows per insert transaction (SQLite) or statement (PostgreSQL). */
const BATCH = 5_000;
/** Timestamps start here and advance one millisecond per message. */
const EPOCH_MS = Date.parse('2026-01-01T00:00:00.000Z');

interface Plan {
  users: { id: string; name: string }[];
  threadIds: string[];
  seeded: Seeded;
}

function plan(messages: number, threads: number): Plan {
  const allUserId = randomUUID();
  const fewUserId = randomUUID();
  return {
    users: [
      { id: allUserId, name: 'Alle' },
      { id: fewUserId, name: 'Wenige' },
    ],
    threadIds: Array.from({ length: threads }, () => randomUUID()),
    seeded: { allUserId, fewUserId, threads, messages },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The readers of thread n: everyone reads it; the few reader one in {@link FEW_EVERY}. */
const readersOf = (n: number, seeded: Seeded) => (n % FEW_EVERY === 0 ? [seeded.allUserId, seeded.fewUserId] : [seeded.allUserId]);

/**
 * Fills a migrated SQLite file with `messages` messages in `threads` threads, straight into
 * its tables in big transactions, each message's search row beside it as a commit writes it.
 * Messages go round the threads, so the newest ones are spread over all of them.
 */
export function seedSqlite(path: string, messages: number, threads: number): Seeded {
  const { users, threadIds, seeded } = plan(messages, threads);
  const db = new Database(path);
  db.pragma('synchronous = OFF');
  const insertUser = db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const insertThread = db.prepare(
    `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
     VALUES (?, 'private', ?, 'open', ?, ?, ?, ?, ?)`,
  );
  const insertParticipant = db.prepare('INSERT INTO participants (thread_id, sender_id, name, position) VALUES (?, ?, ?, ?)');
  const insertAccess = db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)');
  const insertEvent = db.prepare(
    `INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
     VALUES (?, ?, ?, 'message_committed', ?, ?, '{}', ?)`,
  );
  // As the commit code does (SqliteThreadLog.writeEvent): the index's row in the event's transaction.
  const insertSearch = db.prepare('INSERT INTO event_search (body, thread_key, thread_id, thread_seq) VALUES (?, ?, ?, ?)');
  const start = iso(EPOCH_MS);
  const perThread = Math.ceil(messages / threads);
  db.transaction(() => {
    for (const user of users) insertUser.run(user.id, `${user.id}@example.com`, user.name, 'x', start);
    threadIds.forEach((id, n) => {
      insertThread.run(id, threadTitle(n), perThread, `user:${seeded.allUserId}`, start, start, start);
      readersOf(n, seeded).forEach((userId, position) => {
        insertParticipant.run(id, `user:${userId}`, users.find((user) => user.id === userId)!.name, position);
        insertAccess.run(userId, id);
      });
    });
  })();
  const text = messageTexts(vocabulary());
  for (let from = 0; from < messages; from += BATCH) {
    db.transaction(() => {
      for (let index = from; index < Math.min(messages, from + BATCH); index++) {
        const n = index % threads;
        const seq = Math.floor(index / threads) + 1;
        const content = text();
        insertEvent.run(threadIds[n], seq, randomUUID(), `user:${seeded.allUserId}`, content, iso(EPOCH_MS + index));
        insertSearch.run(content, threadKey(threadIds[n]!), threadIds[n], seq);
      }
    })();
  }
  db.close();
  return seeded;
}

/** The same as {@link seedSqlite} on a migrated PostgreSQL database, {@link BATCH} rows per statement. */
export async function seedPostgres(url: string, messages: number, threads: number): Promise<Seeded> {
  const { users, threadIds, seeded } = plan(messages, threads);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const start = iso(EPOCH_MS);
    const perThread = Math.ceil(messages / threads);
    await sql.begin(async (tx) => {
      for (const user of users) {
        await tx`INSERT INTO users (id, email, name, password_hash, created_at)
                 VALUES (${user.id}, ${`${user.id}@example.com`}, ${user.name}, 'x', ${start})`;
      }
      for (let n = 0; n < threadIds.length; n++) {
        const id = threadIds[n]!;
        await tx`INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
                 VALUES (${id}, 'private', ${threadTitle(n)}, 'open', ${perThread}, ${`user:${seeded.allUserId}`}, ${start}, ${start}, ${start})`;
        const readers = readersOf(n, seeded);
        for (const [position, userId] of readers.entries()) {
          const name = users.find((user) => user.id === userId)!.name;
          await tx`INSERT INTO participants (thread_id, sender_id, name, position) VALUES (${id}, ${`user:${userId}`}, ${name}, ${position})`;
          await tx`INSERT INTO thread_access (user_id, thread_id) VALUES (${userId}, ${id})`;
        }
      }
    });
    const text = messageTexts(vocabulary());
    for (let from = 0; from < messages; from += BATCH) {
      const rows = { thread: [] as string[], seq: [] as number[], id: [] as string[], content: [] as string[], at: [] as string[] };
      for (let index = from; index < Math.min(messages, from + BATCH); index++) {
        rows.thread.push(threadIds[index % threads]!);
        rows.seq.push(Math.floor(index / threads) + 1);
        rows.id.push(randomUUID());
        rows.content.push(text());
        rows.at.push(iso(EPOCH_MS + index));
      }
      await sql`
        INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
        SELECT thread, seq, id, 'message_committed', ${`user:${seeded.allUserId}`}, content, '{}'::jsonb, at
        FROM unnest(${rows.thread}::text[], ${rows.seq}::int[], ${rows.id}::text[], ${rows.content}::text[], ${rows.at}::timestamptz[])
          AS r(thread, seq, id, content, at)`;
    }
    await sql`VACUUM ANALYZE`;
  } finally {
    await sql.end();
  }
  return seeded;
}
