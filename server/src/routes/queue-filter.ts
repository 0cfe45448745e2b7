import { THREAD_STATUSES, type ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import { badRequest } from '../http/errors.ts';
import { isUuid } from '../http/validation.ts';
import type { ThreadFilter } from '../storage/storage.ts';

/** The queue filters of `GET /chat/threads` (CONTRACT §11). */
export interface QueueQuery {
  status?: ThreadStatus;
  assignee?: string;
  kind?: 'public' | 'private';
}

/** Their JSON Schema, for the route's querystring. */
export const queueQueryProperties = {
  status: { type: 'string', enum: [...THREAD_STATUSES] },
  assignee: { type: 'string', maxLength: 64, description: '[ext] me, none, or user:<uuid>' },
  kind: { type: 'string', enum: ['public', 'private'] },
} as const;

/** The storage filter of a query; `assignee` other than me, none or user:<uuid> is a 400. */
export function queueFilter(query: QueueQuery, callerId: string): ThreadFilter {
  const filter: ThreadFilter = {};
  if (query.status) filter.status = query.status;
  if (query.kind) filter.kind = query.kind;
  const assignee = query.assignee;
  if (assignee === 'me') filter.assignee = { userId: callerId };
  else if (assignee === 'none') filter.assignee = 'none';
  else if (assignee !== undefined) {
    const userId = assignee.slice('user:'.length);
    if (!assignee.startsWith('user:') || !isUuid(userId)) throw badRequest('assignee must be me, none or user:<uuid>.');
    filter.assignee = { userId: userId.toLowerCase() };
  }
  return filter;
}
