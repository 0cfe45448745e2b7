import type postgres from 'postgres';
import type { SenderId } from '../../../../src/core/protocol/model.ts';
import type { SearchTerm } from '../../search/search-query.ts';
import { iso, type Row } from './rows.ts';
import {
  MAX_THREAD_TERMS,
  indexedText,
  type EventSearchHit,
  type SearchStore,
  type ThreadSearchCursor,
  type ThreadSearchHit,
} from '../stores/search-store.ts';

/**
 * Searches are not prepared: each is planned for its own words. A prepared statement soon
 * runs a generic plan, which cannot tell a rare word (read from the GIN index) from a common
 * one (read newest first until the page is full); at a million messages the wrong choice
 * took 0.6 s instead of 15 ms.
 */
const PLANNED_EACH_TIME = { prepare: false } as const;

/** Above every position: the first page of events. */
const NO_POSITION = Number.MAX_SAFE_INTEGER;

/**
 * The `tsquery` text of a search's terms ($1: each term's words joined by spaces; $2: whether
 * it is a prefix), made by the parser that made the documents, from the same fold: a word the
 * parser splits is asked for as its pieces, one after the other ("1e5a3b20" is the number
 * `1e5`, then the word `a3b20`; built in TypeScript as one lexeme, it matched nothing). A
 * prefix term's last piece is the prefix. A term in which the parser finds no lexeme is left
 * out (the documents hold none of its text either); '' when none is left.
 */
export const TSQUERY_SQL = `
  SELECT coalesce(string_agg('(' || q.query::text || CASE WHEN q.prefix THEN ':*)' ELSE ')' END, ' & ' ORDER BY q.n), '') AS query
  FROM (
    SELECT t.n, t.prefix, phraseto_tsquery('simple', search_fold(t.words)) AS query
    FROM unnest($1::text[], $2::text[]::boolean[]) WITH ORDINALITY AS t(words, prefix, n)
  ) AS q
  WHERE numnode(q.query) > 0`;

/** The lexeme of a thread in `event_search.document` (migration 9). */
export function threadLexeme(threadId: string): string {
  return `'#${threadId}'`;
}

/** Threads matching $1 (a tsquery) that user $2 reads, after ($3, $4) when $3 is given; $5 at most. */
export const THREAD_SEARCH_SQL = `
  SELECT t.id, t.created_at, s.body
  FROM thread_search AS s
  JOIN threads AS t ON t.id = s.thread_id
  JOIN thread_access AS a ON a.thread_id = t.id AND a.user_id = $2
  WHERE s.document @@ $1::tsquery
    AND ($3::timestamptz IS NULL OR (t.created_at, t.id) < ($3::timestamptz, $4::text))
  ORDER BY t.created_at DESC, t.id DESC LIMIT $5`;

/**
 * The event of each row of a page (`p`), by its key: a lateral lookup (its LIMIT keeps the
 * planner from making it a join that could read every event), for the page's rows only.
 */
const PAGE_EVENT = `
  LEFT JOIN LATERAL (
    SELECT e.event_type, e.sender_id, e.content, e.data, e.created_at FROM events AS e
    WHERE e.thread_id = p.thread_id AND e.thread_seq = p.thread_seq LIMIT 1
  ) AS e ON true`;

/**
 * Messages and notes matching $1 (a tsquery) before position $2 that user $3 reads; $4 at most.
 * The access check stays even where the query already names the threads: it is the rule, the lexemes a shortcut.
 */
export const EVENT_SEARCH_SQL = eventSearchSql('s.position');

/**
 * The same for a query that names the reader's threads: ordered by an expression, so that
 * the planner reads the GIN index (whose answer those lexemes keep small) rather than the
 * whole log newest first, which it may pick as it cannot tell how selective they are.
 */
export const EVENT_SEARCH_IN_THREADS_SQL = eventSearchSql('s.position + 0');

/** The events are read for the page only, not for every match the sort ranks. */
function eventSearchSql(order: string): string {
  return `
  SELECT p.position, p.thread_id, p.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM (
    SELECT s.position, s.thread_id, s.thread_seq FROM event_search AS s
    WHERE s.document @@ $1::tsquery AND s.position < $2
      AND EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = $3 AND a.thread_id = s.thread_id)
    ORDER BY ${order} DESC LIMIT $4
  ) AS p ${PAGE_EVENT}
  ORDER BY p.position DESC`;
}

