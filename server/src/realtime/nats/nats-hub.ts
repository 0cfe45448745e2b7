import type { FastifyBaseLogger } from 'fastify';
import type { Msg } from '@nats-io/transport-node';
import { InProcessHub, type Hub, type Subscriber, type UserFrame } from '../hub.ts';
import type { Outbound } from '../outbound.ts';
import { decodeEnvelope, decodeUserBatch, encodeEnvelope, encodeUserBatch } from './frame-envelope.ts';
import type { NatsBus } from './nats-bus.ts';
import type { SubjectInterest } from './subject-interest.ts';
import { isSubjectToken, type SubjectParts } from './subjects.ts';

/** The user-subject event that subscribes a user's sockets to a thread they just gained. */
const THREAD_ADDED = 'thread_added';
/** The subject resource of agents' thread additions (`events.<org>.chat.participant.agent_added.<agent_id>`). */
const PARTICIPANT = 'participant';
/** The participant-subject event that subscribes an agent's sockets to a thread it was just added to. */
const AGENT_ADDED = 'agent_added';
/** The user-subject event of many users' frames in one message (`events.<org>.chat.user.batch.<node_id>`). */
const USER_BATCH = 'batch';
/**
 * Users' frames per batch message, at most: a round's notifications (one per reader of a busy
 * thread, a few hundred bytes each) in a few messages, each well under NATS's 1 MB payload limit.
 */
export const USER_FRAMES_PER_MESSAGE = 256;
/** The subject event of a frame whose name is not a subject token (should not happen). */
const OTHER_EVENT = 'other';

/**
 * The subject's `<event>` for a frame: the durable event type (`message_committed`,
 * `participant_joined`, …), the runtime event type (`text_delta`, …), or the frame type
 * without `thread_` (`typing`, `presence`, `read`).
 */
function eventName(outbound: Outbound): string {
  const frame = outbound.frame;
  let name: string;
  switch (frame.type) {
    case 'thread_message':
      name = 'message_committed';
      break;
    case 'thread_event':
      name = frame.data.event_type;
      break;
    case 'thread_runtime':
      name = frame.data.event_type;
      break;
    default:
      name = frame.type;
  }
  return isSubjectToken(name) ? name : OTHER_EVENT;
}

/**
 * The hub for several server processes: every frame goes to this process's own subscribers
 * at once (in publish order, so a socket never sees seq 6 before seq 5 from this process)
 * and, once encoded, to NATS on `events.<org>.chat.thread.<event>.<thread_id>` or
 * `events.<org>.chat.user.<event>.<user_id>`. The other processes hand the received bytes
 * to their own subscribers. Across processes, frames of one thread may interleave in any
 * order: clients reconcile by `thread_seq` (CONTRACT §5). A process hears other processes'
 * thread frames only while it has a live receiver ({@link NatsHub.listen}).
 */
export class NatsHub implements Hub {
  private readonly local = new InProcessHub();
  private readonly threadFrames: SubjectInterest;

  constructor(
    private readonly bus: NatsBus,
    private readonly log: FastifyBaseLogger,
  ) {
    this.threadFrames = bus.onDemand('thread', (parts, msg) => this.receiveThread(parts, msg));
    bus.on('user', (parts, msg) => this.receiveUser(parts, msg));
    bus.on(PARTICIPANT, (parts, msg) => this.receiveParticipant(parts, msg));
  }

  /** Subscribes this process to every thread's frames (not per thread: see the README's "NATS"). */
  listen(): Promise<() => void> {
    return this.threadFrames.hold();
  }

  subscribe(threadId: string, subscriber: Subscriber): void {
    this.local.subscribe(threadId, subscriber);
  }

  isSubscribed(threadId: string, subscriber: Subscriber): boolean {
    return this.local.isSubscribed(threadId, subscriber);
  }

  unsubscribeAll(subscriber: Subscriber): void {
    this.local.unsubscribeAll(subscriber);
  }

  attachUser(userId: string, subscriber: Subscriber): void {
    this.local.attachUser(userId, subscriber);
  }

