/** The state a `VisitorSession` shows the panel (visitor-session.ts). */
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { AgentProfile, VisitorThreadSummary } from '../../src/core/protocol/rest-schemas.ts';
import type * as ClosingUi from './closing-ui.ts';
import type { ConversationGone } from './conversation-gone.tsx';
import type { BlockedReason } from './refusals.ts';

type ProfileState = { status: 'loading' } | { status: 'ready'; profile: AgentProfile } | { status: 'missing' } | { status: 'failed' };

type ConversationPhase =
  /** Nobody is known yet: the greeting and a composer; the conversation starts with the first message. */
  | { kind: 'prechat' }
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

/** A reply that came while the panel was closed: shown above the launcher (reply-preview.tsx). */
export interface PreviewedReply {
  id: string;
  senderId: string;
  content: string;
}

/**
 * Asking for the visitor's email, inline and optional (issue 23): `reply` after the first
 * reply, `person` when they asked for one, `start` when the server will not start without
 * one (a seed-only server); `declined` and `saved` end the asking for this page view.
 */
export type EmailAsk = 'reply' | 'person' | 'start' | 'declined' | 'saved';

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
  /** The newest reply that came while the panel was closed, until it opens or the visitor dismisses it. */
  preview: PreviewedReply | null;

  /** The visitor's first message, kept while its conversation starts (sent once it has). */
  firstMessage: string | null;
  /** The names of its files, shown with it (kept with it across a reload: first-message.ts). */
  firstNames: readonly string[];
  /**
   * The files of that first message a reload lost before they were kept (first-files.ts
   * `sendFirst`): the message was not sent, its text is back in the composer, and the panel
   * says these must be attached again. Empty once the visitor sent; null: nothing was lost.
   */
  firstLost: readonly string[] | null;
  /** Where asking for the email stands; null: not asked (yet). */
  emailAsk: EmailAsk | null;
  /** The visitor's other conversations with the agent, newest first; null where the server cannot list them (no list offered). */
  earlier: VisitorThreadSummary[] | null;
  /** The offer to leave an email, shown as the visitor closed the panel (its chunk, loaded); null: none. */
  leaving: typeof ClosingUi | null;
  /**
   * The conversation no longer exists: `deleted` by the visitor ("Delete this conversation"),
   * `erased` by the website while it was open. The visitor is forgotten on this device; the
   * panel says so until they start a new conversation. Null: not gone.
   */
  gone: 'deleted' | 'erased' | null;
  /** The end state's view, from the chunk the session loaded for `erased` (show-erased.ts); the panel loads its own for "Delete". */
  goneView?: typeof ConversationGone;
  /** Why a follow-up email's link did not open its conversation, in words (resume-link.ts); null: no link, or it did. */
  linkNotice: string | null;
}
