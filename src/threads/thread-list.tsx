import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useMutedThreads } from '../desktop-notifications/use-muted-threads.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { QueueNav } from '../queues/queue-nav.tsx';
import { countsQuery, inQueue, oldestWaitingFirst, queueQuery, type QueueId } from '../queues/queues.ts';
import { FOCUS_LANDING } from '../ui/focus-landing.ts';
import { ThreadListItem } from './thread-list-item.tsx';
import { flattenThreads, threadsQuery } from './thread-queries.ts';
import { threadTitle } from './thread-title.ts';

interface Props {
  selectedId: string | null;
  onSelect(threadId: string): void;
  onNewThread(): void;
  /** Opens search (Ctrl/⌘+K); absent: no search button. */
  onSearch?(): void;
  /** More buttons for the header, beside search (the notifications bell). */
  headerActions?: ReactNode;
}

/** Every thread the user is in, newest activity first, with a filter box. */
export function ThreadList({ selectedId, onSelect, onNewThread, onSearch, headerActions }: Props) {
  const { api, selfSenderId } = useEngine();
  const { muted } = useMutedThreads();
  const [queue, setQueue] = useState<QueueId>('all');
  const all = useInfiniteQuery(threadsQuery(api));
  const queued = useInfiniteQuery({ ...queueQuery(api, queue === 'all' ? 'waiting' : queue), enabled: queue !== 'all' });
  const query = queue === 'all' ? all : queued;
  const counts = useQuery(countsQuery(api));
  const [filter, setFilter] = useState('');
  const t = useStrings();
  const o = useOwnershipStrings();
  const threads = useMemo(() => {
    const listed = flattenThreads(query.data).filter((thread) => inQueue(thread, queue, selfSenderId));
    return queue === 'waiting' ? oldestWaitingFirst(listed) : listed;
  }, [query.data, queue, selfSenderId]);
  // A server without ownership (CONTRACT §11) has no counts and no thread status: no queues.
  const hasQueues = counts.isSuccess || flattenThreads(all.data).some((thread) => thread.status !== undefined);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? threads.filter(
        (thread) =>
          threadTitle(thread, selfSenderId, t).toLowerCase().includes(needle) ||
          thread.participants.some((participant) => participant.name.toLowerCase().includes(needle)) ||
          (thread.last_message?.content.toLowerCase().includes(needle) ?? false),
      )
    : threads;

  return (
    <nav aria-label={t.threadList.label} className="flex h-full flex-col">
      <div className="flex items-center justify-between gap-2 px-3 pt-3">
        <h1 {...FOCUS_LANDING} tabIndex={-1} className="text-lg font-semibold outline-none">
          {t.threadList.heading}
        </h1>
        {onSearch && (
          <button
            type="button"
            onClick={onSearch}
            aria-keyshortcuts="Control+K Meta+K"
            className="ml-auto rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            {o.search.open} <kbd className="text-xs text-slate-500 dark:text-slate-400">{o.search.shortcut}</kbd>
          </button>
        )}
        {headerActions}
        <button
          type="button"
          onClick={onNewThread}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
        >
          {t.threadList.newThread}
        </button>
      </div>
      {hasQueues && <QueueNav queue={queue} onChange={setQueue} counts={counts.data ?? null} />}
      <div className="px-3 py-2">
        <label className="sr-only" htmlFor="thread-filter">
          {t.threadList.filter}
        </label>
        <input
          id="thread-filter"
          type="search"
          placeholder={t.threadList.filter}
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {query.isPending ? (
          <ul aria-label={t.threadList.loadingThreads} className="space-y-2 px-1" aria-busy="true">
            {[0, 1, 2, 3].map((i) => (
              <li key={i} className="h-14 rounded-lg bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
            ))}
          </ul>
        ) : query.isError ? (
          <div role="alert" className="p-3 text-sm text-red-700 dark:text-red-400">
            {t.threadList.loadFailed(errorText(query.error, t))}{' '}
            <button type="button" className="underline" onClick={() => void query.refetch()}>
              {t.common.tryAgain}
            </button>
          </div>
        ) : shown.length === 0 ? (
          <p className="p-3 text-sm text-slate-600 dark:text-slate-400">
            {needle ? t.threadList.noMatch : queue === 'all' ? t.threadList.empty : o.queues.empty}
          </p>
        ) : (
          <ul className="space-y-0.5">
            {shown.map((thread) => (
              <ThreadListItem
                key={thread.id}
                thread={thread}
                selected={thread.id === selectedId}
                muted={muted.has(thread.id)}
                onSelect={onSelect}
              />
            ))}
          </ul>
        )}
        {query.hasNextPage && (
          <button
            type="button"
            onClick={() => void query.fetchNextPage()}
            disabled={query.isFetchingNextPage}
            className="mt-2 w-full rounded-md px-3 py-1.5 text-sm text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800"
          >
            {query.isFetchingNextPage ? t.common.loading : t.threadList.loadMore}
          </button>
        )}
      </div>
    </nav>
  );
}