/**
 * About this many of the newest rows of a reader's threads are read before the GIN index is
 * asked (see {@link EVENT_SEARCH_WINDOW_SQL}): a page of a word in one message in twenty is
 * found among them.
 */
export const WINDOW_ROWS = 400;

/**
 * The most rows a second window below the first may read, when the first found some matches
 * but too few: sized to hold the rest of the page at the rate the first found them (with
 * {@link SECOND_WINDOW_MARGIN}), or else the GIN index answers. A word in one message in 50
 * fills a page there, without reading every message it is in.
 */
export const MAX_SECOND_WINDOW_ROWS = 2_000;
const SECOND_WINDOW_MARGIN = 1.5;

/**
 * The newest rows of a few threads, matched one by one: user $1's threads among $2, before
 * position $3, all of those at or above `low`, the highest position that is the ($4 + 1)-th
 * newest of one of the threads (0 when none has that many, so the window holds every row).
 * Every row from `low` up is read, so the matches found are exactly the newest ones; $6 at
 * most. Each thread's rows come newest first from the (thread_id, position) B-tree and the
 * words are matched on the row (`ts_match_vq`, which no index answers): a common word never
 * costs its whole GIN posting list. One row with `low` even when nothing matched.
 */
export const EVENT_SEARCH_WINDOW_SQL = `
  WITH reader AS (
    SELECT array_agg(thread_id) AS ids FROM thread_access WHERE user_id = $1 AND thread_id = ANY ($2::text[])
  ), edge AS (
    SELECT coalesce(max(x.position), 0) AS low
    FROM reader, unnest(reader.ids) AS r(thread_id)
    CROSS JOIN LATERAL (
      SELECT w.position FROM event_search AS w WHERE w.thread_id = r.thread_id AND w.position < $3
      ORDER BY w.position DESC OFFSET $4 LIMIT 1
    ) AS x
  ), page AS (
    SELECT s.position, s.thread_id, s.thread_seq FROM event_search AS s, reader, edge
    WHERE s.thread_id = ANY (reader.ids) AND s.position >= edge.low AND s.position < $3
      AND ts_match_vq(s.document, $5::tsquery)
    ORDER BY s.position DESC LIMIT $6
  )
  SELECT edge.low, p.position, p.thread_id, p.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM edge
  LEFT JOIN page AS p ON true ${PAGE_EVENT}
  ORDER BY p.position DESC`;

/**
 * Search in PostgreSQL: `event_search` (messages and notes) and `thread_search` (titles,
 * names, visitor labels), `tsvector` columns with GIN indexes, filled by migration 9's
 * triggers in the transaction of each commit.
 */
export class PostgresSearch implements SearchStore {
  /**
   * Each search's parsed terms, by the terms' array: a search asks for threads and then events
   * with the same array, and parses it once (one round trip, not two).
   */
  private readonly parsed = new WeakMap<readonly SearchTerm[], Promise<string>>();

  constructor(private readonly sql: postgres.Sql) {}

  async threads(
    userId: string,
    terms: readonly SearchTerm[],
    page: { after: ThreadSearchCursor | null; limit: number },
  ): Promise<ThreadSearchHit[]> {
    const words = await this.tsquery(terms);
    if (words === '') return [];
    const after = page.after;
    const params = [words, userId, after?.createdAt ?? null, after?.id ?? '', page.limit];
    const rows = await this.sql.unsafe<Row[]>(THREAD_SEARCH_SQL, params, PLANNED_EACH_TIME);
    return rows.map((row) => ({ threadId: row.id as string, createdAt: iso(row.created_at), text: row.body as string }));
  }

