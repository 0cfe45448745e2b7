/** The state a `VisitorSession` shows the panel (visitor-session.ts). */
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { AgentProfile, VisitorThreadSummary } from '../../src/core/protocol/rest-schemas.ts';
import type { BlockedReason } from './refusals.ts';

type ProfileState = { status: 'loading' } | { status: 'ready'; profile: AgentProfile } | { status: 'missing' } | { status: 'failed' };

type ConversationPhase =
  /** Asking who the visitor is. `problem`: what the server said about the last try. */
  | { kind: 'prechat'; problem: 'invalid_email' | null }
  | { kind: 'starting' }
  /** Nothing the visitor can do here: the website has to change something (see {@link BlockedReason}). */
  | { kind: 'blocked'; reason: BlockedReason }
  | { kind: 'start-failed'; code: string; retryAfterMs: number | null }
  | { kind: 'chat'; threadId: string; selfSenderId: string; engine: SyncEngine };

/** An `error` frame the server sent on the live connection, for the panel to explain. */
export interface ServerNotice {
  code: string;
  retryAfterMs: number | null;
  /** Epoch ms it arrived. */
  at: number;
}

export interface SessionState {
  profile: ProfileState;
  phase: ConversationPhase;
  /** The panel is shown. */
  open: boolean;
  email: string | null;
  name: string | null;
  /**
   * "New conversation" on a server that resumes the same thread for the same email: the
   * history up to here is hidden, so the visitor starts over at least on screen.
   */
  hiddenThroughSeq: number;
  notice: ServerNotice | null;
  /** The stored conversation was gone (the server's data was reset): this one is new. */
  conversationReset: boolean;
  /** The visitor's other conversations with the agent, newest first; null where the server cannot list them (no list offered). */
  earlier: VisitorThreadSummary[] | null;
}
