/**
 * The one agent socket (`/api/v1/chat/ws/agent`, CONTRACT §15) that carries all of a
 * {@link ThreadRuntimeClient}'s topic subscriptions: opened with the first, closed when the
 * last ends. It reconnects with backoff after any drop, to the next of its URLs (a server of
 * the same deployment: another process), and there sends every subscription again with
 * `from` (see topic-stream.ts), so that nothing is missed. A refusal that no retry can change
 * (`4000`, `4001`, `4004`) ends every subscription with an {@link ApiError}, without a loop.
 */
import { backoffDelay, type BackoffOptions } from '../connection/backoff.ts';
import { Heartbeat } from '../connection/heartbeat.ts';
import type { WebSocketConstructor, WebSocketLike } from '../connection/websocket-transport.ts';
import { CloseCode } from '../protocol/limits.ts';
import { parseServerFrame } from '../protocol/server-frame-schemas.ts';
import { parseTopicServerFrame } from '../protocol/topic-frames.ts';
import { ApiError, type ApiErrorCode } from './api-error.ts';
import type { TopicEvent, TopicStream, TopicStreamHost } from './topic-stream.ts';

/** Path of the agent socket, after the server's origin. */
export const AGENT_SOCKET_PATH = '/api/v1/chat/ws/agent';
/** A socket that has not said `ready` this long after it was created is given up, and the next tried. */
export const AGENT_SOCKET_READY_TIMEOUT_MS = 10_000;
/** `WebSocket.OPEN`, written out so that no global is needed to read it. */
const OPEN = 1;

/** Closes that no reconnect can change (CONTRACT §6, §15): the token, or what was asked, was refused. */
const PERMANENT: Partial<Record<number, { code: ApiErrorCode; message: string }>> = {
  [CloseCode.unauthorized]: { code: 'unauthorized', message: 'The agent token was refused (unknown, revoked or expired).' },
  [CloseCode.invalidParams]: { code: 'client_error', message: 'The server refused the agent socket’s parameters.' },
  [CloseCode.notFound]: { code: 'not_found', message: 'The server does not know the agent socket.' },
};

/** The id a `rate_limited` error names: `Too many frames; "subscribe" of "<id>" was not done.` */
const DROPPED_FRAME = /"(subscribe|unsubscribe)" of "(.*)" was not done/u;

export interface AgentTopicSocketOptions {
  /** WebSocket URLs of the agent socket, tried in turn: the next after each drop or failed attempt. */
  urls: readonly string[];
  /** The `ama_eat_` token, sent as the subprotocol (never in the URL, so never in a log line). */
  token: string;
  /** Defaults to `globalThis.WebSocket`; Node 20 (which has none) passes the `ws` package's class. */
  WebSocket?: WebSocketConstructor;
  backoff?: BackoffOptions;
  random?: () => number;
  /** The socket closed because its last subscription ended. */
  idle?: () => void;
}

type Frame =
  { type: 'subscribe'; data: { id: string; topic: string; from?: Record<string, number> } } | { type: 'unsubscribe'; data: { id: string } };

export class AgentTopicSocket implements TopicStreamHost {
  private readonly streams = new Map<string, TopicStream>();
  /** Subscribes sent on this socket and not yet answered, oldest first (the server answers in order). */
  private readonly unanswered = new Map<string, Frame>();
  private readonly resends = new Set<ReturnType<typeof setTimeout>>();
  private socket: WebSocketLike | null = null;
  private ready = false;
  private attempt = 0;
  private urlIndex = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat = new Heartbeat(
    () => this.send({ type: 'ping' }),
    () => this.drop(),
  );

  constructor(private readonly options: AgentTopicSocketOptions) {
    if (options.urls.length === 0) throw new Error('The agent socket needs at least one URL.');
  }

  get size(): number {
    return this.streams.size;
  }

  add(stream: TopicStream): void {
    this.streams.set(stream.id, stream);
    if (this.ready) this.subscribe(stream, true);
    else if (!this.socket && this.retryTimer === undefined) this.connect();
  }

  resubscribe(stream: TopicStream): void {
    if (this.ready && this.streams.get(stream.id) === stream) this.subscribe(stream, false);
  }

