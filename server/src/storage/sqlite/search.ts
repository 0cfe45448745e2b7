import type Database from 'better-sqlite3';
import type { SenderId } from '../../../../src/core/protocol/model.ts';
import { fts5Expression, type SearchTerm } from '../../search/search-query.ts';
import { str, type Row } from './rows.ts';
import {
  MAX_THREAD_TERMS,
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
 */
export const EVENT_SEARCH_SQL = `
  SELECT s.rowid AS position, s.thread_id, s.thread_seq, e.event_type, e.sender_id, e.content, e.data, e.created_at
  FROM event_search AS s
  JOIN events AS e ON e.thread_id = s.thread_id AND e.thread_seq = s.thread_seq
  WHERE s.event_search MATCH ? AND s.rowid < ?
    AND EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = ? AND a.thread_id = s.thread_id)
  ORDER BY s.rowid DESC LIMIT ?`;

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
 * `thread_search` (titles, names, visitor labels), filled by migration 11's triggers.
 * Results come in index order (rowid descending), so a page reads only as far as it needs.
 */
export class SqliteSearch implements SearchStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      readableThreads: db.prepare('SELECT thread_id FROM thread_access WHERE user_id = ? LIMIT ?').pluck(),
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
    const match = this.matchExpression(userId, terms, page.threadId);
    const rows = this.stmt.events.all(match, page.before ?? NO_POSITION, userId, page.limit) as Row[];
    return rows.map((row) => ({
      position: Number(row.position),
      threadId: str(row.thread_id),
      threadSeq: Number(row.thread_seq),
      eventType: str(row.event_type),
      senderId: str(row.sender_id) as SenderId,
      createdAt: str(row.created_at),
      text: eventText(row),
    }));
  }

  /** The words, and the reader's threads when they are few enough to be terms of the index. */
  private matchExpression(userId: string, terms: readonly SearchTerm[], threadId: string | null): string {
    const words = fts5Expression(terms, 'body');
    const threads = threadId === null ? (this.stmt.readableThreads.all(userId, MAX_THREAD_TERMS + 1) as string[]) : [threadId];
    if (threads.length > MAX_THREAD_TERMS) return words;
    // No readable thread: a term no thread has, so the index answers "none" at once.
    const keys = threads.length > 0 ? threads.map((id) => `"${threadKey(id)}"`).join(' OR ') : '"x"';
    return `${words} AND {thread_key} : (${keys})`;
  }
}

/** The indexed text of an event row: a message's content, a note's `data.content`. */
function eventText(row: Row): string {
  if (typeof row.content === 'string' && row.content !== '') return row.content;
  const data = JSON.parse(str(row.data)) as { content?: unknown };
  return typeof data.content === 'string' ? data.content : '';
}
