import type { ClientFrame } from '../protocol/client-frames.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import type { TransportClose, TransportKind } from './transport.ts';

/**
 * The state of the one live connection (issue: connecting | open | reconnecting | offline |
 * failed, plus `paused` after the public socket's idle timeout).
 */
export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'open'; transport: TransportKind }
  | {
      status: 'reconnecting';
      attempt: number;
      /** Epoch ms of the next attempt. */
      retryAt: number;
      lastClose: TransportClose | null;
    }
  | { status: 'offline' }
  /** Closed after `idle_timeout`; {@link Connection.resume} (on the user's next activity) reconnects. */
  | { status: 'paused'; reason: string }
  /** Terminal until the app changes something (a new token, another thread): 4000, 4001, 4004. */
  | { status: 'failed'; reason: string; code: number | null };

/** Two states are the same when every field is (states are small plain objects). */
export const sameConnectionState = (a: ConnectionState, b: ConnectionState): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface OpenInfo {
  transport: TransportKind;
  /** False only for the first open after `start()`. */
  reconnect: boolean;
}

/** The engine's view of the connection manager. */
export interface Connection {
  start(): void;
  stop(): void;
  getState(): ConnectionState;
  /** Called on every state change; returns an unsubscribe function. */
  subscribe(listener: (state: ConnectionState) => void): () => void;
  /** Every validated frame, from whichever transport is open. */
  onFrame(listener: (frame: InboundFrame) => void): () => void;
  /** Every time a transport becomes ready; the engine then re-focuses threads and catches up. */
  onOpen(listener: (info: OpenInfo) => void): () => void;
  /** Sends on the open transport; false when nothing open can send it. */
  send(frame: ClientFrame): boolean;
  /** Threads the per-thread fallbacks (SSE, polling) should follow. */
  follow(threadIds: readonly string[]): void;
  /** Skips the wait of `reconnecting` ("retry now"). */
  retryNow(): void;
  /** Leaves `paused` (or `failed` after the app fixed the cause) and connects again. */
  resume(): void;
  /** Frames dropped because they failed validation. */
  readonly invalidFrameCount: number;
}
