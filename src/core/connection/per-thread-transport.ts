import type { InboundParse } from '../protocol/server-frame-schemas.ts';
import type { Transport, TransportEvents, TransportKind } from './transport.ts';

/** An HTTP 401 ends a per-thread transport like the socket's 4001, so the manager asks for a new token. */
const AUTH_CLOSE_CODE = 4001;

/** What a thread's worker reports to its transport. */
export interface WorkerOwner {
  /** The worker reached the server: the transport is ready. */
  up(): void;
  deliver(parse: InboundParse): void;
  /** The server refused the credentials: the whole transport ends with 4001. */
  unauthorized(reason: string): void;
}

/** One followed thread's stream or poller; started once, stopped once. */
export interface ThreadWorker {
  start(): void;
  stop(): void;
}

/**
 * The shell shared by the fallbacks that work per thread (SSE, polling): one worker per
 * followed thread, started and stopped as `follow` changes; `open` once the first worker
 * is up (or at once when following nothing); receive-only, so `send` returns false.
 */
export abstract class PerThreadTransport implements Transport {
  abstract readonly kind: TransportKind;
  private events: TransportEvents | null = null;
  private readonly workers = new Map<string, ThreadWorker>();
  private followed: readonly string[] = [];
  private announced = false;
  private closed = false;

  protected abstract createWorker(threadId: string, owner: WorkerOwner): ThreadWorker;

  open(events: TransportEvents): void {
    if (this.events) throw new Error(`A ${this.kind} transport opens once.`);
    this.events = events;
    this.sync();
    if (this.followed.length === 0) void Promise.resolve().then(() => this.announce());
  }

  send(): boolean {
    return false;
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
    this.events?.close({ code, reason });
  }

  follow(threadIds: readonly string[]): void {
    this.followed = [...new Set(threadIds)];
    this.sync();
  }

  /** Threads with a worker (running, or waiting to retry). */
  get workerCount(): number {
    return this.workers.size;
  }

  private sync(): void {
    if (!this.events || this.closed) return;
    const wanted = new Set(this.followed);
    for (const [threadId, worker] of this.workers) {
      if (!wanted.has(threadId)) {
        worker.stop();
        this.workers.delete(threadId);
      }
    }
    for (const threadId of wanted) {
      if (this.workers.has(threadId)) continue;
      const worker = this.createWorker(threadId, {
        up: () => this.announce(),
        deliver: (parse) => this.deliver(parse),
        unauthorized: (reason) => this.close(AUTH_CLOSE_CODE, reason),
      });
      this.workers.set(threadId, worker);
      worker.start();
    }
  }

  private announce(): void {
    if (this.announced || this.closed || !this.events) return;
    this.announced = true;
    this.events.open({ heartbeatMs: null });
  }

  private deliver(parse: InboundParse): void {
    if (this.closed || !this.events) return;
    if (parse.ok) this.events.frame(parse.frame);
    else this.events.invalid?.(parse.type, parse.reason);
  }
}
