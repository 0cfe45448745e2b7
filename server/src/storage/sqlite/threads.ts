import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Message, ParticipationMode, SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, str, toParticipant, toThread, type Row } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';
import type { ThreadTables } from './visitors.ts';
import type { NewThread, ThreadCursor, ThreadFilter, ThreadRecord, VisitorRecord } from '../storage.ts';
import { threadListQuery } from '../thread-list-query.ts';
import type { ThreadStore } from '../stores/thread-store.ts';
import { participantJoined } from '../log-events.ts';

/** Threads, their participants and who sees them (with read positions), in the SQLite file. */
export class SqliteThreads implements ThreadStore, ThreadTables {
  private readonly stmt;
  /** The list's statements, one per combination of filters (a handful). */
  private readonly listStatements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly log: SqliteThreadLog,
    /** The visitor who started a public thread (the visitor module answers). */
    private readonly visitorOfThread: (threadId: string) => VisitorRecord | undefined,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A thread being erased (its mark, CONTRACT §14) is gone for every reader from its `thread_deleted` on.
      byId: db.prepare('SELECT * FROM threads WHERE id = ? AND NOT EXISTS (SELECT 1 FROM thread_erasures WHERE thread_id = threads.id)'),
      participants: db.prepare('SELECT sender_id, name, avatar_url FROM participants WHERE thread_id = ? ORDER BY position'),
      insertParticipant: db.prepare('INSERT INTO participants (thread_id, sender_id, name, avatar_url, position) VALUES (?, ?, ?, ?, ?)'),
      insertAccess: db.prepare('INSERT OR IGNORE INTO thread_access (user_id, thread_id) VALUES (?, ?)'),
      audience: db.prepare('SELECT user_id FROM thread_access WHERE thread_id = ?'),
      userThreadIds: db.prepare('SELECT thread_id FROM thread_access WHERE user_id = ?'),
      participantThreadIds: db.prepare('SELECT thread_id FROM participants WHERE sender_id = ?'),
      hasAccess: db.prepare('SELECT 1 FROM thread_access WHERE user_id = ? AND thread_id = ?'),
      readSeq: db.prepare('SELECT read_seq FROM thread_access WHERE thread_id = ? AND user_id = ?'),
      unreadCount: db.prepare('SELECT COUNT(*) AS n FROM messages WHERE thread_id = ? AND thread_seq > ? AND sender_id != ?'),
      markRead: db.prepare(
        `UPDATE thread_access SET read_seq = MAX(read_seq, MIN(?, (SELECT last_seq FROM threads WHERE id = ?)))
         WHERE thread_id = ? AND user_id = ? RETURNING read_seq`,
      ),
      setMode: db.prepare('UPDATE threads SET participation_mode = ? WHERE id = ? AND participation_mode != ?'),
    };
  }

  private record(row: Row): ThreadRecord {
    const participants = (this.stmt.participants.all(row.id) as Row[]).map(toParticipant);
    return toThread(row, participants, () => this.visitorOfThread(str(row.id)));
  }

  async get(id: string): Promise<ThreadRecord | undefined> {
    return this.loadThread(id);
  }

  /** {@link get} at once, for the visitor module's transactions. */
  loadThread(id: string): ThreadRecord | undefined {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && this.record(row);
  }

  insertThread(input: NewThread, id: string, createdAt: string): ThreadEvent[] {
    this.stmt.insert.run(id, input.kind, input.title, input.participationMode, input.createdBy, createdAt, createdAt, createdAt);
    const events: ThreadEvent[] = [];
    input.participants.forEach((participant, position) => {
      this.stmt.insertParticipant.run(id, participant.sender_id, participant.name, participant.avatar_url, position);
      if (participant.sender_id.startsWith('user:')) this.stmt.insertAccess.run(participant.sender_id.slice(5), id);
      events.push(this.log.insertEvent(id, participantJoined(participant), createdAt));
    });
    for (const userId of input.extraAudience) this.stmt.insertAccess.run(userId, id);
    return events;
  }

  /** The thread, its join events and its first message, in one transaction. */
  async create(input: NewThread): Promise<{ thread: ThreadRecord; events: ThreadEvent[]; message: Message | null }> {
    const id = randomUUID();
    const createdAt = now();
    const result = this.db.transaction(() => {
      const events = this.insertThread(input, id, createdAt);
      let message: Message | null = null;
      if (input.initialMessage) {
        const committed = this.log.insertMessage({ ...input.initialMessage, threadId: id }, createdAt);
        events.push(committed.event);
        message = committed.message;
      }
      return { events, message };
    })();
    return { thread: this.loadThread(id)!, ...result };
  }

  async audience(threadId: string): Promise<string[]> {
    return (this.stmt.audience.all(threadId) as Row[]).map((row) => str(row.user_id));
  }

  async userThreadIds(userId: string): Promise<string[]> {
    return (this.stmt.userThreadIds.all(userId) as Row[]).map((row) => str(row.thread_id));
  }

  async participantThreadIds(senderId: string): Promise<string[]> {
    return (this.stmt.participantThreadIds.all(senderId) as Row[]).map((row) => str(row.thread_id));
  }

  async userThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null; filter?: ThreadFilter }): Promise<ThreadRecord[]> {
    const query = threadListQuery(page.filter ?? {}, page.cursor !== null);
    let statement = this.listStatements.get(query.sql);
    if (!statement) {
      statement = this.db.prepare(query.sql);
      this.listStatements.set(query.sql, statement);
    }
    const params = query.params(userId, page.cursor, page.limit);
    return (statement.all(...params) as Row[]).map((row) => this.record(row));
  }

  async hasAccess(threadId: string, userId: string): Promise<boolean> {
    return this.stmt.hasAccess.get(userId, threadId) !== undefined;
  }

  async readState(threadId: string, userId: string): Promise<{ readSeq: number; unreadCount: number } | undefined> {
    const row = this.stmt.readSeq.get(threadId, userId) as Row | undefined;
    if (!row) return undefined;
    const readSeq = Number(row.read_seq);
    const unread = this.stmt.unreadCount.get(threadId, readSeq, `user:${userId}`) as Row;
    return { readSeq, unreadCount: Number(unread.n) };
  }

  async markRead(threadId: string, userId: string, seq: number): Promise<number> {
    const row = this.stmt.markRead.get(seq, threadId, threadId, userId) as Row | undefined;
    return row ? Number(row.read_seq) : 0;
  }

  /** Changes the mode and commits `mode_changed`; null when the mode was already that. */
  async setMode(threadId: string, mode: ParticipationMode, senderId: SenderId): Promise<ThreadEvent | null> {
    return this.db.transaction(() => {
      const changed = this.stmt.setMode.run(mode, threadId, mode).changes > 0;
      if (!changed) return null;
      return this.log.insertEvent(
        threadId,
        { eventType: 'mode_changed', senderId, content: null, data: { participation_mode: mode } },
        now(),
      );
    })();
  }
}
