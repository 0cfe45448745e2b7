import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SEARCH_IN_THREADS_SQL, EVENT_SEARCH_SQL as POSTGRES_EVENT_SQL } from '../../src/storage/postgres/search.ts';
import { EVENT_SCAN_SQL as SQLITE_SCAN_SQL, EVENT_SEARCH_SQL as SQLITE_EVENT_SQL, threadKey } from '../../src/storage/sqlite/search.ts';
import type { NewEvent } from '../../src/storage/storage.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';

interface Result {
  thread_id: string;
  thread_seq?: number;
  event_type: string;
  sender_id: string | null;
  created_at: string;
  snippet: { text: string; highlights: [number, number][] };
}

function search(server: TestServer, token: string, params: Record<string, string | number>) {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));
  return api<{ results: Result[]; next_cursor: string | null }>(server, 'GET', `/chat/search?${query}`, { token });
}

/** The highlighted parts of a result's snippet, as text. */
const highlighted = (result: Result) => result.snippet.highlights.map(([start, end]) => result.snippet.text.slice(start, end));

/** Two users and a private thread between them (no agent: nothing answers). */
async function pair(server: TestServer, title?: string) {
  const first = await server.addUser('Ann');
  const second = await server.addUser('Ben');
  const thread = await createThread(server, first.token, { target_user_ids: [second.user.id], ...(title ? { title } : {}) });
  return { first, second, thread };
}

async function send(
  server: TestServer,
  token: string,
  threadId: string,
  content: string,
): Promise<{ thread_seq: number; created_at: string }> {
  const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(sent.status).toBe(201);
  return sent.body.message ?? sent.body;
}

