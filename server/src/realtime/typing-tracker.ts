/** Typing `started` is forwarded at most once per this long per sender and thread (CONTRACT §6). */
export const TYPING_THROTTLE_MS = 2_000;
/** Typing ends on its own after this long without a refresh (CONTRACT §6). */
export const TYPING_EXPIRY_MS = 6_000;

type TypingStatus = 'started' | 'stopped';

interface TypingState {
  /** What the sender last said: typing or not. */
  typing: boolean;
  /** What the others were last told: `started` (true) or `stopped`. */
  shown: boolean;
  /** When a `started` last went out; the throttle holds from here, through any `stopped`. */
  startedAt: number;
  /** While typing: the expiry. */
  expiry: NodeJS.Timeout | undefined;
  /** A `started` held back by the throttle (sent when it ends), or, once stopped, when the entry is forgotten. */
  window: NodeJS.Timeout | undefined;
}

/**
 * Decides which typing signals go out. `started` goes out at most once per
 * {@link TYPING_THROTTLE_MS} per sender and thread, and a `stopped` only after a `started`
 * that went out, so a sender flipping between the two forwards at most one of each per
 * window, as a steady typer who paused would. The throttle outlives a `stopped`: a `started`
 * that comes too soon after the last one is held back until its window ends, and is sent then
 * if the sender is still typing. A sender who goes quiet is stopped by the expiry timer.
 */
export class TypingTracker {
  private readonly states = new Map<string, TypingState>();

  /** `emitLater` sends what the tracker decides on its own: a held-back `started`, or the `stopped` of an expiry. */
  constructor(
    private readonly emitLater: (threadId: string, senderId: string, status: TypingStatus) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns whether the signal should be forwarded to the thread's other participants now. */
  signal(threadId: string, senderId: string, status: TypingStatus): boolean {
    const key = `${threadId}|${senderId}`;
    const state = this.states.get(key);
    const now = this.clock();
    if (status === 'stopped') {
      if (!state?.typing) return false;
      state.typing = false;
      clearTimeout(state.expiry);
      state.expiry = undefined;
      const told = state.shown;
      state.shown = false;
      this.forgetAfterWindow(key, state, now);
      return told;
    }
    const current = state ?? { typing: false, shown: false, startedAt: -Infinity, expiry: undefined, window: undefined };
    this.states.set(key, current);
    current.typing = true;
    clearTimeout(current.expiry);
    current.expiry = setTimeout(() => this.expire(key, threadId, senderId), TYPING_EXPIRY_MS);
    current.expiry.unref();
    if (now - current.startedAt >= TYPING_THROTTLE_MS) {
      clearTimeout(current.window);
      current.window = undefined;
      current.startedAt = now;
      current.shown = true;
      return true;
    }
    // Too soon. Already shown: a refresh, not needed yet. Not shown (a stop came between):
    // the others learn when the window ends, unless the sender stops first.
    if (!current.shown) {
      clearTimeout(current.window);
      current.window = setTimeout(() => this.sendHeldBack(key, threadId, senderId), current.startedAt + TYPING_THROTTLE_MS - now);
      current.window.unref();
    }
    return false;
  }

  private sendHeldBack(key: string, threadId: string, senderId: string): void {
    const state = this.states.get(key);
    if (!state?.typing || state.shown) return;
    state.window = undefined;
    state.startedAt = this.clock();
    state.shown = true;
    this.emitLater(threadId, senderId, 'started');
  }

  private expire(key: string, threadId: string, senderId: string): void {
    const state = this.states.get(key);
    if (!state?.typing) return;
    state.typing = false;
    state.expiry = undefined;
    const told = state.shown;
    state.shown = false;
    this.forgetAfterWindow(key, state, this.clock());
    if (told) this.emitLater(threadId, senderId, 'stopped');
  }

  /** A sender who stopped is remembered until the throttle's window ends, then forgotten. */
  private forgetAfterWindow(key: string, state: TypingState, now: number): void {
    clearTimeout(state.window);
    const left = state.startedAt + TYPING_THROTTLE_MS - now;
    if (left <= 0) {
      this.states.delete(key);
      return;
    }
    state.window = setTimeout(() => {
      if (!state.typing && this.states.get(key) === state) this.states.delete(key);
    }, left);
    state.window.unref();
  }

  isTyping(threadId: string, senderId: string): boolean {
    return this.states.get(`${threadId}|${senderId}`)?.typing ?? false;
  }

  clear(): void {
    for (const state of this.states.values()) {
      clearTimeout(state.expiry);
      clearTimeout(state.window);
    }
    this.states.clear();
  }
}
