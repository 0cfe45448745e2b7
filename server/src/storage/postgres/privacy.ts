import type postgres from 'postgres';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { iso, now, type Db, type Row } from './rows.ts';
import { insertEvent } from './thread-log.ts';
import { threadLexeme } from './search.ts';
import { insertAudit } from './audit-rows.ts';
import type {
  AuditEntry,
  ErasureMark,
  ExpiredThread,
  MessageOrigin,
  NewErasureMark,
  PrivacyStore,
  VisitorQuery,
  VisitorSummary,
} from '../stores/privacy-store.ts';

type Tx = postgres.TransactionSql;

function markOf(row: Row): ErasureMark {
  return {
    threadId: row.thread_id as string,
    visitorId: (row.visitor_id as string | null) ?? null,
    agentId: (row.agent_id as string | null) ?? null,
    reason: row.reason as string,
    by: row.erased_by as string,
    actor: row.actor as string,
    address: (row.address as string | null) ?? null,
    farewellSeq: row.farewell_seq as number,
    markedAt: iso(row.marked_at),
  };
}

/**
 * Privacy operations in PostgreSQL (`storage.privacy`): each method one short transaction.
 * Deleted rows are gone for every reader at commit; their space is reused after VACUUM.
 */
export class PostgresPrivacy implements PrivacyStore {
  constructor(private readonly sql: postgres.Sql) {}

  private async summariesOf(db: Db, rows: Row[]): Promise<VisitorSummary[]> {
    const summaries: VisitorSummary[] = [];
    for (const row of rows) {
      const id = row.id as string;
      // Served by participants_by_sender.
      const threads = await db<{ id: string }[]>`
        SELECT threads.id FROM participants JOIN threads ON threads.id = participants.thread_id
        WHERE participants.sender_id = ${`visitor:${id}`} ORDER BY threads.created_at, threads.id`;
      const threadIds = threads.map((thread) => thread.id);
      const open = row.thread_id as string;
      summaries.push({
        id,
        agentId: row.agent_id as string,
        email: (row.email as string | null) ?? null,
        name: (row.name as string | null) ?? null,
        verified: row.verified as boolean,
        sub: (row.identity_sub as string | null) ?? null,
        createdAt: iso(row.created_at),
        lastSeenAt: row.last_seen_at ? iso(row.last_seen_at) : null,
        threadIds: threadIds.includes(open) ? threadIds : [...threadIds, open],
      });
    }
    return summaries;
  }

  async findVisitors(agentId: string, query: VisitorQuery, limit: number): Promise<VisitorSummary[]> {
    const email = query.email ?? null;
    const sub = query.sub ?? null;
    const threadId = query.threadId ?? null;
    const rows = await this.sql<Row[]>`
      SELECT visitors.*,
             (SELECT max(coalesce(last_used_at, created_at)) FROM visitor_tokens WHERE visitor_id = visitors.id) AS last_seen_at
      FROM visitors
      WHERE visitors.agent_id = ${agentId}
        AND (${email}::text IS NULL OR lower(visitors.email) = lower(${email}::text))
        AND (${sub}::text IS NULL OR visitors.identity_sub = ${sub}::text)
        AND (${threadId}::text IS NULL OR visitors.thread_id = ${threadId}::text OR ('visitor:' || visitors.id) IN (
              SELECT sender_id FROM participants WHERE thread_id = ${threadId}::text AND sender_id LIKE 'visitor:%'))
      ORDER BY visitors.created_at, visitors.id LIMIT ${limit}`;
    return this.summariesOf(this.sql, rows);
  }

  async visitor(agentId: string, visitorId: string): Promise<VisitorSummary | undefined> {
    const rows = await this.sql<Row[]>`
      SELECT visitors.*,
             (SELECT max(coalesce(last_used_at, created_at)) FROM visitor_tokens WHERE visitor_id = visitors.id) AS last_seen_at
      FROM visitors WHERE agent_id = ${agentId} AND id = ${visitorId}`;
    const [summary] = await this.summariesOf(this.sql, rows);
    return summary;
  }

  async forgetVisitorAccess(visitorId: string): Promise<void> {
    await this.sql.begin((tx) => this.forgetAccess(tx, visitorId));
  }