/** The rules of CONTRACT §11 "Search", on the server `start` makes. */
function searchRules(start: () => Promise<TestServer>) {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('finds words whatever their case and accents, and gives their offsets in the snippet', async () => {
    const { first, second, thread } = await pair(server);
    const message = await send(server, first.token, thread.id, 'Ce soir: Crème BRÛLÉE au café');
    for (const [q, word] of [
      ['creme', 'Crème'],
      ['BRULEE', 'BRÛLÉE'],
      ['CAFÉ', 'café'],
      ['crême', 'Crème'],
    ] as const) {
      const found = await search(server, second.token, { q });
      expect(found.status, q).toBe(200);
      expect(found.body.next_cursor).toBeNull();
      expect(found.body.results).toHaveLength(1);
      const [result] = found.body.results;
      expect(result).toEqual({
        thread_id: thread.id,
        thread_seq: message.thread_seq,
        event_type: 'message_committed',
        sender_id: `user:${first.user.id}`,
        created_at: message.created_at,
        snippet: { text: 'Ce soir: Crème BRÛLÉE au café', highlights: expect.any(Array) },
      });
      expect(highlighted(result!)).toEqual([word]);
    }
  });

  it('shows a message’s words in its snippet, not its Markdown', async () => {
    const { first, thread } = await pair(server);
    await send(server, first.token, thread.id, '# Tracking\nYour **parcel** ships _today_: see [the tracker](https://example.com/t).');
    const [result] = (await search(server, first.token, { q: 'parcel tracker' })).body.results;
    expect(result!.snippet.text).toBe('Tracking Your parcel ships today: see the tracker.');
    expect(highlighted(result!)).toEqual(['parcel', 'tracker']);
  });

  it('matches the last word as a prefix and the other words whole', async () => {
    const { first, thread } = await pair(server);
    await send(server, first.token, thread.id, 'The quarterly forecast looks fine');
    const count = async (q: string) => (await search(server, first.token, { q })).body.results.length;
    expect(await count('forec')).toBe(1);
    expect(await count('Quarterly FOREC')).toBe(1);
    expect(await count('quart forecast')).toBe(0);
    expect(await count('forecasting')).toBe(0);
    const [result] = (await search(server, first.token, { q: 'quarterly fore' })).body.results;
    expect(highlighted(result!)).toEqual(['quarterly', 'forecast']);
  });

  it('matches quoted phrases word after word', async () => {
    const { first, thread } = await pair(server);
    const older = await send(server, first.token, thread.id, 'the red apple fell');
    const newer = await send(server, first.token, thread.id, 'an apple, red and ripe');
    const seqs = async (q: string) => (await search(server, first.token, { q })).body.results.map((result) => result.thread_seq);
    expect(await seqs('"red apple"')).toEqual([older.thread_seq]);
    expect(await seqs('"apple red"')).toEqual([newer.thread_seq]);
    expect(await seqs('red apple')).toEqual([newer.thread_seq, older.thread_seq]);
    expect(await seqs('"red apple" fell')).toEqual([older.thread_seq]);
    const [result] = (await search(server, first.token, { q: '"RED APPLE"' })).body.results;
    expect(highlighted(result!)).toEqual(['red apple']);
  });

  it('finds only what the caller may read, and a thread_id they may not read is 403 (404 when unknown)', async () => {
    const ann = await server.addUser('Ann');
    const ben = await server.addUser('Ben');
    const cid = await server.addUser('Cid');
    const outsider = await server.addUser('Out');
    const withBen = await createThread(server, ann.token, { target_user_ids: [ben.user.id] });
    const withCid = await createThread(server, ann.token, { target_user_ids: [cid.user.id] });
    await send(server, ann.token, withBen.id, 'secret pineapple plans');
    await send(server, ann.token, withCid.id, 'pineapple pie');
    const threadsFound = async (token: string, params: Record<string, string> = {}) =>
      (await search(server, token, { q: 'pineapple', ...params })).body.results.map((result) => result.thread_id);
    expect(await threadsFound(ann.token)).toEqual([withCid.id, withBen.id]);
    expect(await threadsFound(ben.token)).toEqual([withBen.id]);
    expect(await threadsFound(cid.token)).toEqual([withCid.id]);
    expect(await threadsFound(outsider.token)).toEqual([]);
    expect(await threadsFound(ann.token, { thread_id: withBen.id })).toEqual([withBen.id]);

    const forbidden = await search(server, cid.token, { q: 'pineapple', thread_id: withBen.id });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ error: { code: 'forbidden', message: expect.any(String), retryable: false } });
    const unknown = await search(server, ann.token, { q: 'pineapple', thread_id: randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'not_found', message: expect.any(String), retryable: false } });
    const anonymous = await api(server, 'GET', '/chat/search?q=pineapple');
    expect(anonymous.status).toBe(401);
  });

  it('finds private notes (note_added) for those who read the thread', async () => {
    const { first, second, thread } = await pair(server);
    const outsider = await server.addUser('Out');
    // The notes route is another part of issue 17: the note is appended as the log stores it.
    const note = {
      eventType: 'note_added',
      senderId: `user:${first.user.id}`,
      content: null,
      data: { note_id: randomUUID(), content: 'Call the customer about the overdue invoice', client_message_id: randomUUID() },
    } as unknown as NewEvent;
    const event = await server.app.context.storage.log.appendEvent(thread.id, note);
    const found = await search(server, second.token, { q: 'INVOICE' });
    expect(found.body.results).toEqual([
      {
        thread_id: thread.id,
        thread_seq: event.thread_seq,
        event_type: 'note_added',
        sender_id: `user:${first.user.id}`,
        created_at: event.created_at,
        snippet: { text: 'Call the customer about the overdue invoice', highlights: [[36, 43]] },
      },
    ]);
    expect((await search(server, outsider.token, { q: 'invoice' })).body.results).toEqual([]);
  });

  it('finds threads by title, participant names and a visitor label, ranked before messages', async () => {
    const { first, second, thread } = await pair(server, 'Kumquat supply');
    const message = await send(server, first.token, thread.id, 'kumquat prices rose');
    const found = await search(server, second.token, { q: 'kumquat' });
    expect(found.body.results.map((result) => [result.event_type, result.thread_seq])).toEqual([
      ['thread', undefined],
      ['message_committed', message.thread_seq],
    ]);
    const [threadResult] = found.body.results;
    expect(threadResult).toEqual({
      thread_id: thread.id,
      event_type: 'thread',
      sender_id: null,
      created_at: expect.any(String),
      snippet: { text: 'Kumquat supply · Ann · Ben', highlights: [[0, 7]] },
    });
    const byName = await search(server, second.token, { q: 'ann' });
    expect(byName.body.results.map((result) => [result.event_type, result.thread_id])).toContainEqual(['thread', thread.id]);

    // A visitor's public thread: seen by the agent's owner (Alice), not by Bob.
    const visitor = await startVisitor(server, { name: 'Ottokar Brzęczyszczykiewicz' });
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const byLabel = await search(server, alice.token, { q: 'brzeczy' });
    expect(byLabel.body.results).toHaveLength(1);
    expect(byLabel.body.results[0]).toMatchObject({ thread_id: visitor.thread_id, event_type: 'thread', sender_id: null });
    expect(highlighted(byLabel.body.results[0]!)).toContain('Brzęczyszczykiewicz');
    const byEmail = await search(server, alice.token, { q: visitor.email });
    expect(byEmail.body.results.map((result) => result.thread_id)).toEqual([visitor.thread_id]);
    expect((await search(server, bob.token, { q: 'brzeczy' })).body.results).toEqual([]);
  });

  it('pages newest first with next_cursor, threads first, until next_cursor is null', async () => {
    const { first, thread } = await pair(server, 'Walrus log');
    const seqs: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) seqs.push((await send(server, first.token, thread.id, `walrus sighting ${n}`)).thread_seq);
    const pages: (number | string)[][] = [];
    let cursor: string | null = null;
    do {
      const page = await search(server, first.token, { q: 'walrus', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      pages.push(page.body.results.map((result) => result.thread_seq ?? result.event_type));
      cursor = page.body.next_cursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([
      ['thread', seqs[4]],
      [seqs[3], seqs[2]],
      [seqs[1], seqs[0]],
    ]);
    // A page that ends exactly with the thread matches goes on with the messages.
    const threadsOnly = await search(server, first.token, { q: 'walrus', limit: 1 });
    expect(threadsOnly.body.results.map((result) => result.event_type)).toEqual(['thread']);
    const next = await search(server, first.token, { q: 'walrus', limit: 1, cursor: threadsOnly.body.next_cursor! });
    expect(next.body.results.map((result) => result.thread_seq)).toEqual([seqs[4]]);
  });

  it('answers 400 for an empty q, a q without words, a bad limit and a cursor it did not give', async () => {
    const { first } = await pair(server);
    const bad = [
      '/chat/search',
      '/chat/search?q=',
      '/chat/search?q=%20%20',
      '/chat/search?q=%3F!%20...',
      '/chat/search?q=a&limit=0',
      '/chat/search?q=a&limit=51',
      '/chat/search?q=a&limit=ten',
      '/chat/search?q=a&cursor=nonsense',
      `/chat/search?q=a&cursor=${Buffer.from('{"e":-1}').toString('base64url')}`,
      `/chat/search?q=a&cursor=${Buffer.from('{"t":["yesterday","x"]}').toString('base64url')}`,
      '/chat/search?q=a&thread_id=not-a-uuid',
    ];
    for (const path of bad) {
      const answer = await api(server, 'GET', path, { token: first.token });
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body).toEqual({ error: { code: 'client_error', message: expect.any(String), retryable: false } });
    }
  });
}

