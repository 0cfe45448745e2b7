import { MAX_SUBSCRIPTIONS } from '../../../src/core/protocol/topic-frames.ts';
import { TopicIndex } from '../../../src/core/topics/topic-index.ts';
import { matchesTopic, type TopicPattern } from '../../../src/core/topics/topic-pattern.ts';
import type { Outbound } from './outbound.ts';
import type { LoggedEvent, TopicEncoder, TopicEvent } from './topic-encoder.ts';

/** Durable events read from the log per page of a `from` replay (the poll endpoint's largest page). */
const REPLAY_PAGE = 200;
/**
 * Live events of replaying threads held back at most: a socket whose replay falls this far
 * behind the live traffic is closed, and reconnects with `from` (it misses nothing).
 */
const MAX_HELD_EVENTS = 10_000;

export interface TopicSubscriptionDeps {
  encoder: TopicEncoder;
  /** Whether the socket's principal may read the thread (the same rule as REST). */
  canRead(threadId: string): Promise<boolean>;
  /** A page of a thread's durable log after a seq (ascending). */
  readLog(threadId: string, afterSeq: number, limit: number): Promise<{ events: readonly LoggedEvent[]; hasMore: boolean }>;
  /** Writes an encoded `event` frame to the socket: a whole WebSocket text frame, header included ({@link TopicEncoder.frame}). */
  send(frame: Buffer): void;
  /** Resolves once the socket's unsent bytes are low enough to write a replay page more; false: the socket closed. */
  writable(): Promise<boolean>;
  /** The replay fell too far behind (see {@link MAX_HELD_EVENTS}): the socket must close. */
  overflow(): void;
  /** A replay failed (the database away): the socket closes, the client reconnects with `from`. */
  failed(error: unknown): void;
}

/** One subscription: its pattern, and per replayed thread the last seq sent (later live copies of those are not sent again). */
interface Subscription {
  readonly id: string;
  readonly pattern: TopicPattern;
  readonly replayed: Map<string, number>;
}

/** A thread whose `from` replay runs: its live events wait here, in arrival order. */
interface Hold {
  replays: number;
  readonly queue: TopicEvent[];
}

export type SubscribeResult = { ok: true } | { ok: false; message: string };

/**
 * One socket's topic subscriptions (CONTRACT §15): which events of what reaches the socket
 * (the hub sends it only what its principal may read) go out as `event` frames, once each
 * with every matching subscription id, and the `from` replays that come before a thread's
 * live events. Matching walks the socket's {@link TopicIndex}: its cost does not depend on
 * any other socket's subscriptions.
 */
export class TopicSubscriptions {
  private readonly index = new TopicIndex();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly holds = new Map<string, Hold>();
  private held = 0;
  private closed = false;

  constructor(
    private readonly deps: TopicSubscriptionDeps,
    /** The socket's user (its notifications are `events.<org>.notifications.user.<kind>.<user_id>`); null for agents. */
    private readonly userId: string | null,
  ) {}

  get size(): number {
    return this.subscriptions.size;
  }

  /**
   * Adds (or, for an id in use, replaces) a subscription. With `from`, each readable thread's
   * durable events after its seq are sent first (see {@link replay}); `onSubscribed` runs
   * before any of them, so that `subscribed` is the first answer.
   */
  subscribe(id: string, pattern: TopicPattern, from: Record<string, number> | undefined, onSubscribed: () => void): SubscribeResult {
    if (!this.subscriptions.has(id) && this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      return {
        ok: false,
        message: `This socket already has ${MAX_SUBSCRIPTIONS} subscriptions, the most one socket may have; unsubscribe one first or reuse its id.`,
      };
    }
    const subscription: Subscription = { id, pattern, replayed: new Map() };
    this.subscriptions.set(id, subscription);
    this.index.add(id, pattern);
    const threads = Object.entries(from ?? {});
    // Held from now on, before anything is read: a live event committed meanwhile is either in the log read or held, never lost.
    for (const [threadId] of threads) this.hold(threadId);
    onSubscribed();
    if (threads.length > 0) void this.replay(subscription, threads);
    return { ok: true };
  }

