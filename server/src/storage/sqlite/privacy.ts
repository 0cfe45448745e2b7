import type Database from 'better-sqlite3';
import { auditWriter } from './audit-rows.ts';
import { indexedTextOf } from './schema.ts';
import type { GroupedWriter } from './grouped-writer.ts';
import { now } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
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

interface VisitorRow {
  id: string;
  agent_id: string;
  email: string | null;
  name: string | null;
  identity_sub: string | null;
  verified: number;
  created_at: string;
  last_seen_at: string | null;
}

interface MarkRow {
  thread_id: string;
  visitor_id: string | null;
  agent_id: string | null;
  reason: string;
  erased_by: string;
  actor: string;
  address: string | null;
  farewell_seq: number;
  marked_at: string;
}

/** Takes (or keeps) the one-row lease in `table` for `@owner` until `@until`, when it is free or theirs: one process runs the job. */
function leaseSql(table: 'retention_sweep_lease' | 'erasure_resume_lease'): string {
  return `INSERT INTO ${table} (id, lease_owner, lease_until) VALUES (1, @owner, @until)
    ON CONFLICT (id) DO UPDATE SET lease_owner = @owner, lease_until = @until
    WHERE ${table}.lease_owner = @owner OR ${table}.lease_until < @now
    RETURNING lease_owner`;
}

function markOf(row: MarkRow): ErasureMark {
  return {
    threadId: row.thread_id,
    visitorId: row.visitor_id,
    agentId: row.agent_id,
    reason: row.reason,
    by: row.erased_by,
    actor: row.actor,
    address: row.address,
    farewellSeq: row.farewell_seq,
    markedAt: row.marked_at,
  };
}

/**
 * Pages of event_search one merge step writes (FTS5's 'merge'): a few milliseconds of the write
 * lock each, so that other threads' commits wait little behind an erasure's rewrite of the index.
 */
const SEARCH_MERGE_PAGES = 32;

/** The FTS5 term that names one thread in `event_search` (migration 13: 'x' and the id's hex digits). */
const threadKey = (threadId: string) => `{thread_key} : "x${threadId.replaceAll('-', '')}"`;

/**
 * Privacy operations in the SQLite file (`storage.privacy`): each method one short
 * transaction. The file runs with `secure_delete` (see SqliteStorage), so deleted rows are
 * overwritten with zeros, and its search indexes with FTS5's secure-delete (migration 24), so
 * a deleted row's terms leave the index's segments with it; an erasure's bulk delete of a
 * thread's entries goes without it and is followed by a rewrite of the index in steps
 * ({@link SqlitePrivacy.compactSearchStep}).
 */
export class SqlitePrivacy implements PrivacyStore {
  private readonly stmt;
  private readonly audit;

