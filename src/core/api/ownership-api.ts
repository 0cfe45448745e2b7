/**
 * [ext] The inbox's calls for ownership, notes, queues and search (CONTRACT §11), validated at
 * the boundary like the rest of the inbox API (inbox-api.ts spreads them in). The contract
 * does not fix what the change calls answer: a thread in the answer is read, anything else is
 * left to the `thread_event` each change commits.
 */
import * as v from 'valibot';
import type { ThreadStatus } from '../protocol/model.ts';
import {
  parseSearchPage,
  parseThreadPage,
  threadCountsSchema,
  threadSchema,
  type InboundThread,
  type InvalidItemHandler,
  type SearchResult,
  type ThreadCounts,
} from '../protocol/rest-schemas.ts';
import { parseEvent, type InboundEvent } from '../protocol/server-frame-schemas.ts';
import { parseWith, type HttpClient } from './http-client.ts';

/** Which threads a queue lists (`GET /chat/threads` filters, CONTRACT §11); absent fields do not filter. */
export interface ThreadFilter {
  /** One status, or any of several (sent as a comma list; `['waiting']` alone is oldest first). */
  status?: ThreadStatus | readonly ThreadStatus[];
  assignee?: 'me' | 'none' | `user:${string}`;
  kind?: 'public' | 'private';
}

export interface SearchQuery {
  q: string;
  /** Only this thread's messages and notes. */
  threadId?: string;
  limit?: number;
  cursor?: string | null;
}

export interface OwnershipApi {
  /** A queue's threads, page by page; with `status: 'waiting'` the longest waiting first. */
  listQueue(
    filter: ThreadFilter,
    page?: { limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ): Promise<{ threads: InboundThread[]; next_cursor: string | null }>;
  /** The caller's queue counts. */
  threadCounts(signal?: AbortSignal): Promise<ThreadCounts>;
  /** Sets the status (`snoozedUntil` with `snoozed`); resolves with the thread when the server sends it back. */
  setStatus(threadId: string, status: ThreadStatus, snoozedUntil?: string | null, signal?: AbortSignal): Promise<InboundThread | null>;
  /** Assigns the thread (`null` unassigns); an assignee who cannot read it is `client_error`. */
  setAssignee(threadId: string, assigneeId: string | null, signal?: AbortSignal): Promise<InboundThread | null>;
  /** The caller takes the conversation over: assignee, agent paused, status open. */
  takeOver(threadId: string, signal?: AbortSignal): Promise<InboundThread | null>;
  /** The agent answers again. */
  handBack(threadId: string, signal?: AbortSignal): Promise<InboundThread | null>;
  /**
   * Adds a private note; idempotent on `client_message_id` like a message (CONTRACT §4).
   * Resolves with its `note_added` event when the answer carries one with its seq, else null.
   */
  addNote(threadId: string, body: { content: string; client_message_id: string }, signal?: AbortSignal): Promise<InboundEvent | null>;
  /** Messages, notes and threads matching `q` (never empty), newest first, threads ranked first. */
  search(query: SearchQuery, signal?: AbortSignal): Promise<{ results: SearchResult[]; next_cursor: string | null }>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The thread in a change call's answer (bare or as `{thread}`), or null. */
function threadIn(json: unknown): InboundThread | null {
  const candidate = isObject(json) && isObject(json.thread) ? json.thread : json;
  const result = v.safeParse(threadSchema, candidate);
  return result.success ? result.output : null;
}

/**
 * The note's `note_added` event from the answer: the event itself, or the note (bare, or as
 * `{note}`) with its seq, rebuilt as its event. Null when the answer does not say its seq.
 */
export function noteEventIn(json: unknown, threadId: string): InboundEvent | null {
  const inner = isObject(json) && isObject(json.note) ? json.note : isObject(json) && isObject(json.event) ? json.event : json;
  if (!isObject(inner)) return null;
  if (inner.event_type === 'note_added') return parseEvent(inner);
  const noteId = typeof inner.note_id === 'string' ? inner.note_id : typeof inner.id === 'string' ? inner.id : null;
  return parseEvent({
    event_id: typeof inner.event_id === 'string' ? inner.event_id : undefined,
    thread_id: typeof inner.thread_id === 'string' ? inner.thread_id : threadId,
    thread_seq: inner.thread_seq,
    event_type: 'note_added',
    sender_id: inner.sender_id,
    created_at: inner.created_at,
    data: { note_id: noteId, content: inner.content, client_message_id: inner.client_message_id },
  });
}

/** The §11 calls over the inbox API's HTTP client. */
export function ownershipCalls(http: HttpClient, onInvalid?: InvalidItemHandler): OwnershipApi {
  const thread = (id: string) => `/chat/threads/${encodeURIComponent(id)}`;
  // A 204 resolves with undefined: no thread in the answer.
  const change = async (method: 'PUT' | 'POST', path: string, body: unknown, signal?: AbortSignal) =>
    (await http.request<InboundThread | null>(method, path, { body, signal, parse: threadIn })) ?? null;
  return {
    listQueue: (filter, page = {}, signal) =>
      http.request('GET', '/chat/threads', {
        query: {
          status: typeof filter.status === 'string' ? filter.status : filter.status?.join(','),
          assignee: filter.assignee,
          kind: filter.kind,
          limit: page.limit,
          cursor: page.cursor,
        },
        signal,
        parse: (json) => parseThreadPage(json, onInvalid),
      }),
    threadCounts: (signal) => http.request('GET', '/chat/threads/counts', { signal, parse: parseWith(threadCountsSchema) }),
    setStatus: (threadId, status, snoozedUntil, signal) =>
      change(
        'PUT',
        `${thread(threadId)}/status`,
        status === 'snoozed' ? { status, snoozed_until: snoozedUntil ?? null } : { status },
        signal,
      ),
    setAssignee: (threadId, assigneeId, signal) => change('PUT', `${thread(threadId)}/assignee`, { assignee_id: assigneeId }, signal),
    takeOver: (threadId, signal) => change('POST', `${thread(threadId)}/takeover`, undefined, signal),
    handBack: (threadId, signal) => change('POST', `${thread(threadId)}/handback`, undefined, signal),
    addNote: async (threadId, body, signal) =>
      (await http.request<InboundEvent | null>('POST', `${thread(threadId)}/notes`, {
        body: { content: body.content, client_message_id: body.client_message_id },
        signal,
        parse: (json) => noteEventIn(json, threadId),
      })) ?? null,
    search: (query, signal) =>
      http.request('GET', '/chat/search', {
        query: { q: query.q, thread_id: query.threadId, limit: query.limit, cursor: query.cursor },
        signal,
        parse: (json) => parseSearchPage(json, onInvalid),
      }),
  };
}
