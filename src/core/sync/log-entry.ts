import { senderKind, type Role } from '../protocol/model.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';

/** A committed message as the UI shows it. */
export interface MessageView {
  id: string;
  threadId: string;
  seq: number;
  senderId: string;
  role: Role;
  content: string;
  clientMessageId: string | null;
  mentions: readonly string[];
  createdAt: string | null;
}

/**
 * One durable event of a thread's log, whatever delivered it (a `thread_message` or
 * `thread_event` frame, a poll page, SSE). `key` identifies the event itself: two
 * entries with one seq and different keys mean the server's log is not the one we hold.
 */
export interface LogEntry {
  seq: number;
  key: string;
  type: string;
  senderId: string;
  content: string | null;
  createdAt: string | null;
  data: Readonly<Record<string, unknown>>;
  message: MessageView | null;
}

function roleOf(senderId: string, role: unknown): Role {
  if (role === 'user' || role === 'agent' || role === 'system') return role;
  const kind = senderKind(senderId);
  return kind === 'agent' ? 'agent' : kind === 'system' ? 'system' : 'user';
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** From a durable event (poll page, SSE, `thread_event` frame). */
export function entryFromEvent(threadId: string, event: InboundEvent): LogEntry {
  const data = event.data ?? {};
  const senderId = event.sender_id ?? str(data.sender_id) ?? 'system';
  const base = {
    seq: event.thread_seq,
    type: event.event_type,
    senderId,
    content: event.content ?? null,
    createdAt: event.created_at ?? null,
    data,
  };
  if (event.event_type !== 'message_committed') {
    return { ...base, key: event.event_id ?? `${event.event_type}:${event.thread_seq}`, message: null };
  }
  // A seed server's event may lack data.message_id: the event id then names the message.
  const messageId = str(data.message_id) ?? event.event_id ?? `message:${event.thread_seq}`;
  return {
    ...base,
    key: messageId,
    message: {
      id: messageId,
      threadId,
      seq: event.thread_seq,
      senderId,
      role: roleOf(senderId, data.role),
      content: event.content ?? '',
      clientMessageId: str(data.client_message_id),
      mentions: Array.isArray(data.mentions) ? data.mentions.filter((item): item is string => typeof item === 'string') : [],
      createdAt: event.created_at ?? null,
    },
  };
}

/** From a message that carries its seq (`thread_message` frame, send response). */
export function entryFromMessage(threadId: string, message: InboundMessage & { thread_seq: number }): LogEntry {
  const view: MessageView = {
    id: message.id,
    threadId,
    seq: message.thread_seq,
    senderId: message.sender_id,
    role: roleOf(message.sender_id, message.role),
    content: message.content,
    clientMessageId: message.client_message_id ?? null,
    mentions: message.mentions ?? [],
    createdAt: message.created_at ?? null,
  };
  return {
    seq: message.thread_seq,
    key: message.id,
    type: 'message_committed',
    senderId: message.sender_id,
    content: message.content,
    createdAt: view.createdAt,
    data: { message_id: message.id, client_message_id: view.clientMessageId, role: view.role, mentions: view.mentions },
    message: view,
  };
}
