/**
 * One `subscribe()` of the SDK (CONTRACT §15): the async iterator its consumer reads, the
 * events waiting for that consumer, and the last seq yielded per thread, so that every
 * resubscription (after a reconnect, or after back-pressure) asks the server for `from` those
 * seqs and the iterator yields no gap and no double.
 *
 * Back-pressure. The socket is shared by all of a client's subscriptions, and a browser
 * WebSocket cannot be paused, so a slow consumer cannot stop the socket without stalling the
 * others. Instead each stream holds at most {@link TOPIC_BUFFER_LIMIT} events; when that is
 * reached it is *paused*: further events are dropped, and for each thread with a dropped
 * durable event only the seq to resume from is kept (one number per thread, not the events).
 * When the consumer has read the buffer down to {@link TOPIC_BUFFER_RESUME}, the stream sends
 * its subscription again with `from` those seqs: the server replays exactly what was dropped,
 * in seq order, before that thread's live events. Memory is bounded (buffer + one seq per
 * thread), and no durable event is lost, including those of a thread first seen while paused
 * (staying subscribed while paused is what makes that possible: an unsubscribed stream would
 * never learn of such a thread). Ephemeral events (typing, presence, runtime) dropped while
 * paused are gone, as the contract says of every ephemeral event a client was not there for.
 */
import { MAX_FROM_THREADS } from '../protocol/topic-frames.ts';
import { ApiError } from './api-error.ts';

/** Events one subscription holds for its consumer at most before it pauses (see the file comment). */
export const TOPIC_BUFFER_LIMIT = 1_000;
/** A paused subscription resumes once its consumer has read its buffer down to this many. */
export const TOPIC_BUFFER_RESUME = 250;

/** An event as §15 delivers it: the §5 event object (durable: with `thread_seq`), or an ephemeral one. */
export interface TopicEventObject {
  event_type?: string;
  thread_id?: string;
  thread_seq?: number;
  [key: string]: unknown;
}

/** What the iterator yields: the event and its own subject (`events.<org>.chat.thread.<event_type>.<thread_id>`). */
export interface TopicEvent {
  topic: string;
  event: TopicEventObject;
}

/** What a stream asks of the socket it is on. */
export interface TopicStreamHost {
  /** Send the stream's subscription again, with {@link TopicStream.nextFrom}: it resumes after back-pressure. */
  resubscribe(stream: TopicStream): void;
  /** The stream ended (its consumer returned, or its signal aborted): unsubscribe it. */
  ended(stream: TopicStream): void;
}

export interface TopicStreamLimits {
  limit?: number;
  resume?: number;
}

type Waiter = { resolve: (result: IteratorResult<TopicEvent>) => void; reject: (error: unknown) => void };

const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

export class TopicStream implements AsyncIterableIterator<TopicEvent> {
  /** The last durable seq accepted per thread (yielded or in the buffer); the most recently moved last. */
  private readonly seqs = new Map<string, number>();
  /** Threads with durable events dropped while paused: the seq to resume each from. */
  private readonly behind = new Map<string, number>();
  /**
   * Threads named in the `from` of the subscription sent and not yet answered `subscribed`: their
   * events arriving meanwhile belong to the previous subscription, and the coming replay (read from
   * the log after the server took the new one) brings them again, in order. So they are skipped.
   */
  private pending: ReadonlySet<string> | null = null;
  private buffer: TopicEvent[] = [];
  private head = 0;
  private paused = false;
  private waiter: Waiter | null = null;
  private failure: Error | null = null;
  private finished = false;
  /** Run once when the stream ends however it ends (the client removes its abort listener). */
  private onEnd: (() => void) | null = null;
  private readonly limit: number;
  private readonly resume: number;

