import { isSubjectToken } from './nats/subjects.ts';
import { ephemeralEvent, type Outbound } from './outbound.ts';
import { allocTextFrame } from './ws-frame.ts';

/** The seed's `<source>` and the two resources a client may subscribe to (CONTRACT §15). */
const SOURCE = 'chat';
const THREAD_RESOURCE = 'thread';
const NOTIFICATIONS_SOURCE = 'notifications';
const USER_RESOURCE = 'user';

/**
 * One event as topic subscribers get it: its own subject (no wildcards), split for the
 * matcher, and the parts of the `event` frame around its `subscription_ids`, so that each
 * socket adds only its ids: the event is encoded once, however many sockets get it.
 */
export interface TopicEvent {
  readonly subject: string;
  readonly tokens: readonly string[];
  /** The thread it belongs to (null for a notification: it is the user's, not the thread's). */
  readonly threadId: string | null;
  /** A durable event's `thread_seq`; null for ephemeral events and notifications. */
  readonly seq: number | null;
  /** `{"type":"event","data":{"topic":"…","subscription_ids":` (ASCII: subject tokens are). */
  readonly head: string;
  /** The event object's JSON as UTF-8, as it came (a frame from another process: its bytes as received). */
  readonly body: Buffer;
}

/** Between the subscription ids and the event object. */
const EVENT_KEY = ',"event":';
/** After the event object: closes `data` and the frame. */
const CLOSE = Buffer.from('}}');

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
  /** The thread prefix's tokens, checked once: an event's subject adds its type and thread id. */
  private readonly threadTokens: readonly string[] | null;

  constructor(readonly org: string) {
    this.threadPrefix = `events.${org}.${SOURCE}.${THREAD_RESOURCE}.`;
    this.notificationPrefix = `events.${org}.${NOTIFICATIONS_SOURCE}.${USER_RESOURCE}.`;
    const threadTokens = ['events', org, SOURCE, THREAD_RESOURCE];
    this.threadTokens = threadTokens.every(isSubjectToken) ? threadTokens : null;
  }

  /**
   * The topic event of a hub frame, or null. `userId` is the receiving socket's user: a
   * notification frame only ever goes to its own user's sockets (`publishToUser`).
   */
  of(outbound: Outbound, userId: string | null): TopicEvent | null {
    // Kept on the outbound, which every socket of the process shares (a notification is only ever one user's).
    const cached = outbound.topicEvent;
    if (cached !== undefined && (cached === null || cached.threadId !== null || cached.subject.endsWith(`.${userId}`))) return cached;
    const made = this.make(outbound, userId);
    outbound.topicEvent = made;
    return made;
  }

  /** The topic event of a durable event read from the log (a `from` replay). */
  ofStored(event: LoggedEvent): TopicEvent | null {
    return this.threadEvent(event.event_type, event.thread_id, event.thread_seq, Buffer.from(JSON.stringify(event)));
  }

  /**
   * The `event` frame for these subscription ids as a whole WebSocket text frame (header
   * included, ws-frame.ts): the shared head and body around them, in one allocation.
   */
  frame(event: TopicEvent, subscriptionIds: readonly string[]): Buffer {
    const ids = `${JSON.stringify(subscriptionIds)}${EVENT_KEY}`;
    const idsLength = Buffer.byteLength(ids);
    const length = event.head.length + idsLength + event.body.length + CLOSE.length;
    const frame = allocTextFrame(length);
    let offset = frame.length - length;
    offset += frame.write(event.head, offset, 'latin1');
    offset += frame.write(ids, offset, 'utf8');
    offset += event.body.copy(frame, offset);
    CLOSE.copy(frame, offset);
    return frame;
  }

  private make(outbound: Outbound, userId: string | null): TopicEvent | null {
    // Durable events: the §5 object SSE sends (`eventJson` is encoded once, or came over NATS as it is).
    if (outbound.seq !== null) {
      const body = outbound.eventBytes;
      if (body === null) return NONE;
      // Named by the NATS subject when the frame came from another process: not parsed here for it.
      const type = outbound.eventType;
      if (type === null) return NONE;
      return this.threadEvent(type, outbound.threadId, outbound.seq, body);
    }
    const frame = outbound.frame;
    switch (frame.type) {
      case 'thread_typing':
      case 'thread_presence':
      case 'thread_runtime': {
        const event = ephemeralEvent(frame);
        const type = event.event_type;
        if (typeof type !== 'string') return NONE;
        return this.threadEvent(type, frame.thread_id, null, Buffer.from(JSON.stringify(event)));
      }
      case 'notification': {
        if (userId === null || !isSubjectToken(frame.data.kind)) return NONE;
        return this.build(`${this.notificationPrefix}${frame.data.kind}.${userId}`, null, null, Buffer.from(JSON.stringify(frame.data)));
      }
      default:
        return NONE;
    }
  }

  /** A thread's event: only its type and thread id are checked, the prefix's tokens were once. */
  private threadEvent(type: string, threadId: string, seq: number | null, body: Buffer): TopicEvent | null {
    // A type or id that is no subject token (cannot happen for UUIDs) would make a subject no pattern can name.
    if (this.threadTokens === null || !isSubjectToken(type) || !isSubjectToken(threadId)) return NONE;
    return this.event(`${this.threadPrefix}${type}.${threadId}`, [...this.threadTokens, type, threadId], threadId, seq, body);
  }

  private build(subject: string, threadId: string | null, seq: number | null, body: Buffer): TopicEvent | null {
    const tokens = subject.split('.');
    if (tokens.length !== 6 || !tokens.every(isSubjectToken)) return NONE;
    return this.event(subject, tokens, threadId, seq, body);
  }

  private event(subject: string, tokens: readonly string[], threadId: string | null, seq: number | null, body: Buffer): TopicEvent {
    // The subject is subject tokens and dots only: it needs no escaping in JSON.
    return { subject, tokens, threadId, seq, head: `{"type":"event","data":{"topic":"${subject}","subscription_ids":`, body };
  }
}
