import { parseEventBody, parseMessageCommittedData, type EventBody } from '../protocol/event-data.ts';
import { senderKind, type AttachmentSummary, type Role } from '../protocol/model.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';

/** A committed message as the UI shows it. */
export interface MessageView {
  id: string;
  threadId: string;
  seq: number;
  senderId: string;
  role: Role;
  content: string;
  /** Kept for the user's own messages (to hand over their optimistic copies); null for others'. */
  clientMessageId: string | null;
  mentions: readonly string[];
  createdAt: string | null;
  /** [ext] The files it carries (CONTRACT §13); undefined when none. */
  attachments?: readonly AttachmentSummary[] | undefined;
  /** [ext] Deleted (CONTRACT §14): its content is `""` and its files are gone; shown as "Message deleted" in place. */
  deleted?: boolean;
}

/**
 * One durable event of a thread's log, whatever delivered it (a `thread_message` or
 * `thread_event` frame, a poll page, SSE). `key` identifies the event itself: two entries
 * with one seq and different keys mean the server's log is not the one we hold.
 *
 * A message is one object that is its own {@link MessageView}: threads can hold many
 * thousands of them, and one object per message instead of three keeps a held event small.
 */
export type LogEntry = MessageEntry | EventEntry;

export interface MessageEntry extends MessageView {
  kind: 'message';
  key: string;
  type: 'message_committed';
}

export interface EventEntry {
  kind: 'event';
  seq: number;
  key: string;
  /** The event type as the server named it. */
  type: string;
  senderId: string;
  content: string | null;
  createdAt: string | null;
  /** The typed data, parsed once here; `other` for types this client does not know or data that does not fit. */
  body: EventBody;
}

const NO_MENTIONS: readonly string[] = Object.freeze([]);

function roleOf(senderId: string, role: unknown): Role {
  if (role === 'agent' || (role !== 'user' && role !== 'system' && senderKind(senderId) === 'agent')) return 'agent';
  if (role === 'system' || (role !== 'user' && senderKind(senderId) === 'system')) return 'system';
  return 'user';
}

const mentionsOf = (value: readonly string[] | null | undefined): readonly string[] => (value && value.length > 0 ? value : NO_MENTIONS);

function messageEntry(fields: Omit<MessageEntry, 'kind' | 'type' | 'key'>): MessageEntry {
  // One literal with a fixed field order, so every message shares one hidden class.
  return {
    kind: 'message',
    key: fields.id,
    type: 'message_committed',
    id: fields.id,
    threadId: fields.threadId,
    seq: fields.seq,
    senderId: fields.senderId,
    role: fields.role,
    content: fields.content,
    clientMessageId: fields.clientMessageId,
    mentions: fields.mentions,
    createdAt: fields.createdAt,
    attachments: fields.attachments,
    deleted: fields.deleted ?? false,
  };
}

/**
 * The message as it reads once deleted (CONTRACT §14): same place, id and sender; no content,
 * mentions or files. A new object, so whatever keeps the old one (a rendered row) sees it change.
 */
export function erasedMessage(entry: MessageEntry): MessageEntry {
  if (entry.deleted && entry.content === '' && entry.attachments === undefined) return entry;
  return messageEntry({ ...entry, content: '', mentions: NO_MENTIONS, attachments: undefined, deleted: true });
}

/** The id of the message a `message_deleted` entry erased; null for any other entry. */
export function deletedMessageId(entry: LogEntry): string | null {
  return entry.kind === 'event' && entry.body.type === 'message_deleted' ? entry.body.data.message_id : null;
}

const attachmentsOf = (value: readonly AttachmentSummary[] | null | undefined) => (value && value.length > 0 ? value : undefined);

/** From a durable event (poll page, SSE, `thread_event` frame). */
export function entryFromEvent(threadId: string, event: InboundEvent): LogEntry {
  if (event.event_type === 'message_committed') {
    const data = parseMessageCommittedData(event.data);
    const senderId = event.sender_id ?? data.sender_id ?? 'system';
    // A seed server's event may lack data.message_id: the event id then names the message.
    const id = data.message_id ?? event.event_id ?? `message:${event.thread_seq}`;
    return messageEntry({
      id,
      threadId,
      seq: event.thread_seq,
      senderId,
      role: roleOf(senderId, data.role),
      content: event.content ?? '',
      clientMessageId: data.client_message_id ?? null,
      mentions: mentionsOf(data.mentions),
      createdAt: event.created_at ?? null,
      attachments: attachmentsOf(data.attachments),
      // Read as deleted by the log (`erasedMessage`), whatever a server left beside the flag.
      deleted: data.deleted === true,
    });
  }
  const body = parseEventBody(event.event_type, event.data);
  const joined = body.type === 'participant_joined' ? body.data.sender_id : null;
  return {
    kind: 'event',
    seq: event.thread_seq,
    key: event.event_id ?? `${event.event_type}:${event.thread_seq}`,
    type: event.event_type,
    senderId: event.sender_id ?? joined ?? 'system',
    content: event.content ?? null,
    createdAt: event.created_at ?? null,
    body,
  };
}

/** From a message that carries its seq (`thread_message` frame, send response). */
export function entryFromMessage(threadId: string, message: InboundMessage & { thread_seq: number }): MessageEntry {
  return messageEntry({
    id: message.id,
    threadId,
    seq: message.thread_seq,
    senderId: message.sender_id,
    role: roleOf(message.sender_id, message.role),
    content: message.content,
    clientMessageId: message.client_message_id ?? null,
    mentions: mentionsOf(message.mentions),
    createdAt: message.created_at ?? null,
    attachments: attachmentsOf(message.attachments),
  });
}