  addUserToThread(userId: string, threadId: string): void {
    this.local.addUserToThread(userId, threadId);
    this.send(
      () => this.bus.subjects.of('user', THREAD_ADDED, userId),
      () => threadId,
    );
  }

  attachAgent(agentId: string, subscriber: Subscriber): void {
    this.local.attachAgent(agentId, subscriber);
  }

  addAgentToThread(agentId: string, threadId: string): void {
    this.local.addAgentToThread(agentId, threadId);
    this.send(
      () => this.bus.subjects.of(PARTICIPANT, AGENT_ADDED, agentId),
      () => threadId,
    );
  }

  publish(outbound: Outbound): void {
    this.local.publish(outbound);
    this.send(
      () => this.bus.subjects.of('thread', eventName(outbound), outbound.threadId),
      () => encodeEnvelope(outbound),
    );
  }

  /** `except` is a subscriber of this process: the user's subscribers elsewhere all get the frame. */
  publishToUser(userId: string, outbound: Outbound, except?: Subscriber): void {
    this.local.publishToUser(userId, outbound, except);
    this.send(
      () => this.bus.subjects.of('user', eventName(outbound), userId),
      () => encodeEnvelope(outbound),
    );
  }

  /**
   * Each frame to its user's subscribers here, then to the other processes as batch messages
   * of {@link USER_FRAMES_PER_MESSAGE} (on the user resource, in order with the user's other frames).
   */
  publishToUsers(frames: readonly UserFrame[]): void {
    this.local.publishToUsers(frames);
    for (let start = 0; start < frames.length; start += USER_FRAMES_PER_MESSAGE) {
      const chunk = frames.slice(start, start + USER_FRAMES_PER_MESSAGE);
      this.send(
        () => this.bus.subjects.of('user', USER_BATCH, this.bus.nodeId),
        () => encodeUserBatch(chunk),
      );
    }
  }

  /** Delivers to this process's subscribers only: frames every process works out for itself (typing, presence). */
  deliverLocal(outbound: Outbound): void {
    this.local.publish(outbound);
  }

  subscriberCount(threadId: string): number {
    return this.local.subscriberCount(threadId);
  }

  private send(subject: () => string, payload: () => Uint8Array | string): void {
    let name: string;
    try {
      name = subject();
    } catch (error) {
      // An id that is no subject token reaches this process's subscribers only.
      this.log.error({ err: error }, 'frame not sent to the other processes');
      return;
    }
    this.bus.publish(name, payload());
  }

  private receiveThread(parts: SubjectParts, msg: Msg): void {
    // A listening process hears every thread's frames: one for a thread with no subscriber here is not even decoded.
    if (this.local.subscriberCount(parts.id) === 0) return;
    // The subject names a durable event's type (eventName): topic events need not parse the frame for it.
    const outbound = decodeEnvelope(msg.data, parts.event === OTHER_EVENT ? undefined : parts.event);
    if (outbound.threadId !== parts.id) throw new Error('A frame envelope for another thread than its subject.');
    this.local.publish(outbound);
  }

  private receiveParticipant(parts: SubjectParts, msg: Msg): void {
    if (parts.event !== AGENT_ADDED) return;
    const threadId = msg.string();
    if (isSubjectToken(threadId)) this.local.addAgentToThread(parts.id, threadId);
  }

  private receiveUser(parts: SubjectParts, msg: Msg): void {
    if (parts.event === THREAD_ADDED) {
      const threadId = msg.string();
      if (isSubjectToken(threadId)) this.local.addUserToThread(parts.id, threadId);
      return;
    }
    if (parts.event === USER_BATCH) {
      for (const { userId, outbound } of decodeUserBatch(msg.data, (id) => this.local.hasUser(id)))
        this.local.publishToUser(userId, outbound);
      return;
    }
    // Every process hears every user's frames: one for a user with no connection here is not even decoded.
    if (!this.local.hasUser(parts.id)) return;
    this.local.publishToUser(parts.id, decodeEnvelope(msg.data));
  }
}
