import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';
import { publicFrame } from '../threads/public-event.ts';
import type { TopicEvent } from './topic-encoder.ts';
import { textFrame } from './ws-frame.ts';

/** A frame that arrived already encoded (from another server process, over NATS). */
export interface EncodedFrame {
  /** The WebSocket text of the frame, sent to sockets as it is. */
  ws: Buffer;
  /**
   * The durable event's JSON as UTF-8 bytes, when there is one (SSE sends it as is, topic
   * frames embed it): kept as bytes so that a frame only topic sockets get is never decoded.
   */
  eventBytes: Buffer | null;
  seq: number | null;
  /**
   * The durable event's type as the sender's NATS subject names it (`message_committed` for a
   * message), when it does: topic events are built from it without parsing the frame.
   */
  eventType?: string;
}

/**
 * One frame on its way to every subscriber of a thread. Each wire format is encoded at
 * most once, on first use, and the same bytes go to every socket: fan-out to a thousand
 * sockets costs one JSON.stringify, not a thousand. A frame received from another process
 * keeps the bytes it came with and is parsed only if something asks for the object.
 */
export class Outbound {
  private frameValue: ServerFrame | undefined;
  private eventValue: ThreadEvent | null | undefined;
  private wsBytes: Buffer | undefined;
  private wsFrameBytes: Buffer | undefined;
  private eventText: string | null | undefined;
  private eventBytesValue: Buffer | null | undefined;
  private sseText: string | undefined;
  private publicWsBytes: Buffer | undefined;
  private publicWsFrameBytes: Buffer | undefined;
  private eventTypeValue: string | undefined;
  /** The durable event's `thread_seq`; null for live-only frames. */
  readonly seq: number | null;
  /** The frame as topic subscribers get it, once {@link TopicEncoder} made it (null: it is none); kept for every socket. */
  topicEvent: TopicEvent | null | undefined;

  constructor(
    readonly threadId: string,
    frame: ServerFrame | null,
    /** The durable event behind the frame, when there is one (SSE sends it as is). */
    event: ThreadEvent | null = null,
    /** A sender who must not get the frame back (their own typing, their own presence). */
    readonly exceptSenderId: string | null = null,
    encoded?: EncodedFrame,
  ) {
    if (encoded) {
      this.wsBytes = encoded.ws;
      this.eventBytesValue = encoded.eventBytes;
      if (encoded.eventBytes === null) this.eventText = null;
      this.seq = encoded.seq;
      this.eventTypeValue = encoded.eventType;
    } else {
      if (!frame) throw new Error('An outbound needs a frame or its encoding.');
      this.frameValue = frame;
      this.eventValue = event;
      this.seq = event?.thread_seq ?? null;
    }
  }

  /** A frame received encoded: its bytes go to the sockets untouched. */
  static fromEncoded(threadId: string, exceptSenderId: string | null, encoded: EncodedFrame): Outbound {
    return new Outbound(threadId, null, null, exceptSenderId, encoded);
  }

  get frame(): ServerFrame {
    return (this.frameValue ??= JSON.parse(this.ws.toString('utf8')) as ServerFrame);
  }

  get event(): ThreadEvent | null {
    if (this.eventValue === undefined) {
      const eventJson = this.eventJson;
      this.eventValue = eventJson ? (JSON.parse(eventJson) as ThreadEvent) : null;
    }
    return this.eventValue;
  }

  /**
   * The durable event's type (`message_committed` for a message, else its `event_type`); null
   * for live-only frames and durable frames of any other shape. From the sender's subject when
   * it came with one, so that a frame received over NATS is not parsed for it.
   */
  get eventType(): string | null {
    if (this.seq === null) return null;
    if (this.eventTypeValue !== undefined) return this.eventTypeValue;
    const frame = this.frame;
    return frame.type === 'thread_message' ? 'message_committed' : frame.type === 'thread_event' ? frame.data.event_type : null;
  }

  get ws(): Buffer {
    return (this.wsBytes ??= Buffer.from(JSON.stringify(this.frame)));
  }

  /** {@link ws} as a whole WebSocket text frame, header included, built once for every socket. */
  get wsFrame(): Buffer {
    return (this.wsFrameBytes ??= textFrame(this.ws));
  }

  /**
   * {@link ws} as a visitor's socket gets it (CONTRACT §11): a team-only event as its
   * `hidden` placeholder ({@link publicFrame}), encoded once for every public socket; any
   * other frame is the same bytes. Live-only frames are never team-only, and are not parsed.
   */
  get publicWs(): Buffer {
    if (this.publicWsBytes === undefined) {
      const shown = this.seq === null ? null : publicFrame(this.frame);
      this.publicWsBytes = shown === null || shown === this.frame ? this.ws : Buffer.from(JSON.stringify(shown));
    }
    return this.publicWsBytes;
  }

  /** {@link publicWs} as a whole WebSocket text frame, built once for every public socket. */
  get publicWsFrame(): Buffer {
    if (this.publicWsFrameBytes === undefined) {
      this.publicWsFrameBytes = this.publicWs === this.ws ? this.wsFrame : textFrame(this.publicWs);
    }
    return this.publicWsFrameBytes;
  }

  /** The durable event's JSON (null for live-only frames), encoded (or, received, decoded) once. */
  get eventJson(): string | null {
    if (this.eventText === undefined) {
      const received = this.eventBytesValue;
      this.eventText = received ? received.toString('utf8') : this.eventValue ? JSON.stringify(this.eventValue) : null;
    }
    return this.eventText;
  }

  /** {@link eventJson} as UTF-8 bytes: as received from another process, else encoded once. */
  get eventBytes(): Buffer | null {
    if (this.eventBytesValue === undefined) {
      const eventJson = this.eventJson;
      this.eventBytesValue = eventJson === null ? null : Buffer.from(eventJson);
    }
    return this.eventBytesValue;
  }

  /** SSE: durable events as the event object with `id: <seq>`; ephemeral ones as `data:` only. */
  get sse(): string {
    if (this.sseText === undefined) {
      const eventJson = this.eventJson;
      this.sseText =
        eventJson !== null ? `id: ${this.seq}\ndata: ${eventJson}\n\n` : `data: ${JSON.stringify(ephemeralEvent(this.frame))}\n\n`;
    }
    return this.sseText;
  }
}

/** The event-object shape of a live-only frame, for SSE readers (seed 000 lists `typing`, `thread_presence`). */
export function ephemeralEvent(frame: ServerFrame): Record<string, unknown> {
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
