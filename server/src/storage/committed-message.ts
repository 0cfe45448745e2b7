import type { Message, ThreadEvent } from '../../../src/core/protocol/model.ts';
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
  };
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

/** The same send again (same content) is a duplicate; the same id with other content, a conflict. */
export function repeatOf(existing: Message, input: NewMessage): CommitResult {
  return existing.content === input.content ? { status: 'duplicate', message: existing } : { status: 'conflict', message: existing };
}
