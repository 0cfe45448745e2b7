import type { QueryClient } from '@tanstack/react-query';
import type { Activity, SyncEngine } from '../core/engine/sync-engine.ts';
import { mergeSummary, type ThreadSummary } from '../core/engine/thread-summaries.ts';
import { patchThread, removeThread, threadKeys, type ThreadPages } from './thread-queries.ts';

/**
 * How often a hidden tab brings its cached thread list up to date. Nobody sees the list
 * there, only the unread count in the tab's title; patching the list on every message is
 * most of what a hidden tab does while a busy thread streams in another.
 */
export const HIDDEN_LIST_SYNC_MS = 1_000;

const nowIso = () => new Date().toISOString();

export interface ThreadListSyncOptions {
  /** Whether the page is hidden now (default: `document.visibilityState`). */
  isHidden?(): boolean;
  /** Calls `listener` when the page is shown again; returns a stop function (default: `visibilitychange`). */
  onShown?(listener: () => void): () => void;
}

const documentHidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

function onDocumentShown(listener: () => void): () => void {
  if (typeof document === 'undefined') return () => undefined;
  const changed = () => {
    if (!documentHidden()) listener();
  };
  document.addEventListener('visibilitychange', changed);
  return () => document.removeEventListener('visibilitychange', changed);
}

/**
 * Keeps the cached thread list current from the engine's per-thread summaries: previews,
 * order and unread counts change in place (the engine counts each message once, however
 * often it was delivered); a thread the list has never seen makes it refetch.
 *
 * A summary is the thread's whole state, not a change, so while the page is hidden only the
 * latest of each thread is kept, and they are patched in together every
 * {@link HIDDEN_LIST_SYNC_MS} and at once when the page is shown. Returns a stop function.
 */
export function syncThreadList(engine: SyncEngine, queryClient: QueryClient, options: ThreadListSyncOptions = {}): () => void {
  const isHidden = options.isHidden ?? documentHidden;
  const waiting = new Map<string, ThreadSummary>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const apply = () => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.size === 0) return;
    let data = queryClient.getQueryData<ThreadPages>(threadKeys.all);
    let patched = false;
    let unknown = false;
    for (const [threadId, summary] of waiting) {
      const result = patchThread(data, threadId, (thread) => mergeSummary(thread, summary, nowIso));
      if (result.found) {
        data = result.data;
        patched = true;
      }
      // Only a message or a seq means a thread exists that the list has not fetched; a read position does not.
      else if (summary.lastSeq > 0 || summary.lastMessage) unknown = true;
    }
    // The queues' lists (keys under the list's own) show the same threads: patched alike.
    for (const [key, cached] of queryClient.getQueriesData<ThreadPages>({ queryKey: threadKeys.all })) {
      if (key.length === threadKeys.all.length || !cached?.pages) continue;
      let queue = cached;
      for (const [threadId, summary] of waiting)
        queue = patchThread(queue, threadId, (thread) => mergeSummary(thread, summary, nowIso)).data!;
      if (queue !== cached) queryClient.setQueryData(key, queue);
    }
    waiting.clear();
    if (patched) queryClient.setQueryData(threadKeys.all, data);
    if (unknown) void queryClient.invalidateQueries({ queryKey: threadKeys.all });
  };

  /** A deleted thread (CONTRACT §14) leaves every cached list at once, hidden page or not: the unread counts follow. */
  const remove = (threadId: string) => {
    waiting.delete(threadId);
    for (const [key, cached] of queryClient.getQueriesData<ThreadPages>({ queryKey: threadKeys.all })) {
      const without = removeThread(cached, threadId);
      if (without !== cached) queryClient.setQueryData(key, without);
    }
  };

  const stopActivity = engine.onActivity((activity: Activity) => {
    if (activity.kind === 'deleted') return remove(activity.threadId);
    if (activity.kind !== 'summary') return;
    waiting.set(activity.threadId, activity.summary);
    if (!isHidden()) apply();
    else timer ??= setTimeout(apply, HIDDEN_LIST_SYNC_MS);
  });
  const stopShown = (options.onShown ?? onDocumentShown)(apply);
  return () => {
    stopActivity();
    stopShown();
    clearTimeout(timer);
  };
}