  constructor(
    private readonly db: Database.Database,
    private readonly writer: GroupedWriter,
    private readonly log: SqliteThreadLog,
  ) {
    this.audit = auditWriter(db);
    const summary = `SELECT visitors.id, visitors.agent_id, visitors.email, visitors.name, visitors.identity_sub, visitors.verified,
                            visitors.created_at,
                            (SELECT max(coalesce(last_used_at, created_at)) FROM visitor_tokens WHERE visitor_id = visitors.id) AS last_seen_at
                     FROM visitors`;
    this.stmt = {
      byId: db.prepare(`${summary} WHERE visitors.agent_id = ? AND visitors.id = ?`),
      find: db.prepare(
        `${summary} WHERE visitors.agent_id = @agentId
           AND (@email IS NULL OR visitors.email = @email)
           AND (@sub IS NULL OR visitors.identity_sub = @sub)
           AND (@threadId IS NULL OR visitors.thread_id = @threadId OR ('visitor:' || visitors.id) IN (
                 SELECT sender_id FROM participants WHERE thread_id = @threadId AND sender_id LIKE 'visitor:%'))
         ORDER BY visitors.created_at, visitors.id LIMIT @limit`,
      ),
      // Served by participants_by_sender.
      threadsOf: db
        .prepare(
          `SELECT threads.id FROM participants JOIN threads ON threads.id = participants.thread_id
           WHERE participants.sender_id = ? ORDER BY threads.created_at, threads.id`,
        )
        .pluck(),
      openThreadOf: db.prepare('SELECT thread_id FROM visitors WHERE id = ?').pluck(),
      deleteTokens: db.prepare('DELETE FROM visitor_tokens WHERE visitor_id = ?'),
      deleteResumeTokens: db.prepare('DELETE FROM visitor_resume_tokens WHERE visitor_id = ?'),
      deleteFollowUp: db.prepare('DELETE FROM visitor_follow_ups WHERE visitor_id = ?'),
      deleteVisitor: db.prepare('DELETE FROM visitors WHERE id = ?'),
      threadExists: db.prepare('SELECT 1 FROM threads WHERE id = ?').pluck(),
      threadMarked: db.prepare('SELECT 1 FROM thread_erasures WHERE thread_id = ?').pluck(),
      insertMark: db.prepare(
        `INSERT INTO thread_erasures (thread_id, visitor_id, agent_id, reason, erased_by, actor, address, farewell_seq, marked_at)
         VALUES (@threadId, @visitorId, @agentId, @reason, @by, @actor, @address, @farewellSeq, @markedAt)`,
      ),
      mark: db.prepare('SELECT * FROM thread_erasures WHERE thread_id = ?'),
      marksOf: db.prepare('SELECT * FROM thread_erasures WHERE visitor_id = ? ORDER BY marked_at, thread_id'),
      staleMarks: db.prepare('SELECT * FROM thread_erasures WHERE marked_at < ? ORDER BY marked_at, thread_id LIMIT ?'),
      deleteLoneMark: db.prepare('DELETE FROM thread_erasures WHERE thread_id = ? AND visitor_id IS NULL'),
      deleteVisitorMarks: db.prepare('DELETE FROM thread_erasures WHERE visitor_id = ?'),
      visitorsOfThread: db.prepare('SELECT id FROM visitors WHERE thread_id = ?').pluck(),
      deleteAccess: db.prepare('DELETE FROM thread_access WHERE thread_id = ?'),
      deleteWebhooks: db.prepare('DELETE FROM webhooks WHERE thread_id = ?'),
      // FTS5's 'delete' with the text each row indexed (migration 24): secure-delete takes the terms out of the file.
      // FTS5 takes these settings' values as literals only.
      searchSecureDeleteOff: db.prepare(`INSERT INTO event_search (event_search, rank) VALUES ('secure-delete', 0)`),
      searchSecureDeleteOn: db.prepare(`INSERT INTO event_search (event_search, rank) VALUES ('secure-delete', 1)`),
      mergeSearchStart: db.prepare(`INSERT INTO event_search (event_search, rank) VALUES ('merge', -${SEARCH_MERGE_PAGES})`),
      mergeSearch: db.prepare(`INSERT INTO event_search (event_search, rank) VALUES ('merge', ${SEARCH_MERGE_PAGES})`),
      totalChanges: db.prepare('SELECT total_changes()').pluck(),
      deleteSearchChunk: db.prepare(
        `INSERT INTO event_search (event_search, rowid, body, thread_key, thread_id, thread_seq)
         SELECT 'delete', s.rowid, ${indexedTextOf('e')}, 'x' || replace(e.thread_id, '-', ''), e.thread_id, e.thread_seq
         FROM event_search AS s JOIN events AS e ON e.thread_id = s.thread_id AND e.thread_seq = s.thread_seq
         WHERE s.event_search MATCH ? LIMIT ?`,
      ),
      // The seq of the chunk's last event: the log is read in its own order, (thread, seq).
      chunkEnd: db.prepare('SELECT thread_seq FROM events WHERE thread_id = ? ORDER BY thread_seq LIMIT 1 OFFSET ?').pluck(),
      deleteEventsTo: db.prepare('DELETE FROM events WHERE thread_id = ? AND thread_seq <= ?'),
      deleteMessagesTo: db.prepare('DELETE FROM messages WHERE thread_id = ? AND thread_seq <= ?'),
      deleteEvents: db.prepare('DELETE FROM events WHERE thread_id = ?'),
      deleteMessages: db.prepare('DELETE FROM messages WHERE thread_id = ?'),
      deleteParticipants: db.prepare('DELETE FROM participants WHERE thread_id = ?'),
      deleteActionTokens: db.prepare(
        'DELETE FROM approval_action_tokens WHERE approval_id IN (SELECT id FROM approvals WHERE thread_id = ?)',
      ),
      deleteApprovals: db.prepare('DELETE FROM approvals WHERE thread_id = ?'),
      deleteRuns: db.prepare('DELETE FROM agent_runs WHERE thread_id = ?'),
      deleteDeliveries: db.prepare(
        'DELETE FROM notification_deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE thread_id = ?)',
      ),
      deleteNotifications: db.prepare('DELETE FROM notifications WHERE thread_id = ?'),
      deleteCursor: db.prepare('DELETE FROM notification_cursors WHERE thread_id = ?'),
      deleteThreadFollowUps: db.prepare('DELETE FROM visitor_follow_ups WHERE thread_id = ? OR sent_thread_id = ?'),
      deleteThreadResumeTokens: db.prepare('DELETE FROM visitor_resume_tokens WHERE thread_id = ?'),
      deleteAttachments: db.prepare('DELETE FROM attachments WHERE thread_id = ?'),
      deleteThread: db.prepare('DELETE FROM threads WHERE id = ?'),
      auditAll: db.prepare(
        `SELECT * FROM audit_log WHERE (@agentId IS NULL OR agent_id = @agentId) AND (@before IS NULL OR position < @before)
         ORDER BY position DESC LIMIT @limit`,
      ),
      auditPage: db.prepare(
        `SELECT * FROM audit_log WHERE agent_id = @agentId AND (@before IS NULL OR position < @before)
           AND (@action IS NULL OR action = @action)
         ORDER BY position DESC LIMIT @limit`,
      ),
      // Few agents have a retention: the scan starts from them, then their visitors' threads (participants_by_sender).
      expired: db.prepare(
        `SELECT threads.id AS thread_id, visitors.id AS visitor_id, visitors.agent_id, visitors.thread_id = threads.id AS open
         FROM agents JOIN visitors ON visitors.agent_id = agents.id
         JOIN participants ON participants.sender_id = 'visitor:' || visitors.id
         JOIN threads ON threads.id = participants.thread_id
         WHERE agents.retention_days IS NOT NULL
           AND julianday(threads.activity_at) < julianday(@now / 1000.0, 'unixepoch') - agents.retention_days
         ORDER BY threads.activity_at LIMIT @limit`,
      ),
      lease: db.prepare(leaseSql('retention_sweep_lease')),
      resumeLease: db.prepare(leaseSql('erasure_resume_lease')),
      // Within the thread (messages_by_seq): message ids have no index of their own.
      message: db.prepare(
        `SELECT messages.sender_id, messages.thread_seq, json_extract(events.data, '$.deleted') AS deleted
         FROM messages JOIN events ON events.thread_id = messages.thread_id AND events.thread_seq = messages.thread_seq
         WHERE messages.thread_id = ? AND messages.id = ?`,
      ),
      blankMessage: db.prepare(
        `UPDATE messages SET content = '', mentions = '[]', attachments = NULL WHERE thread_id = ? AND thread_seq = ?`,
      ),
      // The search trigger (migration 14) indexes the event again with no words.
      blankEvent: db.prepare(
        `UPDATE events SET content = '', data = json_set(json_remove(data, '$.attachments'), '$.mentions', json('[]'), '$.deleted', json('true'))
         WHERE thread_id = ? AND thread_seq = ?`,
      ),
      deleteMessageAttachments: db.prepare('DELETE FROM attachments WHERE thread_id = ? AND message_id = ?'),
      deleteQuotingDeliveries: db.prepare(
        `DELETE FROM notification_deliveries WHERE notification_id IN (
           SELECT id FROM notifications WHERE thread_id = ? AND thread_seq = ?)`,
      ),
      deleteQuotingNotifications: db.prepare('DELETE FROM notifications WHERE thread_id = ? AND thread_seq = ?'),
      // The preview is the last message's: blank when no later message followed this one.
      blankPreview: db.prepare(
        `UPDATE threads SET last_message_content = '' WHERE id = @threadId
           AND NOT EXISTS (SELECT 1 FROM messages WHERE thread_id = @threadId AND thread_seq > @seq)`,
      ),
    };
  }

