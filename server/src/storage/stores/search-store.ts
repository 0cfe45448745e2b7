import type { SenderId } from '../../../../src/core/protocol/model.ts';
import type { SearchTerm } from '../../search/search-query.ts';

/**
 * The durable event types whose text is indexed for search: messages and private notes
 * (CONTRACT §11). The migrations' triggers name the same list.
 */
export const SEARCHABLE_EVENT_TYPES = ['message_committed', 'note_added'] as const;

/**
 * The indexed text of a searchable event: its content, else a note's `data.content`. `data`
 * is the event's data as the storage holds it: an object, or (SQLite) its JSON text, parsed
 * only when the content is empty. SQLite's triggers compute the same in SQL (`indexedTextOf`,
 * sqlite/schema.ts): FTS5 forgets a row only when told the text it indexed, so a change here
 * needs a migration there.
 */
export function indexedText(content: unknown, data: unknown): string {
  if (typeof content === 'string' && content !== '') return content;
  const parsed = (typeof data === 'string' ? JSON.parse(data) : data) as { content?: unknown } | null;
  return typeof parsed?.content === 'string' ? parsed.content : '';
}

/**
 * Readable threads up to which a search filters by thread inside the text index (one
 * index term per thread); a user who reads more is filtered row by row on `thread_access`.
 */
export const MAX_THREAD_TERMS = 200;

/** A thread found by its title, its participants' names or its visitor's label. */
export interface ThreadSearchHit {
  threadId: string;
  createdAt: string;
  /** What was searched: the title, the participants' names and the visitor's label, joined by " · ". */
  text: string;
}

/** A message or note found by its text. */
export interface EventSearchHit {
  /** The order of indexing (commit order): newest first is highest first. */
  position: number;
  threadId: string;
  threadSeq: number;
  eventType: string;
  senderId: SenderId;
  createdAt: string;
  text: string;
}

/** Where a page of thread matches starts: after this thread (newest created first). */
export interface ThreadSearchCursor {
  createdAt: string;
  id: string;
}

/**
 * Full-text search over what a user may read (`storage.search`). The indexes are kept by
 * the databases' triggers in the transaction of each commit; reads here only look them up.
 * Who may read a thread is `thread_access`, the rule every other read uses.
 */
export interface SearchStore {
  /** Threads the user reads that match every term, newest created first. */
  threads(
    userId: string,
    terms: readonly SearchTerm[],
    page: { after: ThreadSearchCursor | null; limit: number },
  ): Promise<ThreadSearchHit[]>;
  /**
   * Messages and notes the user may read that match every term, newest first, only in
   * `threadId` when it is given (the caller checked that the user reads it).
   */
  events(
    userId: string,
    terms: readonly SearchTerm[],
    page: { threadId: string | null; before: number | null; limit: number },
  ): Promise<EventSearchHit[]>;
}