  ended(stream: TopicStream): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    this.unanswered.delete(stream.id);
    if (this.streams.size === 0) {
      this.shutdown();
      this.options.idle?.();
    } else if (this.ready) {
      this.send({ type: 'unsubscribe', data: { id: stream.id } });
    }
  }

  private connect(): void {
    this.retryTimer = undefined;
    const Constructor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Constructor) {
      this.failAll(new ApiError('network_error', 'WebSockets are not available here: pass a WebSocket class to the client.', false));
      return;
    }
    const url = this.options.urls[this.urlIndex % this.options.urls.length]!;
    let socket: WebSocketLike;
    try {
      socket = new Constructor(url, ['auth', this.options.token]);
    } catch {
      this.failAll(new ApiError('client_error', 'The agent socket could not be opened: check the base URLs.', false));
      return;
    }
    this.socket = socket;
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.receive(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) this.closed(event.code, event.reason ?? '');
    });
    // An `error` is always followed by `close`, which is what counts.
    socket.addEventListener('error', () => undefined);
    this.readyTimer = setTimeout(() => this.drop(), AGENT_SOCKET_READY_TIMEOUT_MS);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const topicFrame = parseTopicServerFrame(raw);
    if (topicFrame?.type === 'event') {
      const item: TopicEvent = { topic: topicFrame.data.topic, event: topicFrame.data.event };
      for (const id of new Set(topicFrame.data.subscription_ids)) this.streams.get(id)?.deliver(item);
      return;
    }
    if (topicFrame?.type === 'subscribed') {
      if (!this.unanswered.delete(topicFrame.data.id)) return;
      this.streams.get(topicFrame.data.id)?.subscribed();
      return;
    }
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) return;
    const frame = parsed.frame;
    if (frame.type === 'ready') this.opened(frame.data?.heartbeat_ms ?? null);
    else if (frame.type === 'pong') this.heartbeat.pong();
    else if (frame.type === 'error') this.refused(frame.data);
  }

  private opened(heartbeatMs: number | null): void {
    if (this.ready) return;
    clearTimeout(this.readyTimer);
    this.ready = true;
    this.attempt = 0;
    this.heartbeat.start(heartbeatMs);
    for (const stream of this.streams.values()) this.subscribe(stream, true);
  }

  private subscribe(stream: TopicStream, all: boolean): void {
    const from = stream.nextFrom(all);
    const frame: Frame = { type: 'subscribe', data: { id: stream.id, topic: stream.topic, ...(from ? { from } : {}) } };
    this.unanswered.delete(stream.id);
    this.unanswered.set(stream.id, frame);
    this.send(frame);
  }

  /**
   * An `error` frame. `rate_limited` for a (un)subscribe: sent again after `retry_after_ms`
   * (CONTRACT §15 and the frame limiter). A `client_error` answers the oldest unanswered
   * subscribe (frames are answered in order): that subscription ends with it.
   */
  private refused(data: { code: string; message: string; retry_after_ms?: number | undefined }): void {
    if (data.code === 'rate_limited' && data.retry_after_ms !== undefined) {
      const named = DROPPED_FRAME.exec(data.message);
      const id = named?.[2];
      const frames: Frame[] =
        id === undefined
          ? [...this.unanswered.values()]
          : named?.[1] === 'unsubscribe'
            ? [{ type: 'unsubscribe', data: { id } }]
            : [...this.unanswered.values()].filter((frame) => frame.data.id === id);
      const socket = this.socket;
      const timer = setTimeout(() => {
        this.resends.delete(timer);
        if (this.socket !== socket || !this.ready) return;
        for (const frame of frames) {
          // Only the latest subscribe of a stream still unanswered is sent again; an unsubscribe, if the stream is still gone.
          const current = frame.type === 'subscribe' ? this.unanswered.get(frame.data.id) === frame : !this.streams.has(frame.data.id);
          if (current) this.send(frame);
        }
      }, data.retry_after_ms);
      this.resends.add(timer);
      return;
    }
    if (data.code !== 'client_error' || data.message.startsWith('There is no subscription')) return;
    const oldest = this.unanswered.keys().next();
    if (oldest.done) return;
    const stream = this.streams.get(oldest.value);
    this.unanswered.delete(oldest.value);
    if (!stream) return;
    this.streams.delete(stream.id);
    stream.fail(new ApiError('client_error', data.message, false));
    if (this.streams.size === 0) this.shutdown();
  }

  private send(frame: Frame | { type: 'ping' }): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** The socket is dead (no `ready`, or no `pong`): close it and go on as after any drop. */
  private drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.closed(1006, 'The agent socket stopped answering.');
    try {
      socket.close();
    } catch {
      // Already closing.
    }
  }

  private closed(code: number, reason: string): void {
    this.reset();
    if (this.streams.size === 0) return;
    const permanent = PERMANENT[code];
    if (permanent) {
      this.failAll(new ApiError(permanent.code, reason.trim() || permanent.message, false, code === CloseCode.unauthorized ? 401 : null));
      return;
    }
    this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
    const delay = backoffDelay(this.attempt++, this.options.random ?? Math.random, this.options.backoff);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private failAll(error: ApiError): void {
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.shutdown();
    for (const stream of streams) stream.fail(error);
  }

  /** Forgets the current socket (it closed or is being closed): no timer of it fires after this. */
  private reset(): void {
    this.socket = null;
    this.ready = false;
    this.unanswered.clear();
    this.heartbeat.stop();
    clearTimeout(this.readyTimer);
    for (const timer of this.resends) clearTimeout(timer);
    this.resends.clear();
  }

  private shutdown(): void {
    const socket = this.socket;
    this.reset();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    if (socket) {
      try {
        socket.close(1000, 'No subscription left.');
      } catch {
        socket.close();
      }
    }
  }
}