  private summaryOf(row: VisitorRow): VisitorSummary {
    return {
      id: row.id,
      agentId: row.agent_id,
      email: row.email,
      name: row.name,
      verified: row.verified === 1,
      sub: row.identity_sub,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      threadIds: this.threadIdsOf(row.id),
    };
  }

  private threadIdsOf(visitorId: string): string[] {
    const ids = this.stmt.threadsOf.all(`visitor:${visitorId}`) as string[];
    // The open thread is among those they started; listed also should a participant row be missing.
    const open = this.stmt.openThreadOf.get(visitorId) as string | undefined;
    return open && !ids.includes(open) ? [...ids, open] : ids;
  }

  async findVisitors(agentId: string, query: VisitorQuery, limit: number): Promise<VisitorSummary[]> {
    const rows = this.stmt.find.all({
      agentId,
      email: query.email ?? null,
      sub: query.sub ?? null,
      threadId: query.threadId ?? null,
      limit,
    }) as VisitorRow[];
    return rows.map((row) => this.summaryOf(row));
  }

  async visitor(agentId: string, visitorId: string): Promise<VisitorSummary | undefined> {
    const row = this.stmt.byId.get(agentId, visitorId) as VisitorRow | undefined;
    return row && this.summaryOf(row);
  }

  async forgetVisitorAccess(visitorId: string): Promise<void> {
    this.db.transaction(() => this.forgetAccess(visitorId))();
  }

