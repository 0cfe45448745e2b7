import WebSocket from 'ws';
import { READY_TIMEOUT_MS } from '../../../src/core/connection/connection-manager.ts';
import { userSocketUrl } from './test-socket.ts';

/** How long a client waits for any answer before it gives up on a request (the inbox's outbox: 5 s). */
export const CLIENT_DEADLINE_MS = 5_000;
/** Wait before retrying after a connection error, or a 5xx without Retry-After. */
const RETRY_WAIT_MS = 200;
/** Wait before a reader tries to connect again. */
const RECONNECT_WAIT_MS = 200;
/** Events per page when a reader catches up. */
const CATCH_UP_PAGE = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One try of a request: its answer, or why there was none. */
export interface Attempt {
  status: number | null;
  body: unknown;
  retryAfter: string | null;
  /** Milliseconds until the answer (or the failure). */
  ms: number;
  /** `deadline`: no answer within {@link CLIENT_DEADLINE_MS}; else the connection error's code. */
  failure?: string;
}

/** One request with the client's deadline; never throws. */
export async function attempt(url: string, init: RequestInit = {}): Promise<Attempt> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: the shape check reports it
    }
    return { status: response.status, body, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started };
  } catch (error) {
    const name = (error as Error).name;
    const cause = (error as { cause?: { code?: string } }).cause;
    const failure = name === 'TimeoutError' || name === 'AbortError' ? 'deadline' : (cause?.code ?? name);
    return { status: null, body: null, retryAfter: null, ms: performance.now() - started, failure };
  }
}

/**
 * Sends messages one after another the way the product's outbox does: each has its own
 * `client_message_id`, kept across retries; a 5xx or a connection error is retried (after
 * `Retry-After` when given) until the message is committed. Every try is recorded.
 */
export class RetryingSender {
  readonly attempts: Attempt[] = [];
  /** client_message_id → the thread_seq it was committed with. */
  readonly committed = new Map<string, number>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly threadId: string,
    private readonly label: string,
  ) {}

  /** Sends message after message, `paceMs` apart, until `stop()` says so. */
  async run(stop: () => boolean, paceMs: number): Promise<void> {
    for (let index = 0; !stop(); index++) {
      await this.send(`${this.label}-${index}`);
      await sleep(paceMs);
    }
  }

  private async send(clientMessageId: string): Promise<void> {
    for (;;) {
      const result = await attempt(`${this.url}/api/v1/chat/threads/${this.threadId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `message ${clientMessageId}`, client_message_id: clientMessageId }),
      });
      this.attempts.push(result);
      if (result.status === 200 || result.status === 201) {
        this.committed.set(clientMessageId, (result.body as { message: { thread_seq: number } }).message.thread_seq);
        return;
      }
      if (result.status !== null && result.status < 500) throw new Error(`send refused: ${result.status} ${JSON.stringify(result.body)}`);
      await sleep(result.retryAfter ? Number(result.retryAfter) * 1000 : RETRY_WAIT_MS);
    }
  }
}

/**
 * A user socket that behaves like the client's connection: it records the seq of every
 * durable event of one thread; when the socket closes it connects again (through the
 * balancer) and catches up from the log by `thread_seq`.
 */
export class ReconnectingReader {
  readonly seqs = new Set<number>();
  /** Close codes the server sent. */
  readonly closes: number[] = [];
  /** Milliseconds from each close until connected again and caught up. */
  readonly recoveries: number[] = [];
  private ws: WebSocket | null = null;
  private stopped = false;
  private filling = false;
  private fillAgain = false;

  constructor(
    private readonly url: string,
    private readonly wsUrl: string,
    private readonly token: string,
    private readonly threadId: string,
  ) {}

  /** Connects (retrying until it can) and catches up. */
  async start(): Promise<void> {
    while (!this.stopped) {
      if (await this.connectOnce()) return;
      await sleep(RECONNECT_WAIT_MS);
    }
  }

  /** Every seq from 1 to `lastSeq` is here (the caller waits with {@link waitForAll}). */
  hasAll(lastSeq: number): boolean {
    for (let seq = 1; seq <= lastSeq; seq++) if (!this.seqs.has(seq)) return false;
    return true;
  }

  async waitForAll(lastSeq: number, timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (!this.hasAll(lastSeq) && performance.now() < until) await sleep(50);
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  /** The highest seq below which none is missing. */
  private contiguous(): number {
    let seq = 0;
    while (this.seqs.has(seq + 1)) seq++;
    return seq;
  }

  private connectOnce(): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(userSocketUrl(this.wsUrl, this.token));
      let ready = false;
      // As the inbox's connection does: a socket that opens but never says `ready` is dropped and
      // another tried, rather than waited for forever.
      const readyTimer = setTimeout(() => {
        if (!ready) ws.terminate();
      }, READY_TIMEOUT_MS);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; thread_id?: string; data?: { thread_seq?: number } };
        if (frame.type === 'ready' && !ready) {
          ready = true;
          clearTimeout(readyTimer);
          this.ws = ws;
          void this.catchUp().then(resolve, () => {
            // Not caught up (the database is away, say): this socket is given up, start() tries again.
            this.ws = null;
            ws.close();
            resolve(false);
          });
          return;
        }
        if ((frame.type === 'thread_message' || frame.type === 'thread_event') && frame.thread_id === this.threadId) {
          const seq = frame.data?.thread_seq;
          if (typeof seq !== 'number') return;
          // A seq past a hole (an event whose process died before fanning it out): fill it from the log, as the client does.
          const gap = seq > this.contiguous() + 1;
          this.seqs.add(seq);
          if (gap && ready) this.fillGap();
        }
      });
      ws.on('error', () => undefined);
      ws.on('close', (code) => {
        clearTimeout(readyTimer);
        if (!ready || this.stopped || this.ws !== ws) return resolve(false);
        this.ws = null;
        this.closes.push(code);
        const closedAt = performance.now();
        void this.start().then(() => this.recoveries.push(Math.round(performance.now() - closedAt)));
      });
    });
  }

  /** One catch-up at a time; a gap seen meanwhile is filled by another right after. */
  private fillGap(): void {
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = true;
    void this.catchUp()
      .catch(() => false)
      .finally(() => {
        this.filling = false;
        if (this.fillAgain) {
          this.fillAgain = false;
          this.fillGap();
        }
      });
  }

  /** Reads the log after the last seq held; true when it got to the end. */
  private async catchUp(): Promise<boolean> {
    for (;;) {
      const result = await attempt(
        `${this.url}/api/v1/chat/threads/${this.threadId}/events?last_thread_seq=${this.contiguous()}&limit=${CATCH_UP_PAGE}`,
        { headers: { authorization: `Bearer ${this.token}` } },
      );
      if (result.status !== 200) throw new Error(`catch-up failed: ${result.status ?? result.failure}`);
      const page = result.body as { events: { thread_seq: number }[]; has_more: boolean };
      for (const event of page.events) this.seqs.add(event.thread_seq);
      if (!page.has_more) return true;
    }
  }
}