  private async forgetAccess(tx: Tx, visitorId: string): Promise<void> {
    await tx`DELETE FROM visitor_tokens WHERE visitor_id = ${visitorId}`;
    await tx`DELETE FROM visitor_resume_tokens WHERE visitor_id = ${visitorId}`;
    await tx`DELETE FROM visitor_follow_ups WHERE visitor_id = ${visitorId}`;
  }

  async commitFarewell(threadId: string, mark: NewErasureMark): Promise<{ event: ThreadEvent; mark: ErasureMark } | undefined> {
    return this.sql.begin(async (tx) => {
      // The thread row's lock first (as every append takes it): a second erasure of it waits, then finds the mark.
      const [thread] = await tx`SELECT id FROM threads WHERE id = ${threadId} FOR UPDATE`;
      if (!thread) return undefined;
      const [marked] = await tx`SELECT 1 FROM thread_erasures WHERE thread_id = ${threadId}`;
      if (marked) return undefined;
      const markedAt = now();
      const farewell = { eventType: 'thread_deleted', senderId: mark.by, content: null, data: { reason: mark.reason } } as const;
      const event = await insertEvent(tx, threadId, farewell, markedAt);
      const written: ErasureMark = { ...mark, threadId, farewellSeq: event.thread_seq, markedAt };
      await tx`
        INSERT INTO thread_erasures (thread_id, visitor_id, agent_id, reason, erased_by, actor, address, farewell_seq, marked_at)
        VALUES (${threadId}, ${mark.visitorId}, ${mark.agentId}, ${mark.reason}, ${mark.by}, ${mark.actor}, ${mark.address},
                ${event.thread_seq}, ${markedAt})`;
      // Its users lose it now (lists, counts and search read through these rows); its webhooks keep delivering.
      await tx`DELETE FROM thread_access WHERE thread_id = ${threadId}`;
      // The visitor's way back in ends with their first thread's farewell: no resolve finds the thread gone under it.
      if (mark.visitorId) await this.forgetAccess(tx, mark.visitorId);
      return { event, mark: written };
    });
  }

