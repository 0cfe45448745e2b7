import type Database from 'better-sqlite3';
import type { FollowUpRecord, FollowUpSchedule, FollowUpSent, FollowUpStore } from '../stores/follow-up-store.ts';

interface Row {
  visitor_id: string;
  agent_id: string;
  thread_id: string;
  from_seq: number;
  due_at: number | null;
  version: number;
  last_sent_at: number | null;
  sent_thread_id: string | null;
  sent_up_to_seq: number | null;
}

const toRecord = (row: Row): FollowUpRecord => ({
  visitorId: row.visitor_id,
  agentId: row.agent_id,
  threadId: row.thread_id,
  fromSeq: Number(row.from_seq),
  dueAt: row.due_at === null ? null : Number(row.due_at),
  version: Number(row.version),
  lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at),
  sentThreadId: row.sent_thread_id,
  sentUpToSeq: row.sent_up_to_seq === null ? null : Number(row.sent_up_to_seq),
});

/** Visitor follow-ups in the SQLite file (`storage.followUps`). */
export class SqliteFollowUps implements FollowUpStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      // Waiting in the same thread: the earlier start and time stay. Otherwise this reply starts it.
      schedule: db.prepare(
        `INSERT INTO visitor_follow_ups (visitor_id, agent_id, thread_id, from_seq, due_at)
         VALUES (@visitorId, @agentId, @threadId, @seq, @dueAt)
         ON CONFLICT (visitor_id) DO UPDATE SET
           from_seq = CASE WHEN due_at IS NOT NULL AND thread_id = excluded.thread_id
                           THEN min(from_seq, excluded.from_seq) ELSE excluded.from_seq END,
           due_at = CASE WHEN due_at IS NOT NULL AND thread_id = excluded.thread_id
                         THEN min(due_at, excluded.due_at) ELSE excluded.due_at END,
           thread_id = excluded.thread_id,
           agent_id = excluded.agent_id,
           version = version + 1`,
      ),
      due: db.prepare(
        `SELECT visitor_id FROM visitor_follow_ups
         WHERE due_at IS NOT NULL AND due_at <= @now AND (lease_owner IS NULL OR lease_until < @now)
         ORDER BY due_at LIMIT @limit`,
      ),
      claim: db.prepare(
        `UPDATE visitor_follow_ups SET lease_owner = @owner, lease_until = @until
         WHERE visitor_id = @visitorId AND due_at IS NOT NULL AND due_at <= @now
           AND (lease_owner IS NULL OR lease_until < @now)
         RETURNING *`,
      ),
      renew: db.prepare('UPDATE visitor_follow_ups SET lease_until = ? WHERE visitor_id = ? AND lease_owner = ?'),
      postpone: db.prepare(
        'UPDATE visitor_follow_ups SET due_at = ?, lease_owner = NULL, lease_until = 0 WHERE visitor_id = ? AND lease_owner = ?',
      ),
      finish: db.prepare(
        `UPDATE visitor_follow_ups SET
           due_at = CASE WHEN version = @version THEN NULL ELSE due_at END,
           last_sent_at = coalesce(@at, last_sent_at),
           sent_thread_id = coalesce(@threadId, sent_thread_id),
           sent_up_to_seq = coalesce(@upToSeq, sent_up_to_seq),
           lease_owner = NULL, lease_until = 0
         WHERE visitor_id = @visitorId AND lease_owner = @owner`,
      ),
    };
  }

  async schedule(input: FollowUpSchedule): Promise<void> {
    this.stmt.schedule.run(input);
  }

  async due(now: number, limit: number): Promise<string[]> {
    return (this.stmt.due.all({ now, limit }) as { visitor_id: string }[]).map((row) => row.visitor_id);
  }

  async claim(visitorId: string, owner: string, now: number, leaseMs: number): Promise<FollowUpRecord | undefined> {
    const row = this.stmt.claim.get({ visitorId, owner, now, until: now + leaseMs }) as Row | undefined;
    return row && toRecord(row);
  }

  async renew(visitorId: string, owner: string, until: number): Promise<boolean> {
    return this.stmt.renew.run(until, visitorId, owner).changes > 0;
  }

  async postpone(visitorId: string, owner: string, dueAt: number): Promise<boolean> {
    return this.stmt.postpone.run(dueAt, visitorId, owner).changes > 0;
  }

  async finish(visitorId: string, owner: string, version: number, sent: FollowUpSent | null): Promise<boolean> {
    const changed = this.stmt.finish.run({
      visitorId,
      owner,
      version,
      at: sent?.at ?? null,
      threadId: sent?.threadId ?? null,
      upToSeq: sent?.upToSeq ?? null,
    });
    return changed.changes > 0;
  }
}
