import { ACTIVE_STATUSES, type QueueCounts, type ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import type { Row } from './row-codec.ts';

/**
 * The queue counts from a reader's `queue_counts` rows (`status`, `bucket`: `none`, `mine` or
 * `other`, `n`), which both storages keep with triggers on `thread_access`.
 */
export function countsOf(rows: readonly Row[]): QueueCounts {
  const counts: QueueCounts = { waiting: 0, mine: 0, unassigned: 0, open: 0, resolved: 0, snoozed: 0 };
  for (const row of rows) {
    const status = row.status as ThreadStatus;
    const n = Number(row.n);
    if (status in counts) counts[status as keyof QueueCounts] += n;
    if (!ACTIVE_STATUSES.includes(status)) continue;
    if (row.bucket === 'mine') counts.mine += n;
    else if (row.bucket === 'none') counts.unassigned += n;
  }
  return counts;
}
