import { randomUUID } from 'node:crypto';
import type { Message, ParticipationMode, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { ThreadStatus } from '../../../../src/core/protocol/ownership.ts';
import type postgres from 'postgres';
import { now, toEvent, toMessage, uniqueViolation, type Db, type Row } from './rows.ts';
import { committedEvent, committedMessage, messageCommittedData, repeatOf } from '../committed-message.ts';
import { unsequencedEvent, type AnyNewEvent } from '../log-events.ts';
import { AttachmentsRefused, SenderRefused, type CommitFacts, type CommitResult, type NewEvent, type NewMessage } from '../storage.ts';
import type { WriteLanes } from './write-lanes.ts';
import type { LogStore } from '../stores/log-store.ts';
import { attachmentRefusal, attachmentSummary } from '../attachment-rows.ts';
import { lockedAttachments } from './attachments.ts';

/**
 * The dense per-thread log in PostgreSQL. Every append is an UPDATE that takes the next seq
 * from `threads.last_seq` (and with it the thread row's lock, held to the end of the
 * transaction) feeding the INSERTs. A writer in another process waits for that lock and then
 * reads the new `last_seq`, so seqs stay 1, 2, 3, ... with no gap or duplicate; a failed
 * append rolls back whole, seq included. Sends and appended events go through the write
 * lanes, whose `append_group` function (PostgreSQL migration 5) runs the same statements as
 * {@link insertMessage} and {@link insertEvent}, which serve the transactions of the other
 * aggregates (a new thread, approvals, runs): keep the two in step.
 */

function threadMissing(threadId: string): Error {
  return new Error(`thread ${threadId} does not exist`);
}

/** Appends one event at the next seq (on its own, or as part of the caller's transaction). */
export async function insertEvent(sql: Db, threadId: string, input: AnyNewEvent, createdAt: string): Promise<ThreadEvent> {
  const event = unsequencedEvent(threadId, input, createdAt);
  const rows = await sql<{ thread_seq: number }[]>`
    WITH next AS (
      UPDATE threads SET last_seq = last_seq + 1, updated_at = ${createdAt} WHERE id = ${threadId} RETURNING last_seq
    )
    INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
    SELECT ${threadId}::text, next.last_seq, ${event.event_id}::text, ${event.event_type}::text, ${event.sender_id}::text,
           ${event.content}::text, ${JSON.stringify(event.data)}::text::jsonb, ${createdAt}::timestamptz
    FROM next
    RETURNING thread_seq`;
  if (rows.length === 0) throw threadMissing(threadId);
  return { ...event, thread_seq: rows[0]!.thread_seq };
}

/** A message inserted with its event, and what the same statement read about the thread. */
export interface InsertedMessage {
  message: Message;
  event: ThreadEvent;
  facts: CommitFacts;
}

/**
 * Inserts a message and its `message_committed` event, and makes it the thread's last
 * message: one statement, which also returns the thread's mode, status and active webhooks (read in
 * the same round trip, so the send path does not ask again). With `recheckUserId` the thread
 * row is updated only while that user is enabled, on `recheckSessionVersion` and sees the thread, so nothing is inserted
 * otherwise. Null when nothing was inserted (no such thread, or the recheck refused).
 */
export async function insertMessage(sql: Db, input: NewMessage, createdAt: string): Promise<InsertedMessage | null> {
  const messageId = randomUUID();
  const eventId = randomUUID();
  const data = messageCommittedData(input, messageId);
  const recheck = input.recheckUserId ?? null;
  const recheckVersion = input.recheckSessionVersion ?? null;
  const rows = await sql<{ thread_seq: number; participation_mode: ParticipationMode; status: ThreadStatus; webhook_ids: string[] }[]>`
    WITH next AS (
      UPDATE threads
      SET last_seq = last_seq + 1, updated_at = ${createdAt}, activity_at = ${createdAt},
          last_message_sender = ${input.senderId}, last_message_content = ${input.content}, last_message_at = ${createdAt}
      WHERE id = ${input.threadId}
        AND (${recheck}::text IS NULL OR EXISTS (
          SELECT 1 FROM thread_access JOIN users ON users.id = thread_access.user_id
          WHERE thread_access.user_id = ${recheck}::text AND thread_access.thread_id = ${input.threadId} AND NOT users.disabled
            AND (${recheckVersion}::int IS NULL OR users.session_version = ${recheckVersion}::int)))
      RETURNING last_seq, participation_mode, status
    ), event AS (
      INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
      SELECT ${input.threadId}::text, next.last_seq, ${eventId}::text, 'message_committed', ${input.senderId}::text,
             ${input.content}::text, ${JSON.stringify(data)}::text::jsonb, ${createdAt}::timestamptz
      FROM next
    )
    INSERT INTO messages (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions,
                          base_seq, latest_seen_seq, created_at)
    SELECT ${messageId}::text, ${input.threadId}::text, next.last_seq, ${input.senderId}::text, ${input.role}::text,
           ${input.content}::text, ${input.clientMessageId}::text, ${JSON.stringify(input.mentions)}::text::jsonb, ${input.baseSeq}::int,
           ${input.latestSeenSeq}::int, ${createdAt}::timestamptz
    FROM next
    RETURNING thread_seq, (SELECT participation_mode FROM next) AS participation_mode, (SELECT status FROM next) AS status,
              ARRAY(SELECT id FROM webhooks WHERE webhooks.thread_id = ${input.threadId} AND active ORDER BY id) AS webhook_ids`;
  const row = rows[0];
  if (!row) return null;
  const seq = row.thread_seq;
  const message = committedMessage(input, messageId, seq, createdAt);
  const event = committedEvent(input, eventId, seq, createdAt, data);
  return { message, event, facts: { participationMode: row.participation_mode, status: row.status, activeWebhookIds: row.webhook_ids } };
}

async function existingMessage(sql: Db, input: NewMessage): Promise<Message | undefined> {
  const [row] = await sql<Row[]>`
    SELECT * FROM messages WHERE thread_id = ${input.threadId} AND sender_id = ${input.senderId} AND client_message_id = ${input.clientMessageId}`;
  return row && toMessage(row);
}

/**
 * The log's store (`storage.log`): sends and appended events are committed through the
 * {@link WriteLanes} (grouped with other processes' appends to the same database); reads use
 * the pool.
 */
export class PostgresThreadLog implements LogStore {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly lanes: WriteLanes,
  ) {}

  /**
   * A new message, or the one already sent with this (thread, sender, client_message_id).
   * The insert is tried first (no extra round trip when new); the unique index on the key
   * turns a repeat, even one racing in from another process, into a failed write (rolled back,
   * seq included), and the stored message is then read back. A write lane commits the write (in a
   * lane's grouped statement, see {@link WriteLanes}).
   */
  async commitMessage(input: NewMessage): Promise<CommitResult> {
    if (input.attachmentIds !== undefined && input.attachmentIds.length > 0) return this.commitWithAttachments(input);
    const createdAt = now();
    const messageId = randomUUID();
    const eventId = randomUUID();
    const data = messageCommittedData(input, messageId);
    try {
      const outcome = await this.lanes.run({
        kind: 'message',
        thread_id: input.threadId,
        message_id: messageId,
        event_id: eventId,
        sender_id: input.senderId,
        role: input.role,
        content: input.content,
        client_message_id: input.clientMessageId,
        mentions: input.mentions,
        base_seq: input.baseSeq,
        latest_seen_seq: input.latestSeenSeq,
        created_at: createdAt,
        data,
        recheck_user_id: input.recheckUserId ?? null,
        recheck_session_version: input.recheckSessionVersion ?? null,
      });
      if (outcome) {
        const seq = outcome.seq;
        const event = committedEvent(input, eventId, seq, createdAt, data);
        return {
          status: 'created',
          message: committedMessage(input, messageId, seq, createdAt),
          event,
          facts: { participationMode: outcome.participation_mode!, status: outcome.status!, activeWebhookIds: outcome.webhook_ids! },
        };
      }
      // Refused by the recheck (or no such thread): not even a repeat is answered.
      throw input.recheckUserId === undefined ? threadMissing(input.threadId) : new SenderRefused(input.threadId);
    } catch (error) {
      if (uniqueViolation(error) !== 'messages_idempotency') throw error;
    }
    const existing = await existingMessage(this.sql, input);
    if (!existing) throw new Error(`message ${input.clientMessageId} was refused as a repeat but is not stored`);
    return repeatOf(existing, input);
  }

  /**
   * A send that carries attachments (CONTRACT §13), in a transaction of its own rather than a
   * write lane's group: their rows are locked, checked and claimed with the message, or
   * nothing is written. Rare enough that the lanes' batching is not missed.
   */
  private async commitWithAttachments(input: NewMessage): Promise<CommitResult> {
    const ids = input.attachmentIds ?? [];
    try {
      return await this.sql.begin(async (tx): Promise<CommitResult> => {
        const existing = await existingMessage(tx, input);
        if (existing) return repeatOf(existing, input);
        const records = await lockedAttachments(tx, ids);
        const refusal = attachmentRefusal(ids, records, input.threadId, input.senderId);
        if (refusal) throw new AttachmentsRefused(refusal.status, refusal.message);
        const attachments = ids.map((id) => attachmentSummary(records.find((record) => record.id === id)!));
        const inserted = await insertMessage(tx, { ...input, attachments }, now());
        if (!inserted) throw input.recheckUserId === undefined ? threadMissing(input.threadId) : new SenderRefused(input.threadId);
        await tx`UPDATE attachments SET message_id = ${inserted.message.id} WHERE id = ANY(${ids}::text[])`;
        await tx`UPDATE messages SET attachments = ${JSON.stringify(attachments)}::text::jsonb WHERE id = ${inserted.message.id}`;
        return { status: 'created', ...inserted };
      });
    } catch (error) {
      // The same send racing in from elsewhere: answered as a repeat, as without attachments.
      if (uniqueViolation(error) !== 'messages_idempotency') throw error;
    }
    const existing = await existingMessage(this.sql, input);
    if (!existing) throw new Error(`message ${input.clientMessageId} was refused as a repeat but is not stored`);
    return repeatOf(existing, input);
  }

  /** Appends one event at the next seq through a write lane's grouped statement. */
  async appendEvent(threadId: string, input: NewEvent): Promise<ThreadEvent> {
    const createdAt = now();
    const event = unsequencedEvent(threadId, input, createdAt);
    const outcome = await this.lanes.run({ kind: 'event', ...event });
    if (!outcome) throw threadMissing(threadId);
    return { ...event, thread_seq: outcome.seq };
  }

  async list(threadId: string, afterSeq: number, limit: number): Promise<{ events: ThreadEvent[]; hasMore: boolean }> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM events WHERE thread_id = ${threadId} AND thread_seq > ${afterSeq} ORDER BY thread_seq LIMIT ${limit + 1}`;
    return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
  }
}
