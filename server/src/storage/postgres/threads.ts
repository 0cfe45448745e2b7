import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Message, ParticipationMode, SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, toParticipant, toThread, toVisitor, type Db, type Row } from './rows.ts';
import { insertEvent, insertMessage } from './thread-log.ts';
import type { NewThread, ThreadCursor, ThreadFilter, ThreadRecord } from '../storage.ts';
import { threadListQuery } from '../thread-list-query.ts';
import type { ThreadStore } from '../stores/thread-store.ts';
import { participantJoined } from '../log-events.ts';

/** A thread row with its participants (in order) and, for a public thread, its visitor. */
const THREAD_COLUMNS = `
  threads.*,
  (SELECT coalesce(json_agg(json_build_object('sender_id', p.sender_id, 'name', p.name, 'avatar_url', p.avatar_url)
                            ORDER BY p.position), '[]')
   FROM participants AS p WHERE p.thread_id = threads.id) AS participant_list,
  CASE WHEN threads.kind = 'public' THEN
    (SELECT row_to_json(v) FROM participants AS p JOIN visitors AS v ON v.id = substr(p.sender_id, 9)
     WHERE p.thread_id = threads.id AND p.sender_id LIKE 'visitor:%' LIMIT 1)
  END AS visitor_row`;

/** Threads, their participants and who sees them (with read positions), in PostgreSQL. */
export class PostgresThreads implements ThreadStore {
  constructor(private readonly sql: postgres.Sql) {}

  /**
   * The thread columns with its participants (in order) and, for a public thread, its
   * visitor: one query loads whole records.
   */
  private columns(db: Db) {
    return db.unsafe(THREAD_COLUMNS);
  }

  private record(row: Row): ThreadRecord {
    const participants = (row.participant_list as Row[]).map(toParticipant);
    return toThread(row, participants, () => (row.visitor_row ? toVisitor(row.visitor_row as Row) : undefined));
  }

  async get(id: string, db: Db = this.sql): Promise<ThreadRecord | undefined> {
    // A thread being erased (its mark, CONTRACT §14) is gone for every reader from its `thread_deleted` on.
    const [row] = await db<Row[]>`
      SELECT ${this.columns(db)} FROM threads
      WHERE id = ${id} AND NOT EXISTS (SELECT 1 FROM thread_erasures WHERE thread_id = threads.id)`;
    return row && this.record(row);
  }

  /** Inserts a thread and its `participant_joined` events. Runs inside the caller's transaction. */
  async insertThread(tx: postgres.TransactionSql, input: NewThread, id: string, createdAt: string): Promise<ThreadEvent[]> {
    await tx`
      INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at)
      VALUES (${id}, ${input.kind}, ${input.title}, ${input.participationMode}, ${input.createdBy}, ${createdAt}, ${createdAt}, ${createdAt})`;
    const events: ThreadEvent[] = [];
    // One statement after another: the join events take seqs in participant order.
    for (const [position, participant] of input.participants.entries()) {
      await tx`
        INSERT INTO participants (thread_id, sender_id, name, avatar_url, position)
        VALUES (${id}, ${participant.sender_id}, ${participant.name}, ${participant.avatar_url}, ${position})`;
      if (participant.sender_id.startsWith('user:')) await this.grantAccess(tx, participant.sender_id.slice(5), id);
      events.push(await insertEvent(tx, id, participantJoined(participant), createdAt));
    }
    for (const userId of input.extraAudience) await this.grantAccess(tx, userId, id);
    return events;
  }

  private async grantAccess(tx: postgres.TransactionSql, userId: string, threadId: string): Promise<void> {
    await tx`INSERT INTO thread_access (user_id, thread_id) VALUES (${userId}, ${threadId}) ON CONFLICT DO NOTHING`;
  }

  /** The thread, its join events and its first message, in one transaction. */
  async create(input: NewThread): Promise<{ thread: ThreadRecord; events: ThreadEvent[]; message: Message | null }> {
    const id = randomUUID();
    const createdAt = now();
    return this.sql.begin(async (tx) => {
      const events = await this.insertThread(tx, input, id, createdAt);
      let message: Message | null = null;
      if (input.initialMessage) {
        const committed = await insertMessage(tx, { ...input.initialMessage, threadId: id }, createdAt);
        if (!committed) throw new Error(`thread ${id} vanished while it was created`);
        events.push(committed.event);
        message = committed.message;
      }
      return { thread: (await this.get(id, tx))!, events, message };
    });
  }

  async audience(threadId: string): Promise<string[]> {
    return (await this.sql<{ user_id: string }[]>`SELECT user_id FROM thread_access WHERE thread_id = ${threadId}`).map(
      (row) => row.user_id,
    );
  }

  async userThreadIds(userId: string): Promise<string[]> {
    return (await this.sql<{ thread_id: string }[]>`SELECT thread_id FROM thread_access WHERE user_id = ${userId}`).map(
      (row) => row.thread_id,
    );
  }

  async participantThreadIds(senderId: string): Promise<string[]> {
    return (await this.sql<{ thread_id: string }[]>`SELECT thread_id FROM participants WHERE sender_id = ${senderId}`).map(
      (row) => row.thread_id,
    );
  }

  async userThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null; filter?: ThreadFilter }): Promise<ThreadRecord[]> {
    const query = threadListQuery(page.filter ?? {}, page.cursor !== null, THREAD_COLUMNS, (n) => `$${n}`);
    const rows = await this.sql.unsafe<Row[]>(
      query.sql,
      query.params(userId, page.cursor, page.limit) as postgres.ParameterOrJSON<never>[],
      {
        prepare: true,
      },
    );
    return rows.map((row) => this.record(row));
  }

  async hasAccess(threadId: string, userId: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM thread_access WHERE user_id = ${userId} AND thread_id = ${threadId}`).length > 0;
  }

  async readState(threadId: string, userId: string): Promise<{ readSeq: number; unreadCount: number } | undefined> {
    const [row] = await this.sql<{ read_seq: number; unread: number }[]>`
      SELECT access.read_seq,
             (SELECT count(*)::int FROM messages
              WHERE messages.thread_id = access.thread_id AND messages.thread_seq > access.read_seq
                AND messages.sender_id <> ${`user:${userId}`}) AS unread
      FROM thread_access AS access WHERE access.thread_id = ${threadId} AND access.user_id = ${userId}`;
    return row && { readSeq: row.read_seq, unreadCount: row.unread };
  }

  async markRead(threadId: string, userId: string, seq: number): Promise<number> {
    const [row] = await this.sql<{ read_seq: number }[]>`
      UPDATE thread_access SET read_seq = greatest(read_seq, least(${seq}::int, (SELECT last_seq FROM threads WHERE id = ${threadId})))
      WHERE thread_id = ${threadId} AND user_id = ${userId}
      RETURNING read_seq`;
    return row ? row.read_seq : 0;
  }

  /** Changes the mode and commits `mode_changed`; null when the mode was already that. */
  async setMode(threadId: string, mode: ParticipationMode, senderId: SenderId): Promise<ThreadEvent | null> {
    return this.sql.begin(async (tx) => {
      const changed = await tx`UPDATE threads SET participation_mode = ${mode} WHERE id = ${threadId} AND participation_mode <> ${mode}`;
      if (changed.count === 0) return null;
      return insertEvent(tx, threadId, { eventType: 'mode_changed', senderId, content: null, data: { participation_mode: mode } }, now());
    });
  }
}
