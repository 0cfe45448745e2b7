import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Message, ParticipationMode, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { ThreadStatus } from '../../../../src/core/protocol/ownership.ts';
import type { GroupedWriter } from './grouped-writer.ts';
import { now, toEvent, toMessage, type Row } from './rows.ts';
import { committedMessage, messageCommittedData, repeatOf } from '../committed-message.ts';
import type { AnyNewEvent } from '../log-events.ts';
import { AttachmentsRefused, SenderRefused, type CommitFacts, type CommitResult, type NewEvent, type NewMessage } from '../storage.ts';
import type { LogStore } from '../stores/log-store.ts';
import { SEARCHABLE_EVENT_TYPES, indexedText } from '../stores/search-store.ts';
import { threadKey } from './search.ts';
import type { SqliteAttachments } from './attachments.ts';
import { attachmentRefusal, attachmentSummary } from '../attachment-rows.ts';

const SEARCHABLE: ReadonlySet<string> = new Set(SEARCHABLE_EVENT_TYPES);

/**
 * What {@link SqliteThreadLog.commitInGroup} returns when `recheckUserId` refused the sender:
 * a value, not an error, so that a grouped transaction need not be rolled back and run again
 * for it (nothing was written). {@link SqliteThreadLog.commitMessage} turns it into {@link SenderRefused}.
 */
export const SENDER_REFUSED = Symbol('sender refused');

/**
 * The dense per-thread log in the SQLite file: events and messages. Each write takes the
 * next seq from `threads.last_seq` in the same transaction, so seqs stay 1, 2, 3, ...
 * Its store methods (`storage.log`) commit through the {@link GroupedWriter}: the writes
 * queued during one event-loop turn share one transaction, each taking the next seq in queue
 * order. Its other write methods must run inside a transaction.
 */
