import type postgres from 'postgres';
import type { Message, Participant, ParticipationMode, SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { iso, now, toParticipant, toVisitor, type Db, type Row } from './rows.ts';
import { insertEvent, insertMessage } from './thread-log.ts';
import type { NewThread, ThreadCursor, ThreadRecord, VisitorRecord } from '../storage.ts';

/** Threads, their participants and who sees them (with read positions), in PostgreSQL. */
export class PostgresThreads {
  constructor(private readonly sql: postgres.Sql) {}

  /** Thread rows as records, with their participants and visitors fetched in two queries for all. */
  private async records(db: Db, rows: Row[]): Promise<ThreadRecord[]> {
    if (rows.length === 0) return [];
    const ids = db.array(rows.map((row) => row.id as string));
    const publicIds = rows.filter((row) => row.kind === 'public').map((row) => row.id as string);
    const [participantRows, visitorRows] = await Promise.all([
      db<Row[]>`SELECT thread_id, sender_id, name, avatar_url FROM participants WHERE thread_id = ANY(${ids}::text[]) ORDER BY position`,
      publicIds.length === 0
        ? Promise.resolve([] as Row[])
        : db<Row[]>`
            SELECT participants.thread_id AS of_thread, visitors.*
            FROM participants JOIN visitors ON visitors.id = substr(participants.sender_id, 9)
            WHERE participants.thread_id = ANY(${db.array(publicIds)}::text[]) AND participants.sender_id LIKE 'visitor:%'`,
    ]);
    const participants = new Map<string, Participant[]>();
    for (const row of participantRows) {
      const list = participants.get(row.thread_id as string) ?? [];
      list.push(toParticipant(row));
      participants.set(row.thread_id as string, list);
    }
    const visitors = new Map<string, VisitorRecord>(visitorRows.map((row) => [row.of_thread as string, toVisitor(row)]));
    return rows.map((row) => ({
      id: row.id as string,
      kind: row.kind as ThreadRecord['kind'],
      title: (row.title as string | null) ?? null,
      participationMode: row.participation_mode as ParticipationMode,
      lastSeq: Number(row.last_seq),
      participants: participants.get(row.id as string) ?? [],
      lastMessage:
        row.last_message_at === null
          ? null
          : {
              sender_id: row.last_message_sender as string,
              content: row.last_message_content as string,
              created_at: iso(row.last_message_at),
            },
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      activityAt: iso(row.activity_at),
      visitor: row.kind === 'public' ? (visitors.get(row.id as string) ?? null) : null,
    }));
  }

  async loadThread(id: string, db: Db = this.sql): Promise<ThreadRecord | undefined> {
    const rows = await db<Row[]>`SELECT * FROM threads WHERE id = ${id}`;
    return (await this.records(db, rows))[0];
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
      events.push(
        await insertEvent(
          tx,
          id,
          {
            eventType: 'participant_joined',
            senderId: participant.sender_id,
            content: null,
            data: { sender_id: participant.sender_id, name: participant.name },
          },
          createdAt,
        ),
      );
    }
    for (const userId of input.extraAudience) await this.grantAccess(tx, userId, id);
    return events;
  }

  private async grantAccess(tx: postgres.TransactionSql, userId: string, threadId: string): Promise<void> {
    await tx`INSERT INTO thread_access (user_id, thread_id) VALUES (${userId}, ${threadId}) ON CONFLICT DO NOTHING`;
  }

  /** The thread, its join events and its first message, in one transaction. */
  async create(
    input: NewThread,
    id: string,
    createdAt: string,
  ): Promise<{ thread: ThreadRecord; events: ThreadEvent[]; message: Message | null }> {
    return this.sql.begin(async (tx) => {
      const events = await this.insertThread(tx, input, id, createdAt);
      let message: Message | null = null;
      if (input.initialMessage) {
        const committed = await insertMessage(tx, { ...input.initialMessage, threadId: id }, createdAt);
        events.push(committed.event);
        message = committed.message;
      }
      return { thread: (await this.loadThread(id, tx))!, events, message };
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

  async userThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null }): Promise<ThreadRecord[]> {
    const cursor = page.cursor;
    const rows = cursor
      ? await this.sql<Row[]>`
          SELECT threads.* FROM thread_access JOIN threads ON threads.id = thread_access.thread_id
          WHERE thread_access.user_id = ${userId}
            AND (threads.activity_at < ${cursor.activityAt} OR (threads.activity_at = ${cursor.activityAt} AND threads.id < ${cursor.id}))
          ORDER BY threads.activity_at DESC, threads.id DESC LIMIT ${page.limit}`
      : await this.sql<Row[]>`
          SELECT threads.* FROM thread_access JOIN threads ON threads.id = thread_access.thread_id
          WHERE thread_access.user_id = ${userId}
          ORDER BY threads.activity_at DESC, threads.id DESC LIMIT ${page.limit}`;
    return this.records(this.sql, rows);
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
