import { backoffDelay } from './backoff.ts';
import { streamEventFrame } from './event-frames.ts';
import { SseParser, type SseMessage } from './sse-parser.ts';
import { PerThreadTransport, type ThreadWorker, type WorkerOwner } from './per-thread-transport.ts';

/**
 * A stream that has said nothing, not even the server's `: keep-alive` (every 15 s,
 * CONTRACT §5), for this long is taken for dead (a proxy that holds the connection but
 * forwards nothing) and reopened from the cursor.
 */
export const SSE_STALL_TIMEOUT_MS = 45_000;

export interface SseTransportOptions {
  /** The API base, as for the HTTP client: `http://localhost:8787/api/v1`, or `/api/v1` for the page's origin. */
  apiBaseUrl: string;
  /** Request headers, asked for on every (re)connect: `{ authorization: 'Bearer …' }` for the signed-in user. */
  headers?(): Record<string, string> | Promise<Record<string, string>>;
  /** The engine's cursor of a thread: the stream resumes after it. */
  cursorOf(threadId: string): number;
  /** For backoff jitter; the environment's `random`. */
  random?: () => number;
  fetch?: typeof fetch;
}

/** How a stream attempt ended, and so what to do next. */
type Outcome = { kind: 'retry'; minDelayMs: number } | { kind: 'auth'; reason: string } | { kind: 'gone' };

function outcomeOf(response: Response): Outcome {
  const status = response.status;
  if (status === 401) return { kind: 'auth', reason: 'Your session has expired. Sign in again.' };
  // Not allowed, not there, or a request the server will never accept: retrying cannot help.
  if (status === 400 || status === 403 || status === 404 || status === 410) return { kind: 'gone' };
  const retryAfter = Number(response.headers.get('retry-after'));
  return { kind: 'retry', minDelayMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0 };
}

/**
 * Receives live frames over server-sent events, one `fetch` stream per followed thread
 * (so that `Authorization: Bearer` works, which `EventSource` cannot send). Durable events
 * become `thread_event` frames, live-only ones the typing / presence / runtime frames the
 * socket would have sent. A failed stream is reopened with backoff from the cursor.
 * Receive-only: `send` returns false.
 */
export class SseTransport extends PerThreadTransport {
  readonly kind = 'sse' as const;

  constructor(private readonly options: SseTransportOptions) {
    super();
  }

  protected createWorker(threadId: string, owner: WorkerOwner): ThreadWorker {
    return new ThreadStream(threadId, this.options, owner);
  }

  /** Threads with a stream (open or waiting to reopen). */
  get streamCount(): number {
    return this.workerCount;
  }
}

/** One thread's stream: open, read until it ends, reopen after a backoff; until stopped. */
class ThreadStream implements ThreadWorker {
  private controller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  /** Highest seq this stream delivered: never ask again for what was already handed over. */
  private delivered = 0;
  private stopped = false;

  constructor(
    private readonly threadId: string,
    private readonly options: SseTransportOptions,
    private readonly owner: WorkerOwner,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.controller?.abort();
  }

  private async connect(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let outcome: Outcome = { kind: 'retry', minDelayMs: 0 };
    try {
      const headers = { accept: 'text/event-stream', ...(await this.options.headers?.()) };
      if (this.stopped) return;
      const cursor = Math.max(this.options.cursorOf(this.threadId), this.delivered);
      const url = `${this.options.apiBaseUrl}/chat/threads/${encodeURIComponent(this.threadId)}/events/stream?last_thread_seq=${cursor}`;
      const doFetch = this.options.fetch ?? fetch;
      const response = await doFetch(url, { headers, signal: controller.signal });
      if (this.stopped) return;
      if (response.ok && response.body) {
        this.attempt = 0;
        this.owner.up();
        await this.read(response.body, controller);
      } else {
        outcome = outcomeOf(response);
        await response.body?.cancel().catch(() => undefined);
      }
    } catch {
      // Network failure, abort by the stall watchdog, or a headers() that threw: all retryable.
    }
    clearTimeout(this.stallTimer);
    if (this.stopped) return;
    if (outcome.kind === 'auth') return this.owner.unauthorized(outcome.reason);
    if (outcome.kind === 'gone') return;
    const delay = Math.max(outcome.minDelayMs, backoffDelay(this.attempt++, this.options.random ?? Math.random));
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private async read(body: ReadableStream<Uint8Array>, controller: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser((message) => this.receive(message));
    const watch = () => {
      clearTimeout(this.stallTimer);
      this.stallTimer = setTimeout(() => controller.abort(), SSE_STALL_TIMEOUT_MS);
    };
    watch();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) break;
        watch();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }

  private receive(message: SseMessage): void {
    if (this.stopped || message.event !== 'message') return;
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      this.owner.deliver({ ok: false, type: null, reason: 'not JSON' });
      return;
    }
    const parse = streamEventFrame(this.threadId, event);
    if (parse.ok && parse.frame.type === 'thread_event') {
      const seq = parse.frame.data.thread_seq;
      // A replayed event the stream already delivered (the server dedups too; this is cheap).
      if (seq <= this.delivered) return;
      this.delivered = seq;
    }
    this.owner.deliver(parse);
  }
}
