import { THREAD_STATUSES, type ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import { badRequest } from '../http/errors.ts';
import { isUuid } from '../http/validation.ts';
import type { ThreadFilter } from '../storage/storage.ts';

/** The queue filters of `GET /chat/threads` (CONTRACT §11). */
export interface QueueQuery {
  /** One status, or a comma list of them (`open,waiting`: the threads still to be handled). */
  status?: string;
  assignee?: string;
  kind?: 'public' | 'private';
}

/** Long enough for every status once, with commas. */
const MAX_STATUS_LIST_LENGTH = THREAD_STATUSES.join(',').length;

/** Their JSON Schema, for the route's querystring. */
export const queueQueryProperties = {
  status: {
    type: 'string',
    maxLength: MAX_STATUS_LIST_LENGTH,
    description: `[ext] one status or a comma list of them: ${THREAD_STATUSES.join(', ')}`,
  },
  assignee: { type: 'string', maxLength: 64, description: '[ext] me, none, or user:<uuid>' },
  kind: { type: 'string', enum: ['public', 'private'] },
} as const;

const isStatus = (value: string): value is ThreadStatus => (THREAD_STATUSES as readonly string[]).includes(value);

/** The statuses of `status=` (a repeat counts once); anything but a comma list of statuses is a 400. */
function statusesOf(list: string): ThreadStatus[] {
  const items = list.split(',');
  const unknown = items.filter((item) => !isStatus(item));
  if (unknown.length) throw badRequest(`status must be one of ${THREAD_STATUSES.join(', ')}, or a comma list of them; got "${list}".`);
  return [...new Set(items as ThreadStatus[])];
}

/** The storage filter of a query; a bad `status`, or `assignee` other than me, none or user:<uuid>, is a 400. */
export function queueFilter(query: QueueQuery, callerId: string): ThreadFilter {
  const filter: ThreadFilter = {};
  if (query.status !== undefined) filter.statuses = statusesOf(query.status);
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
