import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';

/**
 * One frame on its way to every subscriber of a thread. Each wire format is encoded at
 * most once, on first use, and the same bytes go to every socket: fan-out to a thousand
 * sockets costs one JSON.stringify, not a thousand.
 */
export class Outbound {
  private wsBytes: Buffer | undefined;
  private sseText: string | undefined;

  constructor(
    readonly threadId: string,
    readonly frame: ServerFrame,
    /** The durable event behind the frame, when there is one (SSE sends it as is). */
    readonly event: ThreadEvent | null = null,
    /** A sender who must not get the frame back (their own typing, their own presence). */
    readonly exceptSenderId: string | null = null,
  ) {}

  get ws(): Buffer {
    return (this.wsBytes ??= Buffer.from(JSON.stringify(this.frame)));
  }

  /** SSE: durable events as the event object with `id: <seq>`; ephemeral ones as `data:` only. */
  get sse(): string {
    if (this.sseText === undefined) {
      this.sseText = this.event
        ? `id: ${this.event.thread_seq}\ndata: ${JSON.stringify(this.event)}\n\n`
        : `data: ${JSON.stringify(ephemeralEvent(this.frame))}\n\n`;
    }
    return this.sseText;
  }
}

/** The event-object shape of a live-only frame, for SSE readers (seed 000 lists `typing`, `thread_presence`). */
function ephemeralEvent(frame: ServerFrame): Record<string, unknown> {
  switch (frame.type) {
    case 'thread_typing':
      return { event_type: 'typing', thread_id: frame.thread_id, sender_id: frame.data.sender_id, data: frame.data };
    case 'thread_presence':
      return { event_type: 'thread_presence', thread_id: frame.thread_id, sender_id: frame.data.sender_id, data: frame.data };
    case 'thread_runtime':
      return { event_type: frame.data.event_type, thread_id: frame.thread_id, data: frame.data };
    default:
      return { event_type: frame.type, data: 'data' in frame ? frame.data : null };
  }
}
