import { useCallback, useEffect, useRef, useState } from 'react';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { SearchResult } from '../core/protocol/rest-schemas.ts';

/** Typing pauses this long before a search goes out: one request per pause, not per key. */
export const SEARCH_DEBOUNCE_MS = 200;
/** Results asked for at once (the first page and each next one). */
export const SEARCH_LIMIT = 20;

export type SearchState =
  | { status: 'idle' }
  | { status: 'loading'; results: readonly SearchResult[] }
  | { status: 'done'; results: readonly SearchResult[] }
  | { status: 'failed'; error: unknown };

/** The pages after the first: whether there are more, and how asking for the next went. */
export type MoreState = { status: 'none' } | { status: 'ready' } | { status: 'loading' } | { status: 'failed'; error: unknown };

export interface Search {
  state: SearchState;
  more: MoreState;
  /** Asks for the next page (`cursor=next_cursor`) when there is one and none is on its way. */
  loadMore(): void;
}

const EMPTY: readonly SearchResult[] = [];
const NO_MORE: MoreState = { status: 'none' };

/** One result once: a page may repeat what an earlier one had (the log moved in between). */
const resultKey = (result: SearchResult) => `${result.thread_id}|${result.event_type}|${result.thread_seq ?? ''}`;

interface Answer {
  q: string;
  state: SearchState;
  cursor: string | null;
  more: MoreState;
}

/**
 * Results for `query` as the user types: sent after {@link SEARCH_DEBOUNCE_MS} of quiet; a
 * newer query aborts the requests of an older one (its first page and its next pages), so a
 * late answer never replaces a newer one. While a new search runs the previous results stay
 * on screen. `loadMore` appends the next page, each result once.
 */
export function useSearch(api: Pick<InboxApi, 'search'>, query: string): Search {
  const [answer, setAnswer] = useState<Answer>({ q: '', state: { status: 'idle' }, cursor: null, more: NO_MORE });
  const q = query.trim();
  /** Aborts the query's requests when it changes or the dialog goes. */
  const controllerRef = useRef<AbortController | null>(null);
  useEffect(() => {
    if (!q) return;
    const controller = new AbortController();
    controllerRef.current = controller;
    const timer = setTimeout(() => {
      api.search({ q, limit: SEARCH_LIMIT }, controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          const cursor = page.next_cursor;
          setAnswer({ q, state: { status: 'done', results: page.results }, cursor, more: cursor ? { status: 'ready' } : NO_MORE });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setAnswer({ q, state: { status: 'failed', error }, cursor: null, more: NO_MORE });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, q]);

  const loadMore = useCallback(() => {
    const controller = controllerRef.current;
    const { q: asked, state, cursor, more } = answer;
    if (!controller || asked !== q || state.status !== 'done' || !cursor || more.status === 'loading') return;
    setAnswer({ ...answer, more: { status: 'loading' } });
    api.search({ q: asked, limit: SEARCH_LIMIT, cursor }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setAnswer((current) => {
          if (current.q !== asked || current.cursor !== cursor || current.state.status !== 'done') return current;
          const seen = new Set(current.state.results.map(resultKey));
          const added = page.results.filter((result) => !seen.has(resultKey(result)));
          const next = page.next_cursor;
          return {
            q: asked,
            state: { status: 'done', results: [...current.state.results, ...added] },
            cursor: next,
            more: next ? { status: 'ready' } : NO_MORE,
          };
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setAnswer((current) =>
          current.q === asked && current.cursor === cursor ? { ...current, more: { status: 'failed', error } } : current,
        );
      },
    );
  }, [api, answer, q]);

  if (!q) return { state: { status: 'idle' }, more: NO_MORE, loadMore };
  if (answer.q !== q)
    return { state: { status: 'loading', results: 'results' in answer.state ? answer.state.results : EMPTY }, more: NO_MORE, loadMore };
  return { state: answer.state, more: answer.more, loadMore };
}
