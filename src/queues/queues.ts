import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { InboxApi } from '../core/api/inbox-api.ts';
import { ACTIVE_STATUSES } from '../core/protocol/ownership.ts';
import type { ThreadFilter } from '../core/api/ownership-api.ts';
import type { InboundThread, ThreadCounts } from '../core/protocol/rest-schemas.ts';
import { threadKeys } from '../threads/thread-queries.ts';

/** The sidebar's queues (CONTRACT §11), in the order shown; `all` is the plain thread list. */
export const QUEUES = ['all', 'waiting', 'mine', 'unassigned', 'open', 'snoozed', 'resolved'] as const;
export type QueueId = (typeof QUEUES)[number];

/**
 * What each queue asks `GET /chat/threads` for. Mine and Unassigned are work to do: open and
 * waiting threads only, as their counts count them.
 */
export const QUEUE_FILTERS: Record<Exclude<QueueId, 'all'>, ThreadFilter> = {
  waiting: { status: 'waiting' },
  mine: { status: ACTIVE_STATUSES, assignee: 'me' },
  unassigned: { status: ACTIVE_STATUSES, assignee: 'none' },
  open: { status: 'open' },
  snoozed: { status: 'snoozed' },
  resolved: { status: 'resolved' },
};

/** Threads per page of a queue. */
const QUEUE_PAGE_SIZE = 50;

export const queueKeys = {
  /** Under the thread list's key, so the list's live patches reach every queue. */
  list: (queue: Exclude<QueueId, 'all'>) => [...threadKeys.all, 'queue', queue] as const,
  counts: ['queues', 'counts'] as const,
};

/** A queue's threads, page by page. */
export function queueQuery(api: InboxApi, queue: Exclude<QueueId, 'all'>) {
  return infiniteQueryOptions({
    queryKey: queueKeys.list(queue),
    queryFn: ({ pageParam, signal }) => api.listQueue(QUEUE_FILTERS[queue], { limit: QUEUE_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The caller's counts; a server without queues answers 404 once and is not asked again. */
export function countsQuery(api: InboxApi) {
  return queryOptions<ThreadCounts>({
    queryKey: queueKeys.counts,
    queryFn: ({ signal }) => api.threadCounts(signal),
    retry: false,
    staleTime: Infinity,
  });
}

const waitingSince = (thread: InboundThread) => thread.waiting_since ?? '';

/** The longest waiting first (the server's order too; kept when live patches move threads). */
export function oldestWaitingFirst(threads: InboundThread[]): InboundThread[] {
  return [...threads].sort((a, b) => waitingSince(a).localeCompare(waitingSince(b)));
}

/** Whether a thread still belongs in a queue after a live change (it leaves at once, arrivals come with the refetch). */
export function inQueue(thread: InboundThread, queue: QueueId, selfSenderId: string): boolean {
  // A thread without a status comes from a server without §11: nothing to judge it by.
  const active = thread.status === undefined || (ACTIVE_STATUSES as readonly string[]).includes(thread.status);
  switch (queue) {
    case 'all':
      return true;
    case 'mine':
      return active && thread.assignee_id === selfSenderId;
    case 'unassigned':
      return active && !thread.assignee_id;
    default:
      return thread.status === undefined || thread.status === queue;
  }
}
