import type { AttachmentSummary, Message, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { CommitResult, NewMessage } from './storage.ts';

/**
 * What every storage implementation stores and returns for a committed message, written
 * once: the `message_committed` event's data, the message itself, and how a repeat of its
 * (thread, sender, client_message_id) is answered.
 */
export function messageCommittedData(input: NewMessage, messageId: string): Record<string, unknown> {
  return {
    message_id: messageId,
    client_message_id: input.clientMessageId,
    role: input.role,
    mentions: input.mentions,
    base_seq: input.baseSeq,
    latest_seen_seq: input.latestSeenSeq,
    ...attachmentsField(input.attachments),
  };
}

/** `attachments` on a message and its event data (CONTRACT §13): only when it carries some, so other messages keep their shape. */
export function attachmentsField(attachments: readonly AttachmentSummary[] | undefined): { attachments?: AttachmentSummary[] } {
  return attachments && attachments.length > 0 ? { attachments: [...attachments] } : {};
}

export function committedMessage(input: NewMessage, messageId: string, seq: number, createdAt: string): Message {
  return {
    id: messageId,
    thread_id: input.threadId,
    thread_seq: seq,
    sender_id: input.senderId,
    role: input.role,
    content: input.content,
    client_message_id: input.clientMessageId,
    mentions: input.mentions,
    base_seq: input.baseSeq,
    latest_seen_seq: input.latestSeenSeq,
    created_at: createdAt,
    ...attachmentsField(input.attachments),
  };
}

/** The `message_committed` event of a message committed at `seq`, with its `data` ({@link messageCommittedData}). */
export function committedEvent(
  input: NewMessage,
  eventId: string,
  seq: number,
  createdAt: string,
  data: Record<string, unknown>,
): ThreadEvent {
  return {
    event_id: eventId,
    thread_id: input.threadId,
    thread_seq: seq,
    event_type: 'message_committed',
    sender_id: input.senderId,
    content: input.content,
    created_at: createdAt,
    data,
  };
}

/**
 * The same send again (same content, the same attachments in the same order) is a duplicate;
 * the same id with anything else, a conflict. A repeat never claims an attachment again.
 */
export function repeatOf(existing: Message, input: NewMessage): CommitResult {
  const had = (existing.attachments ?? []).map((attachment) => attachment.id).join(',');
  const sent = (input.attachmentIds ?? []).join(',');
  return existing.content === input.content && had === sent
    ? { status: 'duplicate', message: existing }
    : { status: 'conflict', message: existing };
}
