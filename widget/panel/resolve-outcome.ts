import type { ResolvedThread } from '../../src/core/protocol/rest-schemas.ts';
import type { VisitorRecord } from '../shared/visitor-store.ts';

/** How a start differs from a plain resume. */
export interface StartMode {
  /** "New conversation": ask for a fresh thread; the one before, to hide it if the server resumes it anyway. */
  restart?: { previousThread: string | null; hideThrough: number };
  /** `identify()` changed who the visitor is during this page view: another thread is expected, not a reset. */
  identityChange?: boolean;
  /** The visitor chose an earlier conversation of theirs (now on record): it is opened as it is, without asking the server which. */
  earlier?: boolean;
}

/** The conversation a start lands in: from the resolve answer, or from the record when the server could not be reached (`resolved` null). */
export interface ResolveTarget {
  threadId: string;
  visitorToken: string | null;
  /** The server's label for the visitor (the socket's `?email=`). */
  email: string | null;
  /** The visitor's sender id when known without asking the history. */
  senderId: string | null;
  /** The same thread as on record. */
  continuing: boolean;
}

export function targetOf(before: VisitorRecord, resolved: ResolvedThread | null): ResolveTarget {
  if (!resolved)
    return {
      threadId: before.threadId!,
      visitorToken: before.visitorToken,
      email: before.email,
      senderId: before.senderId,
      continuing: true,
    };
  const continuing = resolved.thread_id === before.threadId;
  return {
    threadId: resolved.thread_id,
    // A server that issues no token (seed-only) knows the visitor by email alone.
    visitorToken: resolved.visitor_token ?? null,
    email: resolved.email === undefined ? before.email : resolved.email,
    senderId: resolved.sender_id ?? (continuing ? before.senderId : null),
    continuing,
  };
}

export interface ResolveOutcome {
  record: VisitorRecord;
  /** The stored thread gave way to a brand-new one nobody asked for: the server no longer knew the token (its data was reset). */
  reset: boolean;
  /** A thread not read here before: its existing history counts as read once loaded. */
  baselinePending: boolean;
  /** "New conversation" on a server that resumed the same thread: its history up to here is hidden. */
  hiddenThroughSeq: number;
}

/** What a start means for the stored record and the screen; pure. */
export function outcomeOf(
  before: VisitorRecord,
  resolved: ResolvedThread | null,
  mode: StartMode,
  target: ResolveTarget,
  senderId: string | null,
): ResolveOutcome {
  const { threadId, continuing } = target;
  const sameThreadRestart = mode.restart !== undefined && mode.restart.previousThread === threadId;
  return {
    record: {
      ...before,
      threadId,
      visitorToken: target.visitorToken,
      verified: resolved ? (resolved.verified ?? false) : before.verified,
      email: target.email,
      senderId: senderId ?? (continuing ? before.senderId : null),
      appliedSeq: continuing ? before.appliedSeq : 0,
    },
    reset: resolved !== null && !resolved.resumed && !continuing && before.threadId !== null && !mode.restart && !mode.identityChange,
    baselinePending: !continuing && !sameThreadRestart,
    hiddenThroughSeq: sameThreadRestart ? mode.restart!.hideThrough : 0,
  };
}
