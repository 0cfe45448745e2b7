/**
 * Frames a connection may send at once after a quiet spell. A client sends a few frames per
 * action (focus and unfocus on switching threads, a typing refresh every few seconds, a
 * ping every heartbeat, focus for each thread on screen after a reconnect): far fewer.
 */
export const FRAME_BURST = 40;
/** Frames per second a connection may send in the long run: ten times what typing and switching threads need. */
export const FRAME_REFILL_PER_SECOND = 10;
/** A client over the limit is told (one `rate_limited` error) at most this often. */
export const FRAME_NOTICE_INTERVAL_MS = 10_000;
/**
 * Frames a connection may have dropped before it is closed (1013): a client that goes on
 * sending after being told is not one of ours. Well above what one burst of a broken client
 * loop would drop, so such a client only loses frames.
 */
export const FRAME_DROPS_BEFORE_CLOSE = 2_000;
/** How long a client closed for flooding is asked to wait before it reconnects. */
export const FRAME_FLOOD_RETRY_MS = 10_000;

/** What becomes of one client frame. */
export type FrameDecision =
  | { kind: 'accept' }
  /** Dropped; `notify`: tell the client (the first drop in {@link FRAME_NOTICE_INTERVAL_MS}). */
  | { kind: 'drop'; notify: boolean; retryAfterMs: number }
  /** Dropped, and the connection is to close. */
  | { kind: 'close'; retryAfterMs: number };

/**
 * The client-frame limit of one socket: a token bucket of {@link FRAME_BURST} frames that
 * refills at {@link FRAME_REFILL_PER_SECOND}. Frames over it are dropped, not handled: no
 * fan-out, no database. The client is told once in a while, and closed only when it keeps
 * on (see {@link FRAME_DROPS_BEFORE_CLOSE}).
 */
export class FrameLimiter {
  private tokens: number;
  private refilledAt: number;
  private lastNoticeAt = -Infinity;
  private dropped = 0;

  constructor(
    private readonly burst = FRAME_BURST,
    private readonly refillPerSecond = FRAME_REFILL_PER_SECOND,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = clock();
  }

  /** Takes one frame's token, or says how the frame is dropped. */
  admit(): FrameDecision {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.refillPerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { kind: 'accept' };
    }
    this.dropped++;
    if (this.dropped >= FRAME_DROPS_BEFORE_CLOSE) return { kind: 'close', retryAfterMs: FRAME_FLOOD_RETRY_MS };
    const notify = now - this.lastNoticeAt >= FRAME_NOTICE_INTERVAL_MS;
    if (notify) this.lastNoticeAt = now;
    return { kind: 'drop', notify, retryAfterMs: Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000) };
  }
}
