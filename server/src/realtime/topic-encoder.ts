import { isSubjectToken } from './nats/subjects.ts';
import { ephemeralEvent, type Outbound } from './outbound.ts';

/** The seed's `<source>` and the two resources a client may subscribe to (CONTRACT §15). */
const SOURCE = 'chat';
const THREAD_RESOURCE = 'thread';
const NOTIFICATIONS_SOURCE = 'notifications';
const USER_RESOURCE = 'user';

/**
 * One event as topic subscribers get it: its own subject (no wildcards), split for the
 * matcher, and the bytes of the `event` frame around its `subscription_ids`, so that each
 * socket adds only its ids: the event is encoded once, however many sockets get it.
 */
export interface TopicEvent {
  readonly subject: string;
  readonly tokens: readonly string[];
  /** The thread it belongs to (null for a notification: it is the user's, not the thread's). */
  readonly threadId: string | null;
  /** A durable event's `thread_seq`; null for ephemeral events and notifications. */
  readonly seq: number | null;
  /** `{"type":"event","data":{"topic":"…","subscription_ids":` */
  readonly head: Buffer;
  /** `,"event":{…}}}` */
  readonly tail: Buffer;
}

/** A durable event as the log gives it (its other fields go out as they are). */
export interface LoggedEvent {
  readonly event_type: string;
  readonly thread_id: string;
  readonly thread_seq: number;
}

/** A frame that is no topic event (read positions, acks, errors) or whose event type cannot be a subject token. */
const NONE = null;

/**
 * Turns the hub's frames into topic events (CONTRACT §15), once per frame and process: the
 * encoding is kept beside the outbound, which every socket of the process shares.
 * Durable events are the §5 object, exactly as SSE sends it; typing, presence and runtime
 * steps the SSE "ephemeral event" shape; notifications the §12 object.
 */
export class TopicEncoder {
  private readonly threadPrefix: string;
  private readonly notificationPrefix: string;
  private readonly cache = new WeakMap<Outbound, TopicEvent | null>();

  constructor(readonly org: string) {
    this.threadPrefix = `events.${org}.${SOURCE}.${THREAD_RESOURCE}.`;
    this.notificationPrefix = `events.${org}.${NOTIFICATIONS_SOURCE}.${USER_RESOURCE}.`;
  }

  /**
   * The topic event of a hub frame, or null. `userId` is the receiving socket's user: a
   * notification frame only ever goes to its own user's sockets (`publishToUser`).
   */
  of(outbound: Outbound, userId: string | null): TopicEvent | null {
    const cached = this.cache.get(outbound);
    if (cached !== undefined && (cached === null || cached.threadId !== null || cached.subject.endsWith(`.${userId}`))) return cached;
    const made = this.make(outbound, userId);
    this.cache.set(outbound, made);
    return made;
  }

  /** The topic event of a durable event read from the log (a `from` replay). */
  ofStored(event: LoggedEvent): TopicEvent | null {
    if (!isSubjectToken(event.event_type)) return NONE;
    return this.build(
      `${this.threadPrefix}${event.event_type}.${event.thread_id}`,
      event.thread_id,
      event.thread_seq,
      JSON.stringify(event),
    );
  }

  /** The `event` frame for these subscription ids: the shared head and tail around them. */
  frame(event: TopicEvent, subscriptionIds: readonly string[]): Buffer {
    return Buffer.concat([event.head, Buffer.from(JSON.stringify(subscriptionIds)), event.tail]);
  }

  private make(outbound: Outbound, userId: string | null): TopicEvent | null {
    // Durable events: the §5 object SSE sends (`eventJson` is encoded once, or came over NATS as it is).
    if (outbound.seq !== null) {
      const eventJson = outbound.eventJson;
      if (eventJson === null) return NONE;
      // Named by the NATS subject when the frame came from another process: not parsed here for it.
      const type = outbound.eventType;
      if (type === null || !isSubjectToken(type)) return NONE;
      return this.build(`${this.threadPrefix}${type}.${outbound.threadId}`, outbound.threadId, outbound.seq, eventJson);
    }
    const frame = outbound.frame;
    switch (frame.type) {
      case 'thread_typing':
      case 'thread_presence':
      case 'thread_runtime': {
        const event = ephemeralEvent(frame);
        const type = event.event_type;
        if (typeof type !== 'string' || !isSubjectToken(type)) return NONE;
        return this.build(`${this.threadPrefix}${type}.${frame.thread_id}`, frame.thread_id, null, JSON.stringify(event));
      }
      case 'notification': {
        if (userId === null || !isSubjectToken(frame.data.kind)) return NONE;
        return this.build(`${this.notificationPrefix}${frame.data.kind}.${userId}`, null, null, JSON.stringify(frame.data));
      }
      default:
        return NONE;
    }
  }

  private build(subject: string, threadId: string | null, seq: number | null, eventJson: string): TopicEvent | null {
    const tokens = subject.split('.');
    // An id that is no subject token (cannot happen for UUIDs) would make a subject no pattern can name.
    if (tokens.length !== 6 || !tokens.every(isSubjectToken)) return NONE;
    return {
      subject,
      tokens,
      threadId,
      seq,
      head: Buffer.from(`{"type":"event","data":{"topic":${JSON.stringify(subject)},"subscription_ids":`),
      tail: Buffer.from(`,"event":${eventJson}}}`),
    };
  }
}