export class SqliteThreadLog implements LogStore {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly writer: GroupedWriter,
    private readonly attachments: SqliteAttachments,
  ) {
    this.stmt = {
      // No RETURNING on these UPDATEs: a RETURNING statement opens a savepoint, and at every savepoint FTS5 writes
      // the message index's pending terms to disk (one index segment per message, not one per grouped transaction).
      nextSeq: db.prepare('UPDATE threads SET last_seq = last_seq + 1, updated_at = ? WHERE id = ?'),
      // A message takes its seq and becomes the thread's last message in one statement.
      nextMessageSeq: db.prepare(
        `UPDATE threads SET last_seq = last_seq + 1, updated_at = ?, activity_at = ?, last_message_sender = ?,
                            last_message_content = ?, last_message_at = ?
         WHERE id = ?`,
      ),
      seqTaken: db.prepare('SELECT last_seq, participation_mode, status FROM threads WHERE id = ?'),
      // The sender may still post: enabled, on the token's session version (null: any) and seeing the thread.
      senderMayPost: db
        .prepare(
          `SELECT 1 FROM thread_access JOIN users ON users.id = thread_access.user_id
           WHERE thread_access.thread_id = ? AND thread_access.user_id = ? AND users.disabled = 0
             AND (? IS NULL OR users.session_version = ?)`,
        )
        .pluck(),
      // The partial index webhooks_active answers this from the index alone for threads without any.
      activeWebhookIds: db.prepare('SELECT id FROM webhooks WHERE thread_id = ? AND active = 1 ORDER BY id').pluck(),
      insertEvent: db.prepare(
        `INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // The message index (migration 14), written here rather than by a trigger on events: a trigger makes the
      // event's INSERT a statement with a savepoint, and FTS5 writes its pending terms to disk at every savepoint.
      insertSearch: db.prepare('INSERT INTO event_search (body, thread_key, thread_id, thread_seq) VALUES (?, ?, ?, ?)'),
      insertMessage: db.prepare(
        `INSERT INTO messages (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions,
                               base_seq, latest_seen_seq, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      claimAttachment: db.prepare('UPDATE attachments SET message_id = ? WHERE id = ? AND message_id IS NULL'),
      messageAttachments: db.prepare('UPDATE messages SET attachments = ? WHERE id = ?'),
      messageByClientId: db.prepare('SELECT * FROM messages WHERE thread_id = ? AND sender_id = ? AND client_message_id = ?'),
      events: db.prepare('SELECT * FROM events WHERE thread_id = ? AND thread_seq > ? ORDER BY thread_seq LIMIT ?'),
    };
  }

  /** Appends one event at the next seq. */
  insertEvent(threadId: string, input: AnyNewEvent, createdAt: string): ThreadEvent {
    const seqRow = this.stmt.nextSeq.run(createdAt, threadId).changes === 0 ? undefined : (this.stmt.seqTaken.get(threadId) as Row);
    return this.writeEvent(threadId, seqRow, input, createdAt);
  }

  /** Writes the event at the seq just taken (`seqRow` from one of the next-seq statements). */
  private writeEvent(threadId: string, seqRow: Row | undefined, input: AnyNewEvent, createdAt: string): ThreadEvent {
    if (!seqRow) throw new Error(`thread ${threadId} does not exist`);
    const event: ThreadEvent = {
      event_id: randomUUID(),
      thread_id: threadId,
      thread_seq: Number(seqRow.last_seq),
      event_type: input.eventType,
      sender_id: input.senderId,
      content: input.content,
      created_at: createdAt,
      data: input.data,
    };
    this.stmt.insertEvent.run(
      threadId,
      event.thread_seq,
      event.event_id,
      event.event_type,
      event.sender_id,
      event.content,
      JSON.stringify(event.data),
      createdAt,
    );
    if (SEARCHABLE.has(event.event_type)) {
      this.stmt.insertSearch.run(indexedText(event.content, event.data), threadKey(threadId), threadId, event.thread_seq);
    }
    return event;
  }

  /**
   * Inserts a message and its `message_committed` event, and makes it the thread's last
   * message; also returns what the commit saw of the thread (its mode, its active webhooks).
   */
  insertMessage(input: NewMessage, createdAt: string): { message: Message; event: ThreadEvent; facts: CommitFacts } {
    const messageId = randomUUID();
    const taken = this.stmt.nextMessageSeq.run(createdAt, createdAt, input.senderId, input.content, createdAt, input.threadId);
    const seqRow = taken.changes === 0 ? undefined : (this.stmt.seqTaken.get(input.threadId) as Row);
    const event = this.writeEvent(
      input.threadId,
      seqRow,
      {
        eventType: 'message_committed',
        senderId: input.senderId,
        content: input.content,
        data: messageCommittedData(input, messageId),
      },
      createdAt,
    );
    const message = committedMessage(input, messageId, event.thread_seq, createdAt);
    this.stmt.insertMessage.run(
      message.id,
      message.thread_id,
      message.thread_seq,
      message.sender_id,
      message.role,
      message.content,
      message.client_message_id,
      JSON.stringify(message.mentions),
      message.base_seq,
      message.latest_seen_seq,
      createdAt,
    );
    const facts: CommitFacts = {
      participationMode: seqRow!.participation_mode as ParticipationMode,
      status: seqRow!.status as ThreadStatus,
      activeWebhookIds: this.stmt.activeWebhookIds.all(input.threadId) as string[],
    };
    return { message, event, facts };
  }

  /**
   * A new message, or the one already sent with this (thread, sender, client_message_id).
   * With `recheckUserId`, first checks in the same transaction that this user may still post
   * (as the PostgreSQL commit does): otherwise nothing is written, not even a repeat answered,
   * and {@link SENDER_REFUSED} is returned.
   */
  commitInGroup(input: NewMessage, createdAt: string): CommitResult | typeof SENDER_REFUSED | AttachmentsRefused {
    if (
      input.recheckUserId !== undefined &&
      !this.senderMayPost(input.threadId, input.recheckUserId, input.recheckSessionVersion ?? null)
    ) {
      return SENDER_REFUSED;
    }
    const existingRow = this.stmt.messageByClientId.get(input.threadId, input.senderId, input.clientMessageId) as Row | undefined;
    if (existingRow) {
      const existing = toMessage(existingRow);
      return repeatOf(existing, input);
    }
    const ids = input.attachmentIds ?? [];
    if (ids.length === 0) return { status: 'created', ...this.insertMessage(input, createdAt) };
    // Read and claimed in this transaction: no other send can take them in between.
    const records = this.attachments.many(ids);
    const refusal = attachmentRefusal(ids, records, input.threadId, input.senderId);
    // A value, as SENDER_REFUSED is: nothing was written, so the group need not run again.
    if (refusal) return new AttachmentsRefused(refusal.status, refusal.message);
    const attachments = ids.map((id) => attachmentSummary(records.find((record) => record.id === id)!));
    const inserted = this.insertMessage({ ...input, attachments }, createdAt);
    for (const id of ids) this.stmt.claimAttachment.run(inserted.message.id, id);
    this.stmt.messageAttachments.run(JSON.stringify(attachments), inserted.message.id);
    return { status: 'created', ...inserted };
  }

  private senderMayPost(threadId: string, userId: string, sessionVersion: number | null): boolean {
    return this.stmt.senderMayPost.get(threadId, userId, sessionVersion, sessionVersion) !== undefined;
  }

  async commitMessage(input: NewMessage): Promise<CommitResult> {
    // A refused sender comes back as a value: throwing inside the group would make it run again.
    const result = await this.writer.run(() => this.commitInGroup(input, now()));
    if (result === SENDER_REFUSED) throw new SenderRefused(input.threadId);
    if (result instanceof AttachmentsRefused) throw result;
    return result;
  }

  async appendEvent(threadId: string, input: NewEvent): Promise<ThreadEvent> {
    return this.writer.run(() => this.insertEvent(threadId, input, now()));
  }

  async list(threadId: string, afterSeq: number, limit: number): Promise<{ events: ThreadEvent[]; hasMore: boolean }> {
    const rows = this.stmt.events.all(threadId, afterSeq, limit + 1) as Row[];
    const hasMore = rows.length > limit;
    return { events: rows.slice(0, limit).map(toEvent), hasMore };
  }
}
