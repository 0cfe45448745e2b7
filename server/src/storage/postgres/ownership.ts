import type postgres from 'postgres';
import type { QueueCounts } from '../../../../src/core/protocol/ownership.ts';
import { now, toOwnership, type Row } from './rows.ts';
import { insertEvent } from './thread-log.ts';
import type { OwnershipChange, OwnershipDecision, OwnershipStore } from '../stores/ownership-store.ts';
import { countsOf } from '../queue-counts.ts';
import { insertAudit } from './audit-rows.ts';

/** Who owns each thread (CONTRACT §11), in PostgreSQL: each change and its events in one transaction. */
export class PostgresOwnership implements OwnershipStore {
  constructor(private readonly sql: postgres.Sql) {}

  async change(threadId: string, decide: OwnershipDecision): Promise<OwnershipChange | undefined> {
    return this.sql.begin(async (tx) => {
      // The row lock (the one every append to the thread's log takes) makes the decision and the write one step.
      const [row] = await tx<Row[]>`
        SELECT status, assignee_id, agent_paused, waiting_since, snoozed_until FROM threads WHERE id = ${threadId} FOR UPDATE`;
      if (!row) return undefined;
      const current = toOwnership(row);
      const at = now();
      const plan = decide(current, at);
      if (!plan) return { state: current, events: [] };
      const { next } = plan;
      await tx`
        UPDATE threads SET status = ${next.status}, assignee_id = ${next.assigneeId}, agent_paused = ${next.agentPaused},
                           waiting_since = ${next.waitingSince}, snoozed_until = ${next.snoozedUntil}
        WHERE id = ${threadId}`;
      // The readers' copies, which their queue counts read.
      await tx`
        UPDATE thread_access SET status = ${next.status}, assignee_id = ${next.assigneeId}, waiting_since = ${next.waitingSince}
        WHERE thread_id = ${threadId}`;
      await insertAudit(tx, plan.audit);
      const events = [];
      for (const event of plan.events) events.push(await insertEvent(tx, threadId, event, at));
      return { state: next, events };
    });
  }

  async counts(userId: string): Promise<QueueCounts> {
    return countsOf(await this.sql<Row[]>`SELECT status, bucket, n FROM queue_counts WHERE user_id = ${userId}`);
  }

  async dueSnoozes(at: string, limit: number): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`
      SELECT id FROM threads WHERE status = 'snoozed' AND snoozed_until <= ${at} ORDER BY snoozed_until LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }
}