  /**
   * A reader of few threads (or one thread) gets the window of their newest rows first: a
   * common word fills the page there. Fewer matches than the page there, with rows left below
   * the window: the GIN index finds the rest below it, which rare words are.
   */
  async events(
    userId: string,
    terms: readonly SearchTerm[],
    page: { threadId: string | null; before: number | null; limit: number },
  ): Promise<EventSearchHit[]> {
    const words = await this.tsquery(terms);
    if (words === '') return [];
    const before = page.before ?? NO_POSITION;
    const threads = await this.readerThreads(userId, page.threadId);
    if (threads === null) {
      const rows = await this.sql.unsafe<Row[]>(EVENT_SEARCH_SQL, [words, before, userId, page.limit], PLANNED_EACH_TIME);
      return rows.map(eventHit);
    }
    const first = await this.window(userId, threads, before, WINDOW_ROWS, words, page.limit);
    const hits = first.hits;
    let low = first.low;
    if (hits.length === page.limit || low === 0) return hits;
    // The rate of matches in the first window says how many rows the rest of the page needs.
    const wanted = hits.length === 0 ? Infinity : (((page.limit - hits.length) * WINDOW_ROWS) / hits.length) * SECOND_WINDOW_MARGIN;
    if (wanted <= MAX_SECOND_WINDOW_ROWS) {
      const second = await this.window(userId, threads, low, Math.ceil(wanted), words, page.limit - hits.length);
      hits.push(...second.hits);
      low = second.low;
      if (hits.length === page.limit || low === 0) return hits;
    }
    // No readable thread: a lexeme no thread has, so the index answers "none" at once.
    const lexemes = threads.length > 0 ? threads.map(threadLexeme).join(' | ') : `'#'`;
    const params = [`(${words}) & (${lexemes})`, low, userId, page.limit - hits.length];
    const older = await this.sql.unsafe<Row[]>(EVENT_SEARCH_IN_THREADS_SQL, params, PLANNED_EACH_TIME);
    return [...hits, ...older.map(eventHit)];
  }

  /** The `tsquery` text of `terms` ({@link TSQUERY_SQL}); '' matches nothing. */
  private tsquery(terms: readonly SearchTerm[]): Promise<string> {
    let query = this.parsed.get(terms);
    if (query === undefined) {
      query = this.parse(terms);
      this.parsed.set(terms, query);
    }
    return query;
  }

  private async parse(terms: readonly SearchTerm[]): Promise<string> {
    // The flags go as text: the driver would send an array of booleans as one boolean.
    const params = [terms.map((term) => term.words.join(' ')), terms.map((term) => String(term.prefix))];
    // Its plan does not depend on the words: prepared once.
    const [row] = await this.sql.unsafe<{ query: string }[]>(TSQUERY_SQL, params, { prepare: true });
    return row?.query ?? '';
  }

  /** The matches among about `rows` newest rows of `threads` before `before`, and where that window ends (0: it held every row). */
  private async window(
    userId: string,
    threads: string[],
    before: number,
    rows: number,
    words: string,
    limit: number,
  ): Promise<{ hits: EventSearchHit[]; low: number }> {
    const perThread = Math.ceil(rows / Math.max(1, threads.length));
    // The window's plan does not depend on the words (no index answers them): prepared once.
    const params = [userId, threads, before, perThread - 1, words, limit];
    const found = await this.sql.unsafe<Row[]>(EVENT_SEARCH_WINDOW_SQL, params, { prepare: true });
    return { hits: found.filter((row) => row.position !== null).map(eventHit), low: Number(found[0]?.low ?? 0) };
  }

  /** The threads to search: `threadId` alone, or the reader's when few enough to name; null when more. */
  private async readerThreads(userId: string, threadId: string | null): Promise<string[] | null> {
    if (threadId !== null) return [threadId];
    const rows = await this.sql<{ thread_id: string }[]>`
      SELECT thread_id FROM thread_access WHERE user_id = ${userId} LIMIT ${MAX_THREAD_TERMS + 1}`;
    return rows.length > MAX_THREAD_TERMS ? null : rows.map((row) => row.thread_id);
  }
}

function eventHit(row: Row): EventSearchHit {
  return {
    position: Number(row.position),
    threadId: row.thread_id as string,
    threadSeq: Number(row.thread_seq),
    eventType: row.event_type as string,
    senderId: row.sender_id as SenderId,
    createdAt: iso(row.created_at),
    text: indexedText(row.content, row.data),
  };
}
