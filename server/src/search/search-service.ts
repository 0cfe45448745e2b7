import { badRequest } from '../http/errors.ts';
import type { Storage } from '../storage/storage.ts';
import type { EventSearchHit, ThreadSearchHit } from '../storage/stores/search-store.ts';
import { markdownToPlainText } from '../../../src/markdown-core/markdown-plain-text.ts';
import type { Principal } from '../threads/principal.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { decodeSearchCursor, encodeSearchCursor, type SearchCursor } from './search-cursor.ts';
import { parseSearchQuery, type SearchTerm } from './search-query.ts';
import { buildSnippet, type Snippet } from './snippet.ts';

/** One result of `GET /chat/search` (CONTRACT §11): a message, a note, or a thread (no `thread_seq`). */
export interface SearchResult {
  thread_id: string;
  thread_seq?: number;
  event_type: string;
  sender_id: string | null;
  created_at: string;
  snippet: Snippet;
}

export interface SearchRequest {
  q: string;
  threadId: string | null;
  limit: number;
  cursor: string | null;
}

/**
 * Runs a user's search: thread matches first (unless the search is within one thread), then
 * messages and notes, newest first, each page continuing where the last one ended.
 */
export async function searchFor(
  storage: Storage,
  threads: ThreadService,
  user: Extract<Principal, { kind: 'user' }>,
  request: SearchRequest,
): Promise<{ results: SearchResult[]; next_cursor: string | null }> {
  const terms = parseSearchQuery(request.q);
  if (terms.length === 0) throw badRequest('q must contain at least one word.');
  let cursor: SearchCursor | null = request.cursor === null ? null : decodeSearchCursor(request.cursor);
  // Within one thread: the rule of every other read (404 unknown, 403 not theirs).
  if (request.threadId !== null) await threads.access(user, request.threadId);

  const results: SearchResult[] = [];
  let next: SearchCursor | null = null;
  if (request.threadId === null && (cursor === null || cursor.kind === 'thread')) {
    const after = cursor?.kind === 'thread' ? { createdAt: cursor.createdAt, id: cursor.id } : null;
    // One more than asked for tells whether threads go on past this page.
    const hits = await storage.search.threads(user.id, terms, { after, limit: request.limit + 1 });
    for (const hit of hits.slice(0, request.limit)) results.push(threadResult(hit, terms));
    if (hits.length > request.limit) {
      const last = hits[request.limit - 1]!;
      next = { kind: 'thread', createdAt: last.createdAt, id: last.threadId };
    }
    cursor = null;
  }
  const room = request.limit - results.length;
  if (next === null && room > 0) {
    const before = cursor?.kind === 'event' ? cursor.before : null;
    const hits = await storage.search.events(user.id, terms, { threadId: request.threadId, before, limit: room + 1 });
    for (const hit of hits.slice(0, room)) results.push(eventResult(hit, terms));
    if (hits.length > room) next = { kind: 'event', before: hits[room - 1]!.position };
  } else if (next === null) {
    // The page is full of threads and they ended with it: messages start on the next page.
    next = { kind: 'event', before: Number.MAX_SAFE_INTEGER };
  }
  return { results, next_cursor: next && encodeSearchCursor(next) };
}

function threadResult(hit: ThreadSearchHit, terms: readonly SearchTerm[]): SearchResult {
  return {
    thread_id: hit.threadId,
    event_type: 'thread',
    sender_id: null,
    created_at: hit.createdAt,
    snippet: buildSnippet(hit.text, terms),
  };
}

function eventResult(hit: EventSearchHit, terms: readonly SearchTerm[]): SearchResult {
  return {
    thread_id: hit.threadId,
    thread_seq: hit.threadSeq,
    event_type: hit.eventType,
    sender_id: hit.senderId,
    created_at: hit.createdAt,
    // A message's or note's text is Markdown; its snippet shows the words a reader sees.
    snippet: buildSnippet(markdownToPlainText(hit.text), terms),
  };
}
