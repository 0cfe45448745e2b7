import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';
import { LeftViewers } from './left-viewers.ts';
import { Outbound } from './outbound.ts';
import { PresenceTracker } from './presence-tracker.ts';
import { TypingTracker } from './typing-tracker.ts';

export type TypingStatus = 'started' | 'stopped';
export type PresenceStatus = 'focused' | 'unfocused';

/**
 * Typing and presence, the live state behind `thread_typing` and `thread_presence`
 * (CONTRACT §6): a socket reports what its client does, the signals decide which frames
 * go out (typing throttled and expired, presence once per sender however many tabs).
 */
export interface LiveSignals {
  typing(threadId: string, senderId: string, status: TypingStatus): void;
  /** A connection of the sender focuses the thread; returns the thread's other viewers, for the newcomer. */
  focus(threadId: string, senderId: string): string[];
  /** A connection of the sender unfocuses the thread (or closes). */
  unfocus(threadId: string, senderId: string): void;
  /** Who focuses the thread now, on any process (notifications are not pushed to them: CONTRACT §12). */
  viewers(threadId: string): string[];
  /** When the sender last stopped focusing the thread on every process (their last socket on it unfocused or closed), if known here. */
  leftAt(threadId: string, senderId: string): number | undefined;
  close(): void;
}

/** A `thread_typing` frame for everyone but the typist. */
export function typingOutbound(threadId: string, senderId: string, status: TypingStatus): Outbound {
  const frame: ServerFrame = { type: 'thread_typing', thread_id: threadId, data: { sender_id: senderId, status } };
  return new Outbound(threadId, frame, null, senderId);
}

/** A `thread_presence` frame for everyone but the viewer. */
export function presenceOutbound(threadId: string, senderId: string, status: PresenceStatus): Outbound {
  const frame: ServerFrame = { type: 'thread_presence', thread_id: threadId, data: { sender_id: senderId, status } };
  return new Outbound(threadId, frame, null, senderId);
}

/** The signals of one server process: everything it knows is its own. */
export class LocalSignals implements LiveSignals {
  private readonly presence = new PresenceTracker();
  private readonly left = new LeftViewers();
  private readonly typingTracker: TypingTracker;

  constructor(private readonly publish: (outbound: Outbound) => void) {
    this.typingTracker = new TypingTracker((threadId, senderId, status) => publish(typingOutbound(threadId, senderId, status)));
  }

  typing(threadId: string, senderId: string, status: TypingStatus): void {
    if (this.typingTracker.signal(threadId, senderId, status)) this.publish(typingOutbound(threadId, senderId, status));
  }

  focus(threadId: string, senderId: string): string[] {
    const others = this.presence.viewers(threadId).filter((viewer) => viewer !== senderId);
    if (this.presence.focused(threadId, senderId)) this.publish(presenceOutbound(threadId, senderId, 'focused'));
    return others;
  }

  unfocus(threadId: string, senderId: string): void {
    if (!this.presence.unfocused(threadId, senderId)) return;
    this.left.record(threadId, senderId);
    this.publish(presenceOutbound(threadId, senderId, 'unfocused'));
  }

  viewers(threadId: string): string[] {
    return this.presence.viewers(threadId);
  }

  leftAt(threadId: string, senderId: string): number | undefined {
    return this.left.leftAt(threadId, senderId);
  }

  close(): void {
    this.typingTracker.clear();
  }
}
