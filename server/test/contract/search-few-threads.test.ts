import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_ROWS } from '../../src/storage/postgres/search.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

/** Threads the reader reads, and messages in each: more than the first window holds, so its edge is inside them. */
const READER_THREADS = 3;
const PER_THREAD = 150;
/** One message in this many holds the middle word: the first window finds some, a second one the rest. */
const MIDDLE_EVERY = 20;
/** Where the rare word is, by send order: two above the first window's edge, two below it (found by the GIN index). */
const RARE_AT = new Set([2, 9, 200, 440]);
const PAGE = 20;

interface Hit {
  thread_id: string;
  thread_seq?: number;
  event_type: string;
}

/** A message's text by its send order n: the common word always, the others as above. */
function textOf(n: number): string {
  return ['refund', `number${n}`, n % MIDDLE_EVERY === 0 ? 'tesbri' : '', RARE_AT.has(n) ? 'kalomi' : ''].filter(Boolean).join(' ');
}

/**
 * Search for a reader of a few threads (CONTRACT §11), whose PostgreSQL search reads the
 * newest rows of their threads first and the GIN index below them (postgres/search.ts): the
 * pages must be exactly the matches newest first, whichever way each page was found, and
 * nothing from a thread the reader does not read. The same rules on SQLite.
 */
function fewThreadRules(start: () => Promise<TestServer>) {
  let server: TestServer;
  let reader: Awaited<ReturnType<TestServer['addUser']>>;
  /** Every message the reader may find, in send order. */
  const sent: { thread_id: string; thread_seq: number; n: number }[] = [];
  let threads: string[] = [];

  beforeAll(async () => {
    server = await start();
    reader = await server.addUser('Rita');
    const writer = await server.addUser('Walt');
    const outsider = await server.addUser('Olga');
    const [first, second] = [await server.addUser('Ann'), await server.addUser('Ben')];
    threads = [];
    for (let index = 0; index < READER_THREADS; index++) {
      threads.push((await createThread(server, writer.token, { target_user_ids: [reader.user.id] })).id);
    }
    // A thread the reader does not read, written to between theirs with the same words.
    const hidden = (await createThread(server, first.token, { target_user_ids: [second.user.id, outsider.user.id] })).id;
    sent.length = 0;
    for (let n = 0; n < READER_THREADS * PER_THREAD; n++) {
      const threadId = threads[n % READER_THREADS]!;
      const answer = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: writer.token, body: sendBody(textOf(n)) });
      expect(answer.status).toBe(201);
      sent.push({ thread_id: threadId, thread_seq: answer.body.message.thread_seq, n });
      if (n % 50 === 0) await api(server, 'POST', `/chat/threads/${hidden}/messages`, { token: first.token, body: sendBody(textOf(n)) });
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every page of `q` for the reader, following next_cursor. */
  async function allPages(q: string, threadId?: string): Promise<{ pages: Hit[][] }> {
    const pages: Hit[][] = [];
    let cursor: string | null = null;
    do {
      const params: URLSearchParams = new URLSearchParams({
        q,
        limit: String(PAGE),
        ...(threadId ? { thread_id: threadId } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const answer: { status: number; body: { results: Hit[]; next_cursor: string | null } } = await api<{
        results: Hit[];
        next_cursor: string | null;
      }>(server, 'GET', `/chat/search?${params}`, { token: reader.token });
      expect(answer.status).toBe(200);
      pages.push(answer.body.results);
      cursor = answer.body.next_cursor;
    } while (cursor !== null);
    return { pages };
  }

  const expected = (word: string, threadId?: string) =>
    sent
      .filter((message) => textOf(message.n).split(' ').includes(word) && (threadId === undefined || message.thread_id === threadId))
      .reverse()
      .map(({ thread_id, thread_seq }) => ({ thread_id, thread_seq, event_type: 'message_committed' }));

  const pick = (hit: Hit) => ({ thread_id: hit.thread_id, thread_seq: hit.thread_seq, event_type: hit.event_type });

  it('a word in every message: each page is exactly the next newest matches, to the last one', async () => {
    const { pages } = await allPages('refund');
    const want = expected('refund');
    expect(want.length).toBeGreaterThan(WINDOW_ROWS);
    expect(pages.flat().map(pick)).toEqual(want);
    expect(pages.slice(0, -1).every((page) => page.length === PAGE)).toBe(true);
  });

  it('a rare word above and below the newest rows of the threads: one page, newest first, none missed', async () => {
    const { pages } = await allPages('kalomi');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.map(pick)).toEqual(expected('kalomi'));
    expect(expected('kalomi')).toHaveLength(RARE_AT.size);
  });

  it('a word in one message in twenty: pages exactly, some beyond the first rows read', async () => {
    const want = expected('tesbri');
    expect(want.length).toBeGreaterThan(PAGE);
    const { pages } = await allPages('tesbri');
    expect(pages.flat().map(pick)).toEqual(want);
  });

  it('within one thread: its matches only, newest first, paged', async () => {
    const threadId = threads[1]!;
    const { pages } = await allPages('refund', threadId);
    expect(pages.flat().map(pick)).toEqual(expected('refund', threadId));
    expect(pages.length).toBe(Math.ceil(PER_THREAD / PAGE));
  });
}

describe('GET /chat/search for a reader of a few threads, on SQLite', () => {
  fewThreadRules(() => startTestServer());
});

describePostgres('GET /chat/search for a reader of a few threads, on PostgreSQL', () => {
  fewThreadRules(async () => startTestServer({ DATABASE_URL: await freshDatabase() }));
});