  constructor(
    /** The subscription id on the wire (the same on every socket of this client). */
    readonly id: string,
    readonly topic: string,
    from: Readonly<Record<string, number>> | undefined,
    private readonly host: TopicStreamHost,
    limits: TopicStreamLimits = {},
  ) {
    this.limit = limits.limit ?? TOPIC_BUFFER_LIMIT;
    this.resume = Math.min(limits.resume ?? TOPIC_BUFFER_RESUME, this.limit - 1);
    // The caller has these: they are neither yielded again nor asked for.
    for (const [threadId, seq] of Object.entries(from ?? {})) this.seqs.set(threadId, seq);
  }

  /** Sets what runs once when the stream ends (at once if it has). */
  whenEnded(callback: () => void): void {
    if (this.ended) callback();
    else this.onEnd = callback;
  }

  get ended(): boolean {
    return this.finished || this.failure !== null;
  }

  /**
   * The `from` of the next `subscribe`: on a new socket (`all`) every thread seen (the most
   * recently active {@link MAX_FROM_THREADS}) and those behind; to resume after back-pressure,
   * the threads behind only. Undefined when there is none. Marks those threads pending.
   */
  nextFrom(all: boolean): Record<string, number> | undefined {
    const from = new Map<string, number>(all ? this.seqs : []);
    for (const [threadId, seq] of this.behind) from.set(threadId, seq);
    this.behind.clear();
    // A Map iterates in insertion order and `accept` re-inserts on every event: the last are the most recent.
    const entries = [...from].slice(-MAX_FROM_THREADS);
    this.pending = entries.length > 0 ? new Set(entries.map(([threadId]) => threadId)) : null;
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }

  /** The server answered the last `subscribe`: its replay, if any, comes next. */
  subscribed(): void {
    this.pending = null;
    this.maybeResume();
  }

  /** One event frame that names this stream. */
  deliver(item: TopicEvent): void {
    if (this.ended) return;
    const { thread_id: threadId, thread_seq: seq } = item.event;
    if (typeof threadId === 'string' && seq !== undefined) {
      if (!isSeq(seq)) return;
      if (this.pending?.has(threadId)) return;
      const last = this.seqs.get(threadId);
      if (last !== undefined && seq <= last) return;
      if (this.paused) {
        if (!this.behind.has(threadId)) this.behind.set(threadId, last ?? seq - 1);
        return;
      }
      this.seqs.delete(threadId);
      this.seqs.set(threadId, seq);
    } else if (this.paused) {
      return;
    }
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.buffer.push(item);
    if (this.buffer.length - this.head >= this.limit) this.paused = true;
  }

  /** Ends the stream with an error: what is buffered is yielded first, then `next()` throws it. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.endNow();
    this.settleWaiter();
  }

  /** The signal aborted: nothing more is yielded, and a waiting `next()` rejects. */
  abort(): void {
    if (this.ended) return;
    this.failure = new ApiError('aborted', 'The subscription was aborted.', false);
    this.buffer = [];
    this.head = 0;
    this.endNow();
    this.host.ended(this);
    this.settleWaiter();
  }

  next(): Promise<IteratorResult<TopicEvent>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++]!;
      if (this.head > this.limit) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      this.maybeResume();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.finished = true;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** `break` in `for await`, or a call by hand: unsubscribes, and the iterator is done. */
  return(): Promise<IteratorResult<TopicEvent>> {
    if (!this.ended) {
      this.finished = true;
      this.endNow();
      this.host.ended(this);
    }
    this.finished = true;
    this.failure = null;
    this.buffer = [];
    this.head = 0;
    this.settleWaiter();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<TopicEvent> {
    return this;
  }

  private endNow(): void {
    const callback = this.onEnd;
    this.onEnd = null;
    callback?.();
  }

  private maybeResume(): void {
    if (!this.paused || this.pending !== null || this.buffer.length - this.head > this.resume) return;
    this.paused = false;
    if (this.behind.size > 0) this.host.resubscribe(this);
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      this.finished = true;
      waiter.reject(failure);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }
}