  private forgetAccess(visitorId: string): void {
    this.stmt.deleteTokens.run(visitorId);
    this.stmt.deleteResumeTokens.run(visitorId);
    this.stmt.deleteFollowUp.run(visitorId);
  }

  async commitFarewell(threadId: string, mark: NewErasureMark): Promise<{ event: ThreadEvent; mark: ErasureMark } | undefined> {
    // Through the grouped writer, as every append to the log: its seq is taken in queue order with the others'.
    return this.writer.run(() => {
      if (this.stmt.threadExists.get(threadId) === undefined || this.stmt.threadMarked.get(threadId) !== undefined) return undefined;
      const markedAt = now();
      const farewell = { eventType: 'thread_deleted', senderId: mark.by, content: null, data: { reason: mark.reason } } as const;
      const event = this.log.insertEvent(threadId, farewell, markedAt);
      const written: ErasureMark = { ...mark, threadId, farewellSeq: event.thread_seq, markedAt };
      this.stmt.insertMark.run(written);
      // Its users lose it now (lists, counts and search read through these rows); its webhooks keep delivering.
      this.stmt.deleteAccess.run(threadId);
      // The visitor's way back in ends with their first thread's farewell: no resolve finds the thread gone under it.
      if (mark.visitorId) this.forgetAccess(mark.visitorId);
      return { event, mark: written };
    });
  }

  async erasureMark(threadId: string): Promise<ErasureMark | undefined> {
    const row = this.stmt.mark.get(threadId) as MarkRow | undefined;
    return row && markOf(row);
  }

  async erasureMarksOf(visitorId: string): Promise<ErasureMark[]> {
    return (this.stmt.marksOf.all(visitorId) as MarkRow[]).map(markOf);
  }

  async staleErasureMarks(markedBefore: number, limit: number): Promise<ErasureMark[]> {
    return (this.stmt.staleMarks.all(new Date(markedBefore).toISOString(), limit) as MarkRow[]).map(markOf);
  }

  async closeThread(threadId: string): Promise<void> {
    this.db.transaction(() => {
      this.stmt.deleteAccess.run(threadId);
      this.stmt.deleteWebhooks.run(threadId);
    })();
  }

  async eraseSearchChunk(threadId: string, maxEntries: number): Promise<number> {
    // Without secure-delete for these rows: it rewrites each of a row's terms' pages (about 0.2 ms of CPU a row,
    // 2 s for 10,000 messages), where a thread's rows go in bulk and compactSearchStep then rewrites the index
    // once (its words leave the file there). The setting is back on when the transaction commits.
    return this.db.transaction(() => {
      this.stmt.searchSecureDeleteOff.run();
      const deleted = this.stmt.deleteSearchChunk.run(threadKey(threadId), maxEntries).changes;
      this.stmt.searchSecureDeleteOn.run();
      return deleted;
    })();
  }

  async eraseLogChunk(threadId: string, maxEvents: number): Promise<number> {
    return this.db.transaction(() => {
      const end = (this.stmt.chunkEnd.get(threadId, maxEvents - 1) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
      this.stmt.deleteMessagesTo.run(threadId, end);
      return this.stmt.deleteEventsTo.run(threadId, end).changes;
    })();
  }

  async eraseThread(threadId: string, audit?: AuditEntry): Promise<void> {
    this.db.transaction(() => {
      for (const visitorId of this.stmt.visitorsOfThread.all(threadId) as string[]) this.deleteVisitorRows(visitorId);
      this.stmt.deleteSearchChunk.run(threadKey(threadId), Number.MAX_SAFE_INTEGER);
      this.stmt.deleteMessages.run(threadId);
      this.stmt.deleteEvents.run(threadId);
      this.stmt.deleteAccess.run(threadId);
      this.stmt.deleteWebhooks.run(threadId);
      this.stmt.deleteParticipants.run(threadId);
      this.stmt.deleteActionTokens.run(threadId);
      this.stmt.deleteApprovals.run(threadId);
      this.stmt.deleteRuns.run(threadId);
      this.stmt.deleteDeliveries.run(threadId);
      this.stmt.deleteNotifications.run(threadId);
      this.stmt.deleteCursor.run(threadId);
      this.stmt.deleteThreadFollowUps.run(threadId, threadId);
      this.stmt.deleteThreadResumeTokens.run(threadId);
      this.stmt.deleteAttachments.run(threadId);
      this.stmt.deleteLoneMark.run(threadId);
      if (this.stmt.deleteThread.run(threadId).changes > 0) this.audit(audit);
    })();
  }

  async eraseVisitor(visitorId: string, audit?: AuditEntry): Promise<void> {
    this.db.transaction(() => {
      const visitorRows = this.deleteVisitorRows(visitorId);
      const marks = this.stmt.deleteVisitorMarks.run(visitorId).changes;
      if (visitorRows + marks > 0) this.audit(audit);
    })();
  }

  async expiredThreads(now: number, limit: number): Promise<ExpiredThread[]> {
    const rows = this.stmt.expired.all({ now, limit }) as { thread_id: string; visitor_id: string; agent_id: string; open: number }[];
    return rows.map((row) => ({ threadId: row.thread_id, visitorId: row.visitor_id, agentId: row.agent_id, open: row.open === 1 }));
  }

  async takeRetentionLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.stmt.lease.get({ owner, now, until: now + leaseMs }) !== undefined;
  }

