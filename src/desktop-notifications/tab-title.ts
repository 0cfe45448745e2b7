import { hashKey, type QueryClient } from '@tanstack/react-query';
import { flattenThreads, threadKeys, type ThreadPages } from '../threads/thread-queries.ts';

/** Unread counts above this show as "99+". */
const MAX_SHOWN_UNREAD = 99;

/** "(3) Inbox" while there are unread messages. */
export function tabTitle(unread: number, base: string): string {
  return unread > 0 ? `(${unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : unread}) ${base}` : base;
}

/**
 * Keeps `document.title` on the unread count of the thread list in the query cache. A plain
 * subscription to the cache, outside React: it stays current in a hidden tab, whose React
 * tree does not render. Returns a function that stops it.
 */
export function watchTabTitle(queryClient: QueryClient, base: string): () => void {
  const listHash = hashKey(threadKeys.all);
  const update = () => {
    const threads = flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all));
    const title = tabTitle(
      threads.reduce((total, thread) => total + thread.unread_count, 0),
      base,
    );
    if (document.title !== title) document.title = title;
  };
  update();
  return queryClient.getQueryCache().subscribe((event) => {
    if (event.query.queryHash === listHash) update();
  });
}
