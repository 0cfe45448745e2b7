import type { SendMessageInput } from '../protocol/client-frames.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';

export interface EventPage {
  events: InboundEvent[];
  has_more: boolean;
}

/**
 * What the sync engine needs from REST for the threads it follows. The signed-in inbox
 * and the visitor widget each implement it over their own endpoints (CONTRACT §3–§5, §7).
 * Every method rejects with an {@link ApiError}.
 */
export interface ThreadSource {
  /** A page of the log: events with seq > `afterSeq`, ascending (CONTRACT §5 poll). */
  pollEvents(threadId: string, afterSeq: number, limit: number, signal?: AbortSignal): Promise<EventPage>;
  /**
   * The server's `last_seq` for the thread, or null when this server cannot say (a seed-only
   * server has no `GET /chat/threads/{id}`): the engine then pages from the start.
   */
  lastSeq(threadId: string, signal?: AbortSignal): Promise<number | null>;
  /** Commits a message (idempotent on `client_message_id`); resolves with the committed message. */
  sendMessage(threadId: string, body: SendMessageInput, signal?: AbortSignal): Promise<InboundMessage>;
}
