/** The window of the public endpoints' limits (CONTRACT §7: per minute). */
export const RATE_WINDOW_MS = 60_000;

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** A fixed-window limit per key: in this process's memory ({@link RateLimiter}), or shared by every process through the database. */
export interface Limiter {
  /** Counts one hit of `key`, or says when to try again if the window's limit is reached. */
  take(key: string): RateDecision | Promise<RateDecision>;
  /** Gives back one count taken in the current window (an attempt that turned out not to count). */
  refund(key: string): void | Promise<void>;
  dispose(): void;
}

/**
 * A fixed-window counter per key (a client address). Small on purpose: one process, one
 * map, pruned every window so that addresses seen once do not pile up.
 */
export class RateLimiter implements Limiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly pruner: NodeJS.Timeout;

  constructor(
    private readonly limit: number,
    private readonly windowMs = RATE_WINDOW_MS,
    private readonly clock: () => number = Date.now,
  ) {
    this.pruner = setInterval(() => this.prune(), windowMs);
    this.pruner.unref();
  }

  take(key: string): RateDecision {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit) return { ok: false, retryAfterMs: window.start + this.windowMs - now };
    window.count++;
    return { ok: true };
  }

  /** Gives back one count taken in the current window (an attempt that turned out not to count). */
  refund(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0 && this.clock() - window.start < this.windowMs) window.count--;
  }

  private prune(): void {
    const now = this.clock();
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }

  dispose(): void {
    clearInterval(this.pruner);
  }
}
