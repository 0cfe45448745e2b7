import { ApiError } from '../api/api-error.ts';
import type { ThreadSource } from '../api/thread-source.ts';
import { POLL_LIMIT_MAX } from '../protocol/limits.ts';
import { backoffDelay } from './backoff.ts';
import { durableEventFrame } from './event-frames.ts';
import { PerThreadTransport, type ThreadWorker, type WorkerOwner } from './per-thread-transport.ts';

/**
 * Time between two polls of a quiet thread. The last resort when neither the socket nor SSE
 * gets through: short enough that a reply shows up in a few seconds, long enough that a
 * dozen followed threads stay far below the server's limits.
 */
export const POLL_INTERVAL_MS = 3_000;
/** Events per poll request: the contract's maximum, so a long gap closes in few requests. */
const POLL_PAGE_SIZE = POLL_LIMIT_MAX;

export interface PollTransportOptions {
  /** REST access to the log (`pollEvents`). */
  source: ThreadSource;
  /** The engine's cursor of a thread: each poll asks for what follows it. */
  cursorOf(threadId: string): number;
  /** For backoff jitter; the environment's `random`. */
  random?: () => number;
  intervalMs?: number;
}

/**
 * Receives durable events by polling each followed thread's log (CONTRACT §5), every
 * {@link POLL_INTERVAL_MS} and at once again while the server says `has_more`. Events become
 * `thread_event` frames. Live-only events (typing, runtime progress) do not exist here.
 * Receive-only: `send` returns false.
 */
export class PollTransport extends PerThreadTransport {
  readonly kind = 'poll' as const;

  constructor(private readonly options: PollTransportOptions) {
    super();
  }

  protected createWorker(threadId: string, owner: WorkerOwner): ThreadWorker {
    return new ThreadPoller(threadId, this.options, owner);
  }
}

/** Errors after which polling this thread again cannot help. */
const GONE_CODES = new Set(['forbidden', 'not_found', 'client_error']);

class ThreadPoller implements ThreadWorker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;
  private attempt = 0;
  /** Highest seq delivered: if the engine's cursor lags, the same page is not fetched forever. */
  private delivered = 0;
  private stopped = false;

  constructor(
    private readonly threadId: string,
    private readonly options: PollTransportOptions,
    private readonly owner: WorkerOwner,
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  private async poll(): Promise<void> {
    const interval = this.options.intervalMs ?? POLL_INTERVAL_MS;
    let delay = interval;
    try {
      // More is waiting while `has_more`: fetch it now. Without progress, wait anyway rather than spin.
      while ((await this.pollOnce()) && !this.stopped);
      this.attempt = 0;
    } catch (error) {
      if (this.stopped) return;
      if (ApiError.is(error) && error.code === 'unauthorized') return this.owner.unauthorized(error.message);
      if (ApiError.is(error) && GONE_CODES.has(error.code)) return;
      const retryAfter = ApiError.is(error) ? (error.retryAfterMs ?? 0) : 0;
      delay = Math.max(retryAfter, interval + backoffDelay(this.attempt++, this.options.random ?? Math.random));
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  /** One page; true when the server has more and this page made progress. */
  private async pollOnce(): Promise<boolean> {
    const controller = new AbortController();
    this.controller = controller;
    const cursor = Math.max(this.options.cursorOf(this.threadId), this.delivered);
    const page = await this.options.source.pollEvents(this.threadId, cursor, POLL_PAGE_SIZE, controller.signal);
    if (this.stopped) return false;
    this.owner.up();
    const before = this.delivered;
    for (const event of page.events) {
      const parse = durableEventFrame(this.threadId, event);
      if (parse.ok && parse.frame.type === 'thread_event') {
        if (parse.frame.data.thread_seq <= this.delivered) continue;
        this.delivered = parse.frame.data.thread_seq;
      }
      this.owner.deliver(parse);
      if (this.stopped) return false;
    }
    return page.has_more && this.delivered > before;
  }
}
