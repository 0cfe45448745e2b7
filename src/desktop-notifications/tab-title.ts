import { hashKey, type QueryClient } from '@tanstack/react-query';
import { threadKeys, type ThreadPages } from '../threads/thread-queries.ts';

/** Unread counts above this show as "99+". */
const MAX_SHOWN_UNREAD = 99;

/** "(3) Inbox" while there are unread messages. */
export function tabTitle(unread: number, base: string): string {
  return unread > 0 ? `(${unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : unread}) ${base}` : base;
}

/** The unread messages of every loaded thread (a thread on two pages counts once). */
export function unreadTotal(data: ThreadPages | undefined): number {
  const seen = new Set<string>();
  let total = 0;
  for (const page of data?.pages ?? []) {
    for (const thread of page.threads) {
      if (seen.has(thread.id)) continue;
      seen.add(thread.id);
      total += thread.unread_count;
    }
  }
  return total;
}

/**
 * How long a changed count waits before it is written to the title. Writing the title is
 * costly for the browser (2 to 17 ms each in headless Chromium, measured by bench:ui), and in a hidden tab the count
 * can flip on every message: up for the message, down when a visible tab reads it. The wait
 * folds those flips into one write, and keeps a steady stream to a few writes a second.
 */
export const TITLE_SETTLE_MS = 250;
/**
 * The same in a hidden tab: its title is only seen in the tab strip, where a second late is
 * not noticed, and the browser runs its timers about once a second anyway.
 */
export const HIDDEN_TITLE_SETTLE_MS = 1_000;

const settleMs = () =>
  typeof document !== 'undefined' && document.visibilityState === 'hidden' ? HIDDEN_TITLE_SETTLE_MS : TITLE_SETTLE_MS;

/**
 * Keeps `document.title` on the unread count of the thread list in the query cache. A plain
 * subscription to the cache, outside React: it stays current in a hidden tab, whose React
 * tree does not render. It counts once per new list (not per observer event), and writes the
 * title at most once per {@link TITLE_SETTLE_MS} ({@link HIDDEN_TITLE_SETTLE_MS} while hidden), only when it changed. Returns a function
 * that stops it.
 */
export function watchTabTitle(queryClient: QueryClient, base: string): () => void {
  const listHash = hashKey(threadKeys.all);
  let countedFor: ThreadPages | undefined;
  let wanted = '';
  let shown: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    timer = undefined;
    if (wanted === shown) return;
    shown = wanted;
    document.title = wanted;
  };
  const update = () => {
    const data = queryClient.getQueryData<ThreadPages>(threadKeys.all);
    if (data === countedFor && shown !== null) return;
    countedFor = data;
    wanted = tabTitle(unreadTotal(data), base);
    if (wanted !== shown) timer ??= setTimeout(write, settleMs());
  };
  countedFor = queryClient.getQueryData<ThreadPages>(threadKeys.all);
  wanted = tabTitle(unreadTotal(countedFor), base);
  write();
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.query.queryHash === listHash) update();
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
