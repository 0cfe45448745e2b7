import type { ClientFrame } from '../protocol/client-frames.ts';
import { parseServerFrame } from '../protocol/server-frame-schemas.ts';
import type { Transport, TransportClose, TransportEvents, TransportKind } from '../connection/transport.ts';

/**
 * An in-memory transport a test drives as if it were the server: `ready()`, `receive()`,
 * `drop()`. It records what the client sent and whether the client closed it. Frames go
 * through the real `parseServerFrame`, so an invalid one is reported as the real transport would.
 */
export class FakeTransport implements Transport {
  readonly sent: ClientFrame[] = [];
  followed: readonly string[] = [];
  /** Set when the client closed the transport. */
  closedByClient: TransportClose | null = null;
  private events: TransportEvents | null = null;
  private ended = false;

  constructor(readonly kind: TransportKind = 'websocket') {}

  get opened(): boolean {
    return this.events !== null;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  open(events: TransportEvents): void {
    this.events = events;
  }

  send(frame: ClientFrame): boolean {
    if (this.ended || this.kind !== 'websocket') return false;
    this.sent.push(frame);
    return true;
  }

  close(code = 1000, reason = ''): void {
    if (this.ended) return;
    this.ended = true;
    this.closedByClient = { code, reason };
    this.events?.close({ code, reason });
  }

  follow(threadIds: readonly string[]): void {
    this.followed = [...threadIds];
  }

  /** The server's `ready`: the transport is open (a protocol version only when given, like an older server). */
  ready(heartbeatMs: number | null = 25_000, protocolVersion?: number): void {
    this.events?.open({ heartbeatMs, ...(protocolVersion === undefined ? {} : { protocolVersion }) });
    if (this.kind === 'websocket') {
      const version = protocolVersion === undefined ? {} : { protocol_version: protocolVersion };
      this.receive({
        type: 'ready',
        data: { connection_id: 'c', ...(heartbeatMs === null ? {} : { heartbeat_ms: heartbeatMs }), ...version },
      });
    }
  }

  /** A frame from the server (any value; validated like a real one). */
  receive(frame: unknown): void {
    if (this.ended || !this.events) return;
    const parsed = parseServerFrame(frame);
    if (parsed.ok) this.events.frame(parsed.frame);
    else this.events.invalid?.(parsed.type, parsed.reason);
  }

  /** The server (or the network) ended the connection. */
  drop(code = 1006, reason = ''): void {
    if (this.ended) return;
    this.ended = true;
    this.events?.close({ code, reason });
  }

  /** How many pings the client sent. */
  get pings(): number {
    return this.sent.filter((frame) => frame.type === 'ping').length;
  }
}
