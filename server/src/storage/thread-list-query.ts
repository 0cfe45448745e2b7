import type { ThreadCursor, ThreadFilter } from './storage.ts';

/** A thread list query in SQL both databases run, with how to fill its placeholders. */
export interface ThreadListQuery {
  sql: string;
  params(userId: string, cursor: ThreadCursor | null, limit: number): unknown[];
}

/** Whether a filter is the waiting queue alone, which lists the longest waiting first. */
export function isWaitingQueue(filter: ThreadFilter): boolean {
  return filter.statuses?.length === 1 && filter.statuses[0] === 'waiting';
}

/**
 * The user's threads with the queue filters (CONTRACT §11), newest activity first, or with
 * `statuses: ['waiting']` the longest waiting first; paged by (sort time, id) after the cursor. The
 * filters read the reader's `thread_access` copy of status, assignee and waiting time (indexes
 * `thread_access_queues`, `thread_access_waiting`).
 */
export function threadListQuery(
  filter: ThreadFilter,
  afterCursor: boolean,
  /** The selected columns (PostgreSQL loads the participants beside the row). */
  columns = 'threads.*',
  /** The dialect's placeholder of the n-th parameter (from 1). */
  placeholder: (n: number) => string = () => '?',
): ThreadListQuery {
  let count = 0;
  const next = () => placeholder(++count);
  const waiting = isWaitingQueue(filter);
  const statuses = filter.statuses ?? [];
  // The waiting queue reads the reader's copy of waiting_since: index thread_access_waiting gives it in order.
  const sort = waiting ? 'thread_access.waiting_since' : 'threads.activity_at';
  const id = waiting ? 'thread_access.thread_id' : 'threads.id';
  const direction = waiting ? 'ASC' : 'DESC';
  const beyond = waiting ? '>' : '<';
  const where = [`thread_access.user_id = ${next()}`];
  if (statuses.length) where.push(`thread_access.status IN (${statuses.map(() => next()).join(', ')})`);
  if (filter.assignee === 'none') where.push('thread_access.assignee_id IS NULL');
  else if (filter.assignee) where.push(`thread_access.assignee_id = ${next()}`);
  if (filter.kind) where.push(`threads.kind = ${next()}`);
  if (afterCursor) where.push(`(${sort} ${beyond} ${next()} OR (${sort} = ${next()} AND ${id} ${beyond} ${next()}))`);
  return {
    sql: `SELECT ${columns} FROM thread_access JOIN threads ON threads.id = thread_access.thread_id
          WHERE ${where.join(' AND ')}
          ORDER BY ${sort} ${direction}, ${id} ${direction} LIMIT ${next()}`,
    params(userId, cursor, limit) {
      const params: unknown[] = [userId];
      params.push(...statuses);
      if (filter.assignee && filter.assignee !== 'none') params.push(filter.assignee.userId);
      if (filter.kind) params.push(filter.kind);
      if (afterCursor && cursor) params.push(cursor.at, cursor.at, cursor.id);
      params.push(limit);
      return params;
    },
  };
}