  /** False when there was no subscription by that id. */
  unsubscribe(id: string): boolean {
    if (!this.subscriptions.delete(id)) return false;
    this.index.remove(id);
    return true;
  }

  /** A frame from the hub: sent once as an `event` if any subscription matches. */
  offer(outbound: Outbound): void {
    if (this.subscriptions.size === 0) return;
    const event = this.deps.encoder.of(outbound, this.userId);
    if (event) this.route(event);
  }

  close(): void {
    this.closed = true;
    this.holds.clear();
    this.held = 0;
  }

  private route(event: TopicEvent): void {
    const hold = event.threadId === null ? undefined : this.holds.get(event.threadId);
    if (hold) {
      if (++this.held > MAX_HELD_EVENTS) {
        this.close();
        this.deps.overflow();
        return;
      }
      hold.queue.push(event);
      return;
    }
    this.emit(event);
  }

  private emit(event: TopicEvent): void {
    const ids = this.index.match(event.tokens).filter((id) => !this.alreadySent(id, event));
    if (ids.length > 0) this.deps.send(this.deps.encoder.frame(event, ids));
  }

  /** Whether a subscription's replay already sent this durable event. */
  private alreadySent(id: string, event: TopicEvent): boolean {
    if (event.seq === null || event.threadId === null) return false;
    const through = this.subscriptions.get(id)?.replayed.get(event.threadId);
    return through !== undefined && event.seq <= through;
  }

  private hold(threadId: string): void {
    const hold = this.holds.get(threadId);
    if (hold) hold.replays++;
    else this.holds.set(threadId, { replays: 1, queue: [] });
  }

  /** One replay of the thread ended: when it was the last, what was held goes out, in arrival order. */
  private release(threadId: string): void {
    const hold = this.holds.get(threadId);
    if (!hold || --hold.replays > 0) return;
    this.holds.delete(threadId);
    this.held -= hold.queue.length;
    for (const event of hold.queue) this.emit(event);
  }

  /**
   * Sends each thread's durable events after its seq that the pattern matches, in seq order,
   * paged from the log, then releases the thread's held live events. A thread the principal
   * cannot read sends nothing (and says nothing: CONTRACT §15). A subscription replaced or
   * removed meanwhile stops its replay.
   */
  private async replay(subscription: Subscription, threads: [string, number][]): Promise<void> {
    let index = 0;
    try {
      for (; index < threads.length; index++) {
        const [threadId, fromSeq] = threads[index]!;
        await this.replayThread(subscription, threadId, fromSeq);
        this.release(threadId);
      }
    } catch (error) {
      for (; index < threads.length; index++) this.release(threads[index]![0]);
      if (!this.closed) this.deps.failed(error);
    }
  }

  private async replayThread(subscription: Subscription, threadId: string, fromSeq: number): Promise<void> {
    const current = () => !this.closed && this.subscriptions.get(subscription.id) === subscription;
    if (!current() || !(await this.deps.canRead(threadId))) return;
    // The client has the events up to its seq: live copies of those are not sent again either.
    subscription.replayed.set(threadId, fromSeq);
    let after = fromSeq;
    for (;;) {
      if (!current()) return;
      const page = await this.deps.readLog(threadId, after, REPLAY_PAGE);
      if (!current()) return;
      for (const stored of page.events) {
        after = stored.thread_seq;
        subscription.replayed.set(threadId, after);
        const event = this.deps.encoder.ofStored(stored);
        if (event && matchesTopic(subscription.pattern, event.tokens)) this.deps.send(this.deps.encoder.frame(event, [subscription.id]));
      }
      if (!page.hasMore || page.events.length === 0) return;
      if (!(await this.deps.writable())) return;
    }
  }
}
