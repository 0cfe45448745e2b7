import type { Connection, ConnectionState, OpenInfo } from '../../../src/core/connection/connection.ts';
import type { ClientFrame } from '../../../src/core/protocol/client-frames.ts';
import type { InboundFrame } from '../../../src/core/protocol/server-frame-schemas.ts';

/** A connection a panel test puts into any state (CONTRACT §6 close and error cases) and feeds frames. */
export class TestConnection implements Connection {
  private state: ConnectionState = { status: 'connecting', attempt: 1 };
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly frameListeners = new Set<(frame: InboundFrame) => void>();
  private readonly openListeners = new Set<(info: OpenInfo) => void>();
  readonly sent: ClientFrame[] = [];
  resumed = 0;
  retried = 0;
  stopped = false;
  invalidFrameCount = 0;

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
  follow() {}
  retryNow() {
    this.retried++;
  }
  resume() {
    this.resumed++;
  }

  setState(state: ConnectionState) {
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  open() {
    this.setState({ status: 'open', transport: 'websocket' });
    for (const listener of [...this.openListeners]) listener({ transport: 'websocket', reconnect: false });
  }

  deliver(frame: InboundFrame) {
    for (const listener of [...this.frameListeners]) listener(frame);
  }
}
