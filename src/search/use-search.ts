import { useEffect, useState } from 'react';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { SearchResult } from '../core/protocol/rest-schemas.ts';

/** Typing pauses this long before a search goes out: one request per pause, not per key. */
export const SEARCH_DEBOUNCE_MS = 200;
/** Results asked for at once. */
export const SEARCH_LIMIT = 20;

export type SearchState =
  | { status: 'idle' }
  | { status: 'loading'; results: readonly SearchResult[] }
  | { status: 'done'; results: readonly SearchResult[] }
  | { status: 'failed'; error: unknown };

const EMPTY: readonly SearchResult[] = [];

/**
 * Results for `query` as the user types: sent after {@link SEARCH_DEBOUNCE_MS} of quiet; a
 * newer query aborts the request of an older one, so a late answer never replaces a newer
 * one. While a new search runs the previous results stay on screen.
 */
export function useSearch(api: Pick<InboxApi, 'search'>, query: string): SearchState {
  const [answer, setAnswer] = useState<{ q: string; state: SearchState }>({ q: '', state: { status: 'idle' } });
  const q = query.trim();
  useEffect(() => {
    if (!q) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.search({ q, limit: SEARCH_LIMIT }, controller.signal).then(
        (page) => {
          if (!controller.signal.aborted) setAnswer({ q, state: { status: 'done', results: page.results } });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setAnswer({ q, state: { status: 'failed', error } });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, q]);
  if (!q) return { status: 'idle' };
  if (answer.q !== q) return { status: 'loading', results: 'results' in answer.state ? answer.state.results : EMPTY };
  return answer.state;
}
