import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../search/search-query.ts';
import { MIGRATIONS as POSTGRES_MIGRATIONS } from './postgres/schema.ts';
import { PostgresStorage } from './postgres/postgres-storage.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS } from './sqlite/schema.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';
import type { Storage } from './storage.ts';
import { describePostgres, freshDatabase } from '../../test/support/postgres.ts';
import { testDataKey } from '../../test/support/data-key.ts';

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-01T00:00:01.000Z';
const T3 = '2026-01-01T00:00:02.000Z';

/** The rows written before the search migration: a thread with a title, a message, a note and a join event. */
function legacyRows() {
  const ids = { user: randomUUID(), thread: randomUUID() };
  const sender = `user:${ids.user}`;
  return {
    ids,
    sender,
    user: [ids.user, 'keeper@example.com', 'Keeper', 'x', T1],
    thread: [ids.thread, 'Harbour plans', sender, T1, T1, T1],
    participant: [ids.thread, sender, 'Keeper'],
    events: [
      [
        ids.thread,
        1,
        randomUUID(),
        'participant_joined',
        sender,
        'lighthouse joined',
        JSON.stringify({ sender_id: sender, name: 'Keeper' }),
        T1,
      ],
      [ids.thread, 2, randomUUID(), 'message_committed', sender, 'The lighthouse keeper waves', JSON.stringify({ role: 'user' }), T2],
      [
        ids.thread,
        3,
        randomUUID(),
        'note_added',
        sender,
        null,
        JSON.stringify({ note_id: randomUUID(), content: 'Ring the lighthouse' }),
        T3,
      ],
    ] as const,
  };
}

/** What the migrated storage finds: the message and the note (not the join event), and the thread by its title. */
async function expectBackfilled(storage: Storage, rows: ReturnType<typeof legacyRows>) {
  const events = await storage.search.events(rows.ids.user, parseSearchQuery('lighthouse'), { threadId: null, before: null, limit: 10 });
  expect(events.map((hit) => [hit.threadSeq, hit.eventType, hit.text])).toEqual([
    [3, 'note_added', 'Ring the lighthouse'],
    [2, 'message_committed', 'The lighthouse keeper waves'],
  ]);
  const threads = await storage.search.threads(rows.ids.user, parseSearchQuery('harbour'), { after: null, limit: 10 });
  expect(threads).toEqual([{ threadId: rows.ids.thread, createdAt: T1, text: 'Harbour plans · Keeper' }]);
}

describe('the search migration on SQLite', () => {
  it('indexes the messages, notes and threads written before it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-search-migration-')), 'db.sqlite');
    const mine = SQLITE_MIGRATIONS.findIndex((migration) => migration.includes('CREATE VIRTUAL TABLE event_search'));
    const db = new Database(path);
    for (const [index, migration] of SQLITE_MIGRATIONS.slice(0, mine).entries()) {
      db.exec(migration);
      db.pragma(`user_version = ${index + 1}`);
    }
    const rows = legacyRows();
    db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(...rows.user);
    db.prepare(
      `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
       VALUES (?, 'private', ?, 'open', 3, ?, ?, ?, ?)`,
    ).run(...rows.thread);
    db.prepare('INSERT INTO participants (thread_id, sender_id, name, position) VALUES (?, ?, ?, 0)').run(...rows.participant);
    db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(rows.ids.user, rows.ids.thread);
    const insertEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const event of rows.events) insertEvent.run(...event);
    db.close();

    const storage = new SqliteStorage(path);
    try {
      await expectBackfilled(storage, rows);
    } finally {
      await storage.close();
    }
  });
});

describePostgres('the search migration on PostgreSQL', () => {
  it('indexes the messages, notes and threads written before it', async () => {
    const url = await freshDatabase();
    const raw = postgres(url, { max: 1, onnotice: () => {} });
    // Every migration before this one (others may come between when branches merge), recorded as migrate() does.
    const mine = POSTGRES_MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE event_search'));
    expect(mine).toBeGreaterThan(0);
    await raw`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (let index = 0; index < mine; index++) {
      await raw.unsafe(POSTGRES_MIGRATIONS[index]!);
      await raw`INSERT INTO schema_migrations (version) VALUES (${index + 1})`;
    }
    const rows = legacyRows();
    await raw.unsafe('INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)', rows.user);
    await raw.unsafe(
      `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
       VALUES ($1, 'private', $2, 'open', 3, $3, $4, $5, $6)`,
      rows.thread,
    );
    await raw.unsafe('INSERT INTO participants (thread_id, sender_id, name, position) VALUES ($1, $2, $3, 0)', rows.participant);
    await raw`INSERT INTO thread_access (user_id, thread_id) VALUES (${rows.ids.user}, ${rows.ids.thread})`;
    for (const event of rows.events) {
      await raw.unsafe('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8)', [...event]);
    }
    await raw.end();

    const storage = await PostgresStorage.open(url, { dataKey: testDataKey() });
    try {
      await expectBackfilled(storage, rows);
    } finally {
      await storage.close();
    }
  });
});
