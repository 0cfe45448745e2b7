import type { ClientFrame } from '../protocol/client-frames.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';

export type TransportKind = 'websocket' | 'sse' | 'poll';

export interface TransportClose {
  /** WebSocket close code; 1006 when the connection dropped without one. */
  code: number;
  reason: string;
}

/** What a transport reports to its owner. Frames are already validated. */
export interface TransportEvents {
  /**
   * Ready to deliver: for the WebSocket, on the server's `ready` frame, with the protocol
   * version it announced (absent from older servers and from the other transports).
   */
  open(info: { heartbeatMs: number | null; protocolVersion?: number }): void;
  frame(frame: InboundFrame): void;
  /** Ended; after this the transport is done and a new one must be created. */
  close(info: TransportClose): void;
  /** A frame failed validation and was dropped (its type only, never its content). */
  invalid?(type: string | null, reason: string): void;
}

/**
 * One way of receiving a user's (or visitor's) live frames: a WebSocket, an SSE stream
 * per thread, or polling. The connection manager owns one at a time. Designed so that a
 * later transport can relay one socket shared by a browser's tabs (BroadcastChannel /
 * SharedWorker) without the engine noticing.
 */
export interface Transport {
  readonly kind: TransportKind;
  open(events: TransportEvents): void;
  /** Sends a frame; false when this transport cannot send (SSE and polling are receive-only). */
  send(frame: ClientFrame): boolean;
  close(code?: number, reason?: string): void;
  /** The threads to follow; per-thread transports (SSE, polling) open or stop streams to match. */
  follow(threadIds: readonly string[]): void;
}
