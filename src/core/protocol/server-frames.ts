import type { Message, SenderId, SocketErrorCode, ThreadEvent } from './model.ts';
import type { Notification } from './notifications.ts';

/** Server → client frames on both WebSockets (CONTRACT §6). */
export type ServerFrame =
  | {
      type: 'ready';
      /**
       * `protocol_version` [ext]: `PROTOCOL_VERSION` (protocol-version.ts); a client accepts a ready without it.
       * `org` (CONTRACT §15): the `<org>` token of topics; a seed-only server sends none.
       */
      data: { connection_id: string; heartbeat_ms: number; server_time: string; protocol_version?: number; org?: string };
    }
  | { type: 'pong' }
  | { type: 'thread_message'; thread_id: string; data: Message }
  | { type: 'thread_event'; thread_id: string; data: ThreadEvent }
  | { type: 'thread_typing'; thread_id: string; data: { sender_id: SenderId; status: 'started' | 'stopped' } }
  | { type: 'thread_presence'; thread_id: string; data: { sender_id: SenderId; status: 'focused' | 'unfocused' } }
  | { type: 'thread_runtime'; thread_id: string; data: RuntimeFrameData }
  | { type: 'thread_read'; thread_id: string; data: { read_seq: number } }
  | { type: 'message_ack'; data: { client_message_id: string; message: Message } }
  /** CONTRACT §12, user socket only: a notification for this user, in the order they were made. */
  | { type: 'notification'; data: Notification }
  | { type: 'error'; data: SocketErrorData };

export interface RuntimeFrameData {
  event_type: string;
  run_id: string;
  [key: string]: unknown;
}

export interface SocketErrorData {
  code: SocketErrorCode;
  message: string;
  retryable: boolean;
  client_message_id?: string;
  /** [ext] with `rate_limited`: when to try again. */
  retry_after_ms?: number;
}

export type ServerFrameType = ServerFrame['type'];
