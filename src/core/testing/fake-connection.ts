import type { Connection, ConnectionState, OpenInfo } from '../connection/connection.ts';
import type { ClientFrame } from '../protocol/client-frames.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';

/** A connection a test drives: it opens, drops, takes any state and delivers frames when told to. */
export class FakeConnection implements Connection {
  state: ConnectionState = { status: 'connecting', attempt: 0 };
  readonly sent: ClientFrame[] = [];
  followed: readonly string[] = [];
  invalidFrameCount = 0;
  /** How often the engine asked to skip a wait, or to leave `paused` / `failed`. */
  retried = 0;
  resumed = 0;
  stopped = false;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly frameListeners = new Set<(frame: InboundFrame) => void>();
  private readonly openListeners = new Set<(info: OpenInfo) => void>();
  private opens = 0;

  start() {}
  stop() {
    this.stopped = true;
  }
  getState() {
    return this.state;
  }
  subscribe(listener: (state: ConnectionState) => void) {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  onFrame(listener: (frame: InboundFrame) => void) {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }
  onOpen(listener: (info: OpenInfo) => void) {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }
  send(frame: ClientFrame) {
    if (this.state.status !== 'open') return false;
    this.sent.push(frame);
    return true;
  }
  follow(threadIds: readonly string[]) {
    this.followed = threadIds;
  }
  retryNow() {
    this.retried++;
  }
  resume() {
    this.resumed++;
  }

  /** Puts the connection into any state (the close and error cases of CONTRACT §6). */
  setState(state: ConnectionState) {
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  open() {
    this.setState({ status: 'open', transport: 'websocket' });
    const info = { transport: 'websocket' as const, reconnect: this.opens++ > 0 };
    for (const listener of [...this.openListeners]) listener(info);
  }

  drop() {
    this.setState({ status: 'reconnecting', attempt: 1, retryAt: Date.now() + 1000, lastClose: { code: 1006, reason: '' } });
  }

  deliver(frame: InboundFrame) {
    for (const listener of [...this.frameListeners]) listener(frame);
  }
}
