import type postgres from 'postgres';
import type { Row } from './rows.ts';
import type { FollowUpRecord, FollowUpSchedule, FollowUpSent, FollowUpStore } from '../stores/follow-up-store.ts';

const numOrNull = (value: unknown) => (value === null ? null : Number(value));

const toRecord = (row: Row): FollowUpRecord => ({
  visitorId: row.visitor_id as string,
  agentId: row.agent_id as string,
  threadId: row.thread_id as string,
  fromSeq: Number(row.from_seq),
  dueAt: numOrNull(row.due_at),
  version: Number(row.version),
  lastSentAt: numOrNull(row.last_sent_at),
  sentThreadId: row.sent_thread_id as string | null,
  sentUpToSeq: numOrNull(row.sent_up_to_seq),
});

/** Visitor follow-ups in PostgreSQL (`storage.followUps`): each statement stands alone, no transaction held. */
export class PostgresFollowUps implements FollowUpStore {
  constructor(private readonly sql: postgres.Sql) {}

  async schedule(input: FollowUpSchedule): Promise<void> {
    // Waiting in the same thread: the earlier start and time stay. Otherwise this reply starts it.
    await this.sql`
      INSERT INTO visitor_follow_ups AS f (visitor_id, agent_id, thread_id, from_seq, due_at)
      VALUES (${input.visitorId}, ${input.agentId}, ${input.threadId}, ${input.seq}, ${input.dueAt})
      ON CONFLICT (visitor_id) DO UPDATE SET
        from_seq = CASE WHEN f.due_at IS NOT NULL AND f.thread_id = excluded.thread_id
                        THEN least(f.from_seq, excluded.from_seq) ELSE excluded.from_seq END,
        due_at = CASE WHEN f.due_at IS NOT NULL AND f.thread_id = excluded.thread_id
                      THEN least(f.due_at, excluded.due_at) ELSE excluded.due_at END,
        thread_id = excluded.thread_id,
        agent_id = excluded.agent_id,
        version = f.version + 1`;
  }

  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.sql<{ visitor_id: string }[]>`
      SELECT visitor_id FROM visitor_follow_ups
      WHERE due_at IS NOT NULL AND due_at <= ${now} AND (lease_owner IS NULL OR lease_until < ${now})
      ORDER BY due_at LIMIT ${limit}`;
    return rows.map((row) => row.visitor_id);
  }

  async claim(visitorId: string, owner: string, now: number, leaseMs: number): Promise<FollowUpRecord | undefined> {
    // The row lock makes a second claimer wait, then find the lease taken.
    const [row] = await this.sql<Row[]>`
      UPDATE visitor_follow_ups SET lease_owner = ${owner}, lease_until = ${now + leaseMs}
      WHERE visitor_id = ${visitorId} AND due_at IS NOT NULL AND due_at <= ${now}
        AND (lease_owner IS NULL OR lease_until < ${now})
      RETURNING *`;
    return row && toRecord(row);
  }

  async renew(visitorId: string, owner: string, until: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE visitor_follow_ups SET lease_until = ${until} WHERE visitor_id = ${visitorId} AND lease_owner = ${owner}`;
    return result.count > 0;
  }

  async postpone(visitorId: string, owner: string, dueAt: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE visitor_follow_ups SET due_at = ${dueAt}, lease_owner = NULL, lease_until = 0
      WHERE visitor_id = ${visitorId} AND lease_owner = ${owner}`;
    return result.count > 0;
  }

  async finish(visitorId: string, owner: string, version: number, sent: FollowUpSent | null): Promise<boolean> {
    const result = await this.sql`
      UPDATE visitor_follow_ups SET
        due_at = CASE WHEN version = ${version} THEN NULL ELSE due_at END,
        last_sent_at = coalesce(${sent?.at ?? null}::bigint, last_sent_at),
        sent_thread_id = coalesce(${sent?.threadId ?? null}::text, sent_thread_id),
        sent_up_to_seq = coalesce(${sent?.upToSeq ?? null}::bigint, sent_up_to_seq),
        lease_owner = NULL, lease_until = 0
      WHERE visitor_id = ${visitorId} AND lease_owner = ${owner}`;
    return result.count > 0;
  }
}
