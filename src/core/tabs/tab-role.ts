import type { ConnectionState } from '../connection/connection.ts';
import type { TransportKind } from '../connection/transport.ts';
import type { ClientFrame } from '../protocol/client-frames.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import type { ConnBody, ConnMessage } from './conn-messages.ts';
import type { TabBeat } from './tab-roster.ts';

/** What a tab's role (leader or follower) needs from the {@link TabConnection} it serves. */
export interface TabRoleHost {
  readonly tabId: string;
  /** Sends a relay body to the other tabs (the hub's envelope says it is from this tab). */
  post(body: ConnBody): void;
  /** The state this tab's engine sees. */
  setState(state: ConnectionState): void;
  /** Current state, as last set. */
  getState(): ConnectionState;
  emitFrame(frame: InboundFrame): void;
  emitOpen(transport: TransportKind): void;
  /** The threads this tab's own engine follows and has on screen. */
  ownFollow(): readonly string[];
  ownFocus(): readonly string[];
  /** Where this tab's engine is in a thread (its highest applied seq). */
  ownCursor(threadId: string): number;
  /** The other live tabs' last beats (the hub's one list of live tabs). */
  others(): readonly TabBeat[];
}

/** A client frame a follower handed to the leader, kept until the leader acknowledges it. */
export interface RelayedSend {
  id: number;
  frame: ClientFrame;
}

/** The part of a tab that differs between leader and follower. */
export interface TabRole {
  readonly kind: 'leader' | 'follower';
  onMessage(message: ConnMessage): void;
  /** A typing or message frame from this tab's engine (focus goes through {@link ownChanged}). */
  send(frame: ClientFrame): boolean;
  /** This tab's followed or focused threads changed. */
  ownChanged(): void;
  retryNow(): void;
  resume(): void;
  /** A tab came, went, or changed what it follows or focuses (the hub's list of live tabs changed). */
  rosterChanged(): void;
  readonly invalidFrameCount: number;
  /** Where a per-thread fallback resumes a thread: the lowest seq of the tabs that follow it (leader only). */
  cursorOf(threadId: string): number;
  stop(): void;
}

/** Sends a tab keeps for the leader (and a leader for its connection) at most; the oldest go first. */
export const MAX_RELAYED_SENDS = 100;
