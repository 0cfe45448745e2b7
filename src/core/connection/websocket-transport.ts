import type { ClientFrame } from '../protocol/client-frames.ts';
import { parseServerFrame } from '../protocol/server-frame-schemas.ts';
import type { Transport, TransportClose, TransportEvents } from './transport.ts';

/**
 * The part of a WebSocket this transport uses. Both the browser's `WebSocket` and the `ws`
 * package's class satisfy it, so Node tests can pass `ws` where there is no global one.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** The socket URL, asked on every attempt (the public socket carries the visitor email in it). */
  url(): string;
  /**
   * Subprotocols, asked on every attempt: the user socket passes `['auth', token]` so the token
   * stays out of URLs and logs (CONTRACT §1); the latest token is used after a refresh.
   */
  protocols?(): string[] | undefined;
  /** Defaults to `globalThis.WebSocket`; Node (20 has none) passes the `ws` package's class. */
  WebSocket?: WebSocketConstructor;
}

/** `WebSocket.OPEN`, written out so that no global is needed to read it. */
const OPEN = 1;
/** Code reported when the socket ended without a close frame (the browser's own choice too). */
const ABNORMAL_CLOSURE = 1006;

/**
 * The one place that creates WebSockets. Validates every inbound frame; a bad one is reported
 * by type and dropped, never allowed to close the socket. Reports `open` on the server's
 * `ready` frame (not on the socket's own open: only `ready` means the server subscribed us),
 * and `close` exactly once, however the socket ended.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  private socket: WebSocketLike | null = null;
  private events: TransportEvents | null = null;
  private ready = false;
  private closed = false;

  constructor(private readonly options: WebSocketTransportOptions) {}

  open(events: TransportEvents): void {
    if (this.events) throw new Error('A WebSocketTransport opens once; create a new one to reconnect.');
    this.events = events;
    const Constructor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Constructor) {
      this.finishLater({ code: ABNORMAL_CLOSURE, reason: 'WebSockets are not available here.' });
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new Constructor(this.options.url(), this.options.protocols?.());
    } catch {
      // A malformed URL or a blocked port: report it like any failed attempt, without the URL (it may hold an email).
      this.finishLater({ code: ABNORMAL_CLOSURE, reason: 'The socket could not be opened.' });
      return;
    }
    this.socket = socket;
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => this.finish({ code: event.code || ABNORMAL_CLOSURE, reason: event.reason ?? '' }));
    // An `error` is always followed by `close`, which carries what we report.
    socket.addEventListener('error', () => undefined);
  }

  send(frame: ClientFrame): boolean {
    if (this.closed || !this.socket || this.socket.readyState !== OPEN) return false;
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the socket and reports the close at once; the socket's own close event is then ignored. */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    const socket = this.socket;
    this.finish({ code, reason });
    if (!socket) return;
    try {
      socket.close(code, reason);
    } catch {
      // Browsers accept only 1000 and 3000–4999 from clients.
      socket.close();
    }
  }

  /** The user socket delivers every thread of the user; nothing to follow. */
  follow(): void {}

  private receive(data: unknown): void {
    if (this.closed || !this.events) return;
    if (typeof data !== 'string') {
      this.events.invalid?.(null, 'binary frame');
      return;
    }
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.events.invalid?.(parsed.type, parsed.reason);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'ready' && !this.ready) {
      this.ready = true;
      this.events.open({ heartbeatMs: frame.data.heartbeat_ms ?? null, protocolVersion: frame.data.protocol_version });
      // The owner may have closed us in its open handler.
      if (this.closed) return;
    }
    this.events.frame(frame);
  }

  private finish(info: TransportClose): void {
    if (this.closed) return;
    this.closed = true;
    this.events?.close(info);
  }

  /** Reports a close after `open()` returned, so the owner never sees it re-entrantly. */
  private finishLater(info: TransportClose): void {
    void Promise.resolve().then(() => this.finish(info));
  }
}
