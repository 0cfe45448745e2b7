import type postgres from 'postgres';
import type { SenderId } from '../../../../src/core/protocol/model.ts';
import { tsqueryText, type SearchTerm } from '../../search/search-query.ts';
import { iso, type Row } from './rows.ts';
import {
  MAX_THREAD_TERMS,
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

function eventSearchSql(order: string): string {
  return `
  SELECT s.position, s.thread_id, s.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM event_search AS s
  JOIN events AS e ON e.thread_id = s.thread_id AND e.thread_seq = s.thread_seq
  WHERE s.document @@ $1::tsquery AND s.position < $2
    AND EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = $3 AND a.thread_id = s.thread_id)
  ORDER BY ${order} DESC LIMIT $4`;
}

/**
 * Search in PostgreSQL: `event_search` (messages and notes) and `thread_search` (titles,
 * names, visitor labels), `tsvector` columns with GIN indexes, filled by migration 9's
 * triggers in the transaction of each commit.
 */
export class PostgresSearch implements SearchStore {
  constructor(private readonly sql: postgres.Sql) {}

  async threads(
    userId: string,
    terms: readonly SearchTerm[],
    page: { after: ThreadSearchCursor | null; limit: number },
  ): Promise<ThreadSearchHit[]> {
    const after = page.after;
    const params = [tsqueryText(terms), userId, after?.createdAt ?? null, after?.id ?? '', page.limit];
    const rows = await this.sql.unsafe<Row[]>(THREAD_SEARCH_SQL, params, PLANNED_EACH_TIME);
    return rows.map((row) => ({ threadId: row.id as string, createdAt: iso(row.created_at), text: row.body as string }));
  }

  async events(
    userId: string,
    terms: readonly SearchTerm[],
    page: { threadId: string | null; before: number | null; limit: number },
  ): Promise<EventSearchHit[]> {
    const { query, inThreads } = await this.eventQuery(userId, terms, page.threadId);
    const params = [query, page.before ?? NO_POSITION, userId, page.limit];
    const statement = inThreads ? EVENT_SEARCH_IN_THREADS_SQL : EVENT_SEARCH_SQL;
    const rows = await this.sql.unsafe<Row[]>(statement, params, PLANNED_EACH_TIME);
    return rows.map((row) => ({
      position: Number(row.position),
      threadId: row.thread_id as string,
      threadSeq: Number(row.thread_seq),
      eventType: row.event_type as string,
      senderId: row.sender_id as SenderId,
      createdAt: iso(row.created_at),
      text: eventText(row),
    }));
  }

  /** The words, and the reader's threads when they are few enough to be lexemes of the query. */
  private async eventQuery(
    userId: string,
    terms: readonly SearchTerm[],
    threadId: string | null,
  ): Promise<{ query: string; inThreads: boolean }> {
    const words = tsqueryText(terms);
    const threads =
      threadId === null
        ? (
            await this.sql<{ thread_id: string }[]>`
            SELECT thread_id FROM thread_access WHERE user_id = ${userId} LIMIT ${MAX_THREAD_TERMS + 1}`
          ).map((row) => row.thread_id)
        : [threadId];
    if (threads.length > MAX_THREAD_TERMS) return { query: words, inThreads: false };
    // No readable thread: a lexeme no thread has, so the index answers "none" at once.
    const lexemes = threads.length > 0 ? threads.map(threadLexeme).join(' | ') : `'#'`;
    return { query: `(${words}) & (${lexemes})`, inThreads: true };
  }
}

/** The indexed text of an event row: a message's content, a note's `data.content`. */
function eventText(row: Row): string {
  if (typeof row.content === 'string' && row.content !== '') return row.content;
  const data = row.data as { content?: unknown } | null;
  return typeof data?.content === 'string' ? data.content : '';
}
