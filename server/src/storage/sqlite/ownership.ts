import type Database from 'better-sqlite3';
import type { QueueCounts } from '../../../../src/core/protocol/ownership.ts';
import { now, str, toOwnership, type Row } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';
import type { OwnershipChange, OwnershipDecision, OwnershipStore } from '../stores/ownership-store.ts';
import { countsOf } from '../queue-counts.ts';
import { auditWriter } from './audit-rows.ts';

/** Who owns each thread (CONTRACT §11), in the SQLite file: each change and its events in one transaction. */
export class SqliteOwnership implements OwnershipStore {
  private readonly stmt;
  private readonly audit;

  constructor(
    private readonly db: Database.Database,
    private readonly log: SqliteThreadLog,
  ) {
    this.audit = auditWriter(db);
    this.stmt = {
      state: db.prepare('SELECT status, assignee_id, agent_paused, waiting_since, snoozed_until FROM threads WHERE id = ?'),
      update: db.prepare(
        'UPDATE threads SET status = ?, assignee_id = ?, agent_paused = ?, waiting_since = ?, snoozed_until = ? WHERE id = ?',
      ),
      // The readers' copies, which their queue counts read.
      updateAccess: db.prepare('UPDATE thread_access SET status = ?, assignee_id = ?, waiting_since = ? WHERE thread_id = ?'),
      counts: db.prepare('SELECT status, bucket, n FROM queue_counts WHERE user_id = ?'),
      due: db.prepare(`SELECT id FROM threads WHERE status = 'snoozed' AND snoozed_until <= ? ORDER BY snoozed_until LIMIT ?`),
    };
  }

  async change(threadId: string, decide: OwnershipDecision): Promise<OwnershipChange | undefined> {
    // SQLite has one writer: the state read here cannot change before this transaction commits.
    return this.db.transaction((): OwnershipChange | undefined => {
      const row = this.stmt.state.get(threadId) as Row | undefined;
      if (!row) return undefined;
      const current = toOwnership(row);
      const at = now();
      const plan = decide(current, at);
      if (!plan) return { state: current, events: [] };
      const { next } = plan;
      this.stmt.update.run(next.status, next.assigneeId, next.agentPaused ? 1 : 0, next.waitingSince, next.snoozedUntil, threadId);
      this.stmt.updateAccess.run(next.status, next.assigneeId, next.waitingSince, threadId);
      this.audit(plan.audit);
      return { state: next, events: plan.events.map((event) => this.log.insertEvent(threadId, event, at)) };
    })();
  }

  async counts(userId: string): Promise<QueueCounts> {
    return countsOf(this.stmt.counts.all(userId) as Row[]);
  }

  async dueSnoozes(at: string, limit: number): Promise<string[]> {
    return (this.stmt.due.all(at, limit) as Row[]).map((row) => str(row.id));
  }
}
