import { ApiError } from '../api/api-error.ts';
import type { EventPage, ThreadSource } from '../api/thread-source.ts';
import type { SendMessageInput } from '../protocol/client-frames.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';

interface PendingCall<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  /** Computed when the request "reached" the server, like a real server answers. */
  answer: () => T;
}

/**
 * An in-memory server log behind the {@link ThreadSource} interface, for unit and property
 * tests. Calls stay pending until the test releases them, so a test decides exactly when
 * each page "arrives" relative to live frames.
 */
export class FakeThreadSource implements ThreadSource {
  readonly log: InboundEvent[] = [];
  /** Events the server has committed so far (the rest of `log` is its future). */
  committed = 0;
  /** A seed-only server cannot tell `last_seq`. */
  knowsLastSeq = true;
  readonly calls: PendingCall<unknown>[] = [];
  failNext: ApiError | null = null;
  sent: InboundMessage[] = [];
  /** Every page asked for, in order: the requests a server would have seen. */
  readonly polls: { afterSeq: number; limit: number }[] = [];

  constructor(private readonly threadId = 't1') {}

  /** Appends events to the server's future log. */
  plan(count: number, type: (seq: number) => string = () => 'message_committed'): void {
    for (let i = 0; i < count; i++) {
      const seq = this.log.length + 1;
      const eventType = type(seq);
      this.log.push({
        event_id: `event-${seq}`,
        thread_id: this.threadId,
        thread_seq: seq,
        event_type: eventType,
        sender_id: 'user:other',
        content: eventType === 'message_committed' ? `message ${seq}` : null,
        created_at: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
        data: eventType === 'message_committed' ? { message_id: `m-${seq}`, role: 'user' } : {},
      });
    }
  }

  commit(count = 1): void {
    this.committed = Math.min(this.log.length, this.committed + count);
  }

  /** Replaces the server's log, as a database reset does. */
  reset(events: InboundEvent[]): void {
    this.log.splice(0, this.log.length, ...events);
    this.committed = events.length;
  }

  private call<T>(answer: () => T): Promise<T> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      return Promise.reject(error);
    }
    const snapshot = answer();
    return new Promise<T>((resolve, reject) => {
      this.calls.push({ resolve: resolve as (value: unknown) => void, reject, answer: () => snapshot });
    });
  }

  pollEvents(_threadId: string, afterSeq: number, limit: number): Promise<EventPage> {
    this.polls.push({ afterSeq, limit });
    return this.call(() => {
      const visible = this.log.slice(0, this.committed).filter((event) => event.thread_seq > afterSeq);
      return { events: visible.slice(0, limit), has_more: visible.length > limit };
    });
  }

  lastSeq(): Promise<number | null> {
    return this.call(() => (this.knowsLastSeq ? this.committed : null));
  }

  sendMessage(_threadId: string, _body: SendMessageInput): Promise<InboundMessage> {
    return Promise.reject(new ApiError('client_error', 'not used here', false));
  }

  /** Answers the oldest pending call; false when none is pending. */
  releaseOne(index = 0): boolean {
    const call = this.calls.splice(index, 1)[0];
    if (!call) return false;
    call.resolve(call.answer());
    return true;
  }

  /** Answers calls until none is left, letting the log react between answers. */
  async settle(): Promise<void> {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      await flushMicrotasks();
      if (!this.releaseOne()) {
        await flushMicrotasks();
        if (this.calls.length === 0) return;
      }
    }
    throw new Error('the log kept asking: no quiescence after 10,000 answers');
  }
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