  async takeErasureResumeLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.stmt.resumeLease.get({ owner, now, until: now + leaseMs }) !== undefined;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit(entry);
  }

  async auditEntries(agentId: string, page: { before: number | null; action: string | null; limit: number }) {
    return this.auditPageOf(
      this.stmt.auditPage.all({ agentId, before: page.before, action: page.action, limit: page.limit + 1 }),
      page.limit,
    );
  }

  async allAuditEntries(page: { agentId: string | null; before: number | null; limit: number }) {
    return this.auditPageOf(this.stmt.auditAll.all({ agentId: page.agentId, before: page.before, limit: page.limit + 1 }), page.limit);
  }

  /** A page of entries from `limit + 1` rows (the extra one says there is a next page). */
  private auditPageOf(read: unknown[], limit: number) {
    const rows = read as Record<string, unknown>[];
    const page = { limit };
    const entries = rows.slice(0, page.limit).map((row) => ({
      id: row.id as string,
      agentId: row.agent_id as string | null,
      at: row.at as string,
      actor: row.actor as string,
      action: row.action as string,
      target: row.target as string,
      details: JSON.parse(row.details as string) as Record<string, unknown>,
      address: row.address as string | null,
    }));
    const next = rows.length > page.limit ? (rows[page.limit - 1]!.position as number) : null;
    return { entries, next };
  }

  async message(threadId: string, messageId: string): Promise<MessageOrigin | undefined> {
    const row = this.stmt.message.get(threadId, messageId) as { sender_id: string; thread_seq: number; deleted: number | null } | undefined;
    return row && { senderId: row.sender_id, threadSeq: row.thread_seq, deleted: row.deleted === 1 };
  }

  async eraseMessage(threadId: string, messageId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.stmt.message.get(threadId, messageId) as { thread_seq: number; deleted: number | null } | undefined;
      if (!row || row.deleted === 1) return false;
      const seq = row.thread_seq;
      this.stmt.blankMessage.run(threadId, seq);
      this.stmt.blankEvent.run(threadId, seq);
      this.stmt.deleteMessageAttachments.run(threadId, messageId);
      this.stmt.deleteQuotingDeliveries.run(threadId, seq);
      this.stmt.deleteQuotingNotifications.run(threadId, seq);
      this.stmt.blankPreview.run({ threadId, seq });
      return true;
    })();
  }

  /** Deletes the visitor and their access; how many visitor rows went (0 or 1). */
  private deleteVisitorRows(visitorId: string): number {
    this.stmt.deleteTokens.run(visitorId);
    this.stmt.deleteResumeTokens.run(visitorId);
    this.stmt.deleteFollowUp.run(visitorId);
    return this.stmt.deleteVisitor.run(visitorId).changes;
  }

  /**
   * One step of merging event_search's segments (FTS5's incremental merge: about
   * {@link SEARCH_MERGE_PAGES} pages written; `start` first puts every segment on one level, so
   * that the steps rewrite the whole index like 'optimize', a step at a time). The rewrite drops
   * what {@link eraseSearchChunk} deleted without secure-delete. Done when a step changes nothing.
   */
  async compactSearchStep(start: boolean): Promise<boolean> {
    return this.db.transaction(() => {
      const before = this.stmt.totalChanges.get() as number;
      (start ? this.stmt.mergeSearchStart : this.stmt.mergeSearch).run();
      // FTS5's documented test: a step that did work made at least two changes.
      return (this.stmt.totalChanges.get() as number) - before >= 2;
    })();
  }
}
