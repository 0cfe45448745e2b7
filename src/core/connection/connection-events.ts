import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { sameConnectionState, type ConnectionState, type OpenInfo } from './connection.ts';
import { emit } from './emit.ts';

/**
 * What every {@link Connection} tells its listeners, written once: the state (a listener hears
 * only real changes), the frames, and each open (`reconnect` false only for the first).
 * The connection manager and the tab connection both build on it.
 */
export abstract class ConnectionEvents {
  private state: ConnectionState = { status: 'connecting', attempt: 1 };
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly frameListeners = new Set<(frame: InboundFrame) => void>();
  private readonly openListeners = new Set<(info: OpenInfo) => void>();
  private everOpened = false;

  getState(): ConnectionState {
    return this.state;
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onFrame(listener: (frame: InboundFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onOpen(listener: (info: OpenInfo) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Moves to `next` and tells the listeners, unless it is the state already. */
  protected setState(next: ConnectionState): void {
    if (sameConnectionState(this.state, next)) return;
    this.state = next;
    emit(this.stateListeners, next);
  }

  protected emitFrame(frame: InboundFrame): void {
    emit(this.frameListeners, frame);
  }

  /** A transport became ready: every open after the first is a reconnect. */
  protected announceOpen(transport: OpenInfo['transport']): void {
    const reconnect = this.everOpened;
    this.everOpened = true;
    emit(this.openListeners, { transport, reconnect });
  }
}