describe('GET /chat/search on SQLite (FTS5)', () => {
  searchRules(() => startTestServer());

  it('reads the text index, never every message (EXPLAIN QUERY PLAN)', async () => {
    const server = await startTestServer();
    try {
      const db = new Database(server.config.databasePath, { readonly: true });
      const plan = (match: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_EVENT_SQL}`).all(match, Number.MAX_SAFE_INTEGER, 'u', 20) as { detail: string }[]).map(
          (row) => row.detail,
        );
      for (const match of ['{body} : ("word")', `{body} : ("word"*) AND {thread_key} : ("${threadKey(randomUUID())}")`]) {
        const details = plan(match);
        expect(details.join('\n')).toMatch(/^SCAN s VIRTUAL TABLE INDEX/m);
        expect(details.join('\n')).toMatch(/SEARCH e USING PRIMARY KEY/);
        expect(details.join('\n')).toMatch(/SEARCH a (EXISTS )?USING (COVERING INDEX|PRIMARY KEY)/);
        // Newest first straight from the index: no sort of every match.
        expect(details.join('\n')).not.toMatch(/TEMP B-TREE|SCAN e\b|SCAN events|SCAN messages/);
      }
      // A reader of few threads first reads the words' rows alone, newest first, from the index.
      const scan = db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_SCAN_SQL}`).all('{body} : ("word"*)', Number.MAX_SAFE_INTEGER) as {
        detail: string;
      }[];
      expect(scan.map((row) => row.detail)).toEqual([expect.stringMatching(/^SCAN s VIRTUAL TABLE INDEX/)]);
      db.close();
    } finally {
      await server.close();
    }
  });
});

/** Rows and threads of the synthetic index the PostgreSQL plan is checked on. */
const PLAN_ROWS = 20_000;
const PLAN_THREADS = 200;

describePostgres('GET /chat/search on PostgreSQL (full-text search)', () => {
  searchRules(async () => startTestServer({ DATABASE_URL: await freshDatabase(), DEMO_DATA: 'true' }));

  it('reads the GIN index, never every message (EXPLAIN)', async () => {
    const url = await freshDatabase();
    const server = await startTestServer({ DATABASE_URL: url, DEMO_DATA: 'true' });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      // Enough indexed rows, and their statistics, for the planner to choose as it would on a real log.
      await sql`
        INSERT INTO event_search (thread_id, thread_seq, document)
        SELECT 'thread-' || (n % ${PLAN_THREADS}), n,
               to_tsvector('simple', 'filler text number ' || n) || array_to_tsvector(ARRAY['#thread-' || (n % ${PLAN_THREADS})])
        FROM generate_series(1, ${PLAN_ROWS}) AS n`;
      await sql`VACUUM ANALYZE event_search`;
      const explain = async (statement: string, query: string) => {
        const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${statement}`, [query, Number.MAX_SAFE_INTEGER, 'u', 20]);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      // A rare word, and a prefix within a few threads: the index finds the rows.
      for (const [statement, query] of [
        [POSTGRES_EVENT_SQL, `'zebra'`],
        [EVENT_SEARCH_IN_THREADS_SQL, `('numb':*) & ('#thread-7' | '#thread-8')`],
      ] as const) {
        const plan = await explain(statement, query);
        expect(plan).toMatch(/Bitmap Index Scan on event_search_document/);
        expect(plan).not.toMatch(/Seq Scan/);
      }
    } finally {
      await sql.end();
      await server.close();
    }
  });
});