  async erasureMark(threadId: string): Promise<ErasureMark | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM thread_erasures WHERE thread_id = ${threadId}`;
    return row && markOf(row);
  }

  async erasureMarksOf(visitorId: string): Promise<ErasureMark[]> {
    const rows = await this.sql<Row[]>`SELECT * FROM thread_erasures WHERE visitor_id = ${visitorId} ORDER BY marked_at, thread_id`;
    return rows.map(markOf);
  }

  async staleErasureMarks(markedBefore: number, limit: number): Promise<ErasureMark[]> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM thread_erasures WHERE marked_at < ${new Date(markedBefore).toISOString()}::timestamptz
      ORDER BY marked_at, thread_id LIMIT ${limit}`;
    return rows.map(markOf);
  }

  async closeThread(threadId: string): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`DELETE FROM thread_access WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM webhooks WHERE thread_id = ${threadId}`;
    });
  }

  async eraseSearchChunk(threadId: string, maxEntries: number): Promise<number> {
    // Served by event_search_thread (migration 13).
    const deleted = await this.sql`
      DELETE FROM event_search WHERE position IN (
        SELECT position FROM event_search WHERE thread_id = ${threadId} ORDER BY position LIMIT ${maxEntries})`;
    return deleted.count;
  }

  /** The thread's entries of the message index, found by its lexeme (the index has no other way in by thread). */
  private async deleteSearch(tx: Tx, threadId: string): Promise<void> {
    await tx`DELETE FROM event_search WHERE document @@ ${threadLexeme(threadId)}::tsquery`;
  }

  async eraseLogChunk(threadId: string, maxEvents: number): Promise<number> {
    return this.sql.begin(async (tx) => {
      const [last] = await tx<{ thread_seq: number }[]>`
        SELECT thread_seq FROM events WHERE thread_id = ${threadId} ORDER BY thread_seq LIMIT 1 OFFSET ${maxEvents - 1}`;
      const end = last?.thread_seq ?? 2_147_483_647;
      await tx`DELETE FROM messages WHERE thread_id = ${threadId} AND thread_seq <= ${end}`;
      const deleted = await tx`DELETE FROM events WHERE thread_id = ${threadId} AND thread_seq <= ${end}`;
      return deleted.count;
    });
  }

  async eraseThread(threadId: string, audit?: AuditEntry): Promise<void> {
    await this.sql.begin(async (tx) => {
      // The thread row first: a commit racing this one waits for it, then finds no thread.
      const [thread] = await tx`SELECT id FROM threads WHERE id = ${threadId} FOR UPDATE`;
      if (!thread) return;
      const visitors = await tx<{ id: string }[]>`SELECT id FROM visitors WHERE thread_id = ${threadId}`;
      for (const visitor of visitors) await this.deleteVisitorRows(tx, visitor.id);
      await this.deleteSearch(tx, threadId);
      await tx`DELETE FROM messages WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM events WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM thread_access WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM webhooks WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM participants WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM approval_action_tokens WHERE approval_id IN (SELECT id FROM approvals WHERE thread_id = ${threadId})`;
      await tx`DELETE FROM approvals WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM agent_runs WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM notification_deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE thread_id = ${threadId})`;
      await tx`DELETE FROM notifications WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM notification_cursors WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM visitor_follow_ups WHERE thread_id = ${threadId} OR sent_thread_id = ${threadId}`;
      await tx`DELETE FROM visitor_resume_tokens WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM attachments WHERE thread_id = ${threadId}`;
      await tx`DELETE FROM thread_erasures WHERE thread_id = ${threadId} AND visitor_id IS NULL`;
      await tx`DELETE FROM threads WHERE id = ${threadId}`;
      await insertAudit(tx, audit);
    });
  }

  /** Nothing to do: deleted rows leave the indexes with VACUUM. */
  async compactSearchStep(): Promise<boolean> {
    return false;
  }

  async eraseVisitor(visitorId: string, audit?: AuditEntry): Promise<void> {
    await this.sql.begin(async (tx) => {
      const visitorRows = await this.deleteVisitorRows(tx, visitorId);
      const marks = await tx`DELETE FROM thread_erasures WHERE visitor_id = ${visitorId}`;
      if (visitorRows + marks.count > 0) await insertAudit(tx, audit);
    });
  }

  async expiredThreads(now: number, limit: number): Promise<ExpiredThread[]> {
    // Few agents have a retention: the scan starts from them, then their visitors' threads (participants_by_sender).
    const rows = await this.sql<{ thread_id: string; visitor_id: string; agent_id: string; open: boolean }[]>`
      SELECT threads.id AS thread_id, visitors.id AS visitor_id, visitors.agent_id, visitors.thread_id = threads.id AS open
      FROM agents JOIN visitors ON visitors.agent_id = agents.id
      JOIN participants ON participants.sender_id = 'visitor:' || visitors.id
      JOIN threads ON threads.id = participants.thread_id
      WHERE agents.retention_days IS NOT NULL
        AND threads.activity_at < to_timestamp(${now / 1000}::double precision) - agents.retention_days * interval '1 day'
      ORDER BY threads.activity_at LIMIT ${limit}`;
    return rows.map((row) => ({ threadId: row.thread_id, visitorId: row.visitor_id, agentId: row.agent_id, open: row.open }));
  }

  takeRetentionLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.takeLease('retention_sweep_lease', owner, now, leaseMs);
  }

  takeErasureResumeLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.takeLease('erasure_resume_lease', owner, now, leaseMs);
  }

  /** Takes (or keeps) the one-row lease in `table` when it is free or `owner`'s: one process runs the job. */
  private async takeLease(table: 'retention_sweep_lease' | 'erasure_resume_lease', owner: string, now: number, leaseMs: number) {
    const rows = await this.sql`
      INSERT INTO ${this.sql(table)} (id, lease_owner, lease_until) VALUES (1, ${owner}, ${now + leaseMs})
      ON CONFLICT (id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
      WHERE ${this.sql(table)}.lease_owner = ${owner} OR ${this.sql(table)}.lease_until < ${now}
      RETURNING lease_owner`;
    return rows.length === 1;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await insertAudit(this.sql, entry);
  }

  async auditEntries(agentId: string, page: { before: number | null; action: string | null; limit: number }) {
    const rows = await this.sql<Row[]>`
      SELECT * FROM audit_log WHERE agent_id = ${agentId}
        AND (${page.before}::bigint IS NULL OR position < ${page.before}::bigint)
        AND (${page.action}::text IS NULL OR action = ${page.action}::text)
      ORDER BY position DESC LIMIT ${page.limit + 1}`;
    return this.auditPageOf(rows, page.limit);
  }

  async allAuditEntries(page: { agentId: string | null; before: number | null; limit: number }) {
    const rows = await this.sql<Row[]>`
      SELECT * FROM audit_log WHERE (${page.agentId}::text IS NULL OR agent_id = ${page.agentId}::text)
        AND (${page.before}::bigint IS NULL OR position < ${page.before}::bigint)
      ORDER BY position DESC LIMIT ${page.limit + 1}`;
    return this.auditPageOf(rows, page.limit);
  }

  /** A page of entries from `limit + 1` rows (the extra one says there is a next page). */
  private auditPageOf(rows: Row[], limit: number) {
    const page = { limit };
    const entries = rows.slice(0, page.limit).map((row) => ({
      id: row.id as string,
      agentId: row.agent_id as string | null,
      at: iso(row.at),
      actor: row.actor as string,
      action: row.action as string,
      target: row.target as string,
      details: row.details as Record<string, unknown>,
      address: row.address as string | null,
    }));
    const next = rows.length > page.limit ? Number(rows[page.limit - 1]!.position) : null;
    return { entries, next };
  }

  async message(threadId: string, messageId: string): Promise<MessageOrigin | undefined> {
    const [row] = await this.sql<{ sender_id: string; thread_seq: number; deleted: boolean | null }[]>`
      SELECT messages.sender_id, messages.thread_seq, (events.data ->> 'deleted')::boolean AS deleted
      FROM messages JOIN events ON events.thread_id = messages.thread_id AND events.thread_seq = messages.thread_seq
      WHERE messages.thread_id = ${threadId} AND messages.id = ${messageId}`;
    return row && { senderId: row.sender_id, threadSeq: row.thread_seq, deleted: row.deleted === true };
  }

  async eraseMessage(threadId: string, messageId: string): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const [row] = await tx<{ thread_seq: number; deleted: boolean | null }[]>`
        SELECT messages.thread_seq, (events.data ->> 'deleted')::boolean AS deleted
        FROM messages JOIN events ON events.thread_id = messages.thread_id AND events.thread_seq = messages.thread_seq
        WHERE messages.thread_id = ${threadId} AND messages.id = ${messageId}
        FOR UPDATE OF events`;
      if (!row || row.deleted === true) return false;
      const seq = row.thread_seq;
      await tx`UPDATE messages SET content = '', mentions = '[]'::jsonb, attachments = NULL WHERE thread_id = ${threadId} AND thread_seq = ${seq}`;
      await tx`
        UPDATE events SET content = '', data = (data - 'attachments') || '{"mentions": [], "deleted": true}'::jsonb
        WHERE thread_id = ${threadId} AND thread_seq = ${seq}`;
      // The index keeps the thread's lexeme only: found in its thread, by no word.
      await tx`
        UPDATE event_search SET document = array_to_tsvector(ARRAY['#' || thread_id])
        WHERE document @@ ${threadLexeme(threadId)}::tsquery AND thread_seq = ${seq}`;
      await tx`DELETE FROM attachments WHERE thread_id = ${threadId} AND message_id = ${messageId}`;
      await tx`DELETE FROM notification_deliveries WHERE notification_id IN (
                 SELECT id FROM notifications WHERE thread_id = ${threadId} AND thread_seq = ${seq})`;
      await tx`DELETE FROM notifications WHERE thread_id = ${threadId} AND thread_seq = ${seq}`;
      await tx`UPDATE threads SET last_message_content = '' WHERE id = ${threadId}
                 AND NOT EXISTS (SELECT 1 FROM messages WHERE thread_id = ${threadId} AND thread_seq > ${seq})`;
      return true;
    });
  }

  /** Deletes the visitor and their access; how many visitor rows went (0 or 1). */
  private async deleteVisitorRows(tx: Tx, visitorId: string): Promise<number> {
    await tx`DELETE FROM visitor_tokens WHERE visitor_id = ${visitorId}`;
    await tx`DELETE FROM visitor_resume_tokens WHERE visitor_id = ${visitorId}`;
    await tx`DELETE FROM visitor_follow_ups WHERE visitor_id = ${visitorId}`;
    return (await tx`DELETE FROM visitors WHERE id = ${visitorId}`).count;
  }
}
