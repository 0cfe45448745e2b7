/** Typing `started` is forwarded at most once per this long per sender and thread (CONTRACT §6). */
export const TYPING_THROTTLE_MS = 2_000;
/** Typing ends on its own after this long without a refresh (CONTRACT §6). */
export const TYPING_EXPIRY_MS = 6_000;

interface TypingState {
  lastForwardedAt: number;
  expiry: NodeJS.Timeout;
}

/**
 * Decides which typing signals go out. `started` is throttled, `stopped` always goes out
 * for someone who was typing, and a sender who goes quiet is stopped by the expiry timer.
 */
export class TypingTracker {
  private readonly typing = new Map<string, TypingState>();

  constructor(
    private readonly onExpire: (threadId: string, senderId: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns whether the signal should be forwarded to the thread's other participants. */
  signal(threadId: string, senderId: string, status: 'started' | 'stopped'): boolean {
    const key = `${threadId}|${senderId}`;
    const state = this.typing.get(key);
    if (status === 'stopped') {
      if (!state) return false;
      clearTimeout(state.expiry);
      this.typing.delete(key);
      return true;
    }
    const now = this.clock();
    if (state) clearTimeout(state.expiry);
    const expiry = setTimeout(() => {
      this.typing.delete(key);
      this.onExpire(threadId, senderId);
    }, TYPING_EXPIRY_MS);
    expiry.unref();
    const forward = !state || now - state.lastForwardedAt >= TYPING_THROTTLE_MS;
    this.typing.set(key, { lastForwardedAt: forward ? now : state.lastForwardedAt, expiry });
    return forward;
  }

  isTyping(threadId: string, senderId: string): boolean {
    return this.typing.has(`${threadId}|${senderId}`);
  }

  clear(): void {
    for (const state of this.typing.values()) clearTimeout(state.expiry);
    this.typing.clear();
  }
}
