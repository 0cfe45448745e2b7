import { infiniteQueryOptions, queryOptions, type InfiniteData } from '@tanstack/react-query';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';

type ThreadPage = { threads: InboundThread[]; next_cursor: string | null };
export type ThreadPages = InfiniteData<ThreadPage, unknown>;

/** Threads per page of the list. */
const THREAD_PAGE_SIZE = 50;

export const threadKeys = {
  all: ['threads'] as const,
  users: ['directory', 'users'] as const,
  agents: ['directory', 'agents'] as const,
};

/** My threads, newest activity first, page by page (CONTRACT §3). Live events patch it in place. */
export function threadsQuery(api: InboxApi) {
  return infiniteQueryOptions({
    queryKey: threadKeys.all,
    queryFn: ({ pageParam, signal }) => api.listThreads({ limit: THREAD_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

export function usersQuery(api: Pick<InboxApi, 'listUsers'>) {
  return queryOptions({ queryKey: threadKeys.users, queryFn: ({ signal }) => api.listUsers(signal), staleTime: 5 * 60_000 });
}

export function agentsQuery(api: Pick<InboxApi, 'listAgents'>) {
  return queryOptions({ queryKey: threadKeys.agents, queryFn: ({ signal }) => api.listAgents(signal), staleTime: 5 * 60_000 });
}

/** The time a thread last had activity, for ordering. */
function activityOf(thread: InboundThread): string {
  return thread.last_message?.created_at ?? thread.updated_at ?? thread.created_at ?? '';
}

/** All loaded threads, newest activity first. */
export function flattenThreads(data: ThreadPages | undefined): InboundThread[] {
  const seen = new Set<string>();
  const threads: InboundThread[] = [];
  for (const page of data?.pages ?? []) {
    for (const thread of page.threads) {
      if (seen.has(thread.id)) continue;
      seen.add(thread.id);
      threads.push(thread);
    }
  }
  return threads.sort((a, b) => activityOf(b).localeCompare(activityOf(a)));
}

/** Applies `change` to the thread wherever it sits in the cached pages; false when it is not loaded. */
export function patchThread(data: ThreadPages | undefined, threadId: string, change: (thread: InboundThread) => InboundThread) {
  if (!data) return { data, found: false };
  let found = false;
  const pages = data.pages.map((page) => ({
    ...page,
    threads: page.threads.map((thread) => {
      if (thread.id !== threadId) return thread;
      found = true;
      return change(thread);
    }),
  }));
  return { data: found ? { ...data, pages } : data, found };
}

/** The cached pages without the thread (it was deleted, CONTRACT §14); the same object when it is not loaded. */
export function removeThread(data: ThreadPages | undefined, threadId: string): ThreadPages | undefined {
  if (!data?.pages.some((page) => page.threads.some((thread) => thread.id === threadId))) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, threads: page.threads.filter((thread) => thread.id !== threadId) })) };
}
