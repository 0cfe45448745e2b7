import type Database from 'better-sqlite3';
import type { SenderId } from '../../../../src/core/protocol/model.ts';
import { fts5Expression, type SearchTerm } from '../../search/search-query.ts';
import { str, type Row } from './rows.ts';
import {
  MAX_THREAD_TERMS,
  indexedText,
  type EventSearchHit,
  type SearchStore,
  type ThreadSearchCursor,
  type ThreadSearchHit,
} from '../stores/search-store.ts';

/** Above every rowid: the first page of events. */
const NO_POSITION = Number.MAX_SAFE_INTEGER;

/** After every ISO time: the first page of threads. */
const NO_TIME = '\uffff';

/** The index term of a thread in `event_search.thread_key` (migration 11). */
export function threadKey(threadId: string): string {
  return `x${threadId.replaceAll('-', '')}`;
}

/**
 * Messages and notes matching an FTS5 expression before a rowid that a user reads, newest first.
 * The access check stays even where the index already filtered by thread: it is the rule, the index a shortcut.
 * It runs on the index's rows before any event is read, so a match in a thread the user does not read costs no
 * lookup in `events` (the inner query's LIMIT keeps SQLite from joining first).
 */
export const EVENT_SEARCH_SQL = `
  SELECT h.position, h.thread_id, h.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM (
    SELECT s.rowid AS position, s.thread_id, s.thread_seq FROM event_search AS s
    WHERE s.event_search MATCH ? AND s.rowid < ?
      AND EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = ? AND a.thread_id = s.thread_id)
    ORDER BY s.rowid DESC LIMIT ?
  ) AS h
  JOIN events AS e ON e.thread_id = h.thread_id AND e.thread_seq = h.thread_seq
  ORDER BY h.position DESC`;

/** The rows matching an FTS5 expression before a rowid, newest first; read lazily, so a caller stops when it has seen enough. */
export const EVENT_SCAN_SQL = `
  SELECT s.rowid AS position, s.thread_id, s.thread_seq
  FROM event_search AS s WHERE s.event_search MATCH ? AND s.rowid < ? ORDER BY s.rowid DESC`;

/** One event by its place in the log, if the user reads its thread (the rule, checked again for each scanned match). */
const READABLE_EVENT_SQL = `
  SELECT ? AS position, e.thread_id, e.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM events AS e WHERE e.thread_id = ? AND e.thread_seq = ?
    AND EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = ? AND a.thread_id = e.thread_id)`;

/**
 * For a reader of at most {@link MAX_THREAD_TERMS} threads, the rows of the words alone are first checked
 * one by one against the reader's threads, up to this many, before the threads' terms join the expression.
 * FTS5's OR looks at every one of its terms at each step: over a hundred threads' terms and their 10,000
 * rows it costs 15–30 ms, most of a rare-word search ("order kalomi", 510 rows in a million, took 8 ms
 * of CPU that way and 5.5 ms this way). Common words fill a page within their first rows for a reader of
 * ordinary threads; words with more rows than this and few in the reader's threads take the terms.
 */
export const FEW_MATCHES = 5_000;

/** Threads a user reads matching an FTS5 expression, created before a (time, id), newest first. */
export const THREAD_SEARCH_SQL = `
  SELECT t.id, t.created_at, text.body
  FROM thread_search JOIN thread_search_text AS text ON text.id = thread_search.rowid
  JOIN threads AS t ON t.id = text.thread_id
  JOIN thread_access AS a ON a.thread_id = t.id AND a.user_id = ?
  WHERE thread_search MATCH ? AND (t.created_at < ? OR (t.created_at = ? AND t.id < ?))
  ORDER BY t.created_at DESC, t.id DESC LIMIT ?`;

/**
 * Search in the SQLite file: FTS5 tables `event_search` (messages and notes) and
 * `thread_search` (titles, names, visitor labels), kept by the triggers of migrations 13 and 14.
 * Results come in index order (rowid descending), so a page reads only as far as it needs.
 */
export class SqliteSearch implements SearchStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      readableThreads: db.prepare('SELECT thread_id FROM thread_access WHERE user_id = ? LIMIT ?').pluck(),
      scan: db.prepare(EVENT_SCAN_SQL).raw(),
      readableEvent: db.prepare(READABLE_EVENT_SQL),
      events: db.prepare(EVENT_SEARCH_SQL),
      threads: db.prepare(THREAD_SEARCH_SQL),
    };
  }

  async threads(
    userId: string,
    terms: readonly SearchTerm[],
    page: { after: ThreadSearchCursor | null; limit: number },
  ): Promise<ThreadSearchHit[]> {
    const at = page.after ?? { createdAt: NO_TIME, id: '' };
    const rows = this.stmt.threads.all(userId, fts5Expression(terms, 'body'), at.createdAt, at.createdAt, at.id, page.limit) as Row[];
    return rows.map((row) => ({ threadId: str(row.id), createdAt: str(row.created_at), text: str(row.body) }));
  }

  async events(
    userId: string,
    terms: readonly SearchTerm[],
    page: { threadId: string | null; before: number | null; limit: number },
  ): Promise<EventSearchHit[]> {
    const before = page.before ?? NO_POSITION;
    const words = fts5Expression(terms, 'body');
    let rows: Row[];
    if (page.threadId !== null) {
      rows = this.stmt.events.all(`${words} AND {thread_key} : ("${threadKey(page.threadId)}")`, before, userId, page.limit) as Row[];
    } else {
      const threads = this.stmt.readableThreads.all(userId, MAX_THREAD_TERMS + 1) as string[];
      rows =
        threads.length > MAX_THREAD_TERMS
          ? (this.stmt.events.all(words, before, userId, page.limit) as Row[])
          : this.fewThreads(userId, words, threads, before, page.limit);
    }
    return rows.map((row) => ({
      position: Number(row.position),
      threadId: str(row.thread_id),
      threadSeq: Number(row.thread_seq),
      eventType: str(row.event_type),
      senderId: str(row.sender_id) as SenderId,
      createdAt: str(row.created_at),
      text: indexedText(row.content, row.data),
    }));
  }

  /** A page for a reader of few threads: the words' rows checked one by one, then (if many) the thread terms. */
  private fewThreads(userId: string, words: string, threads: readonly string[], before: number, limit: number): Row[] {
    // No readable thread: nothing to find.
    if (threads.length === 0) return [];
    const readable = new Set(threads);
    const hits: [number, string, number][] = [];
    let scanned = 0;
    let last = before;
    for (const row of this.stmt.scan.iterate(words, before) as IterableIterator<[number, string, number]>) {
      scanned++;
      last = row[0];
      if (readable.has(row[1])) hits.push(row);
      if (hits.length === limit || scanned === FEW_MATCHES) break;
    }
    // Events are read once the scan is closed (better-sqlite3 runs one statement at a time on a connection).
    const found = hits
      .map(([position, threadId, threadSeq]) => this.stmt.readableEvent.get(position, threadId, threadSeq, userId) as Row | undefined)
      .filter((row) => row !== undefined);
    if (hits.length === limit || scanned < FEW_MATCHES) return found;
    const keys = threads.map((id) => `"${threadKey(id)}"`).join(' OR ');
    const rest = this.stmt.events.all(`${words} AND {thread_key} : (${keys})`, last, userId, limit - found.length) as Row[];
    return [...found, ...rest];
  }
}
