/** Fixed-window rate-limit counters shared by every process on the database (`storage.counters`). */
export interface CounterStore {
  /**
   * Counts one hit of `key` in its fixed window, in one atomic step (processes sharing the
   * database share the count): the first hit, or the first after the window ended, opens a
   * new window of `windowMs` from `now` (epoch ms). Returns the window's count with this hit
   * and when the window ends.
   */
  hit(key: string, now: number, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** Takes one hit back from `key`'s window if it has not ended (never below 0). */
  refund(key: string, now: number): Promise<void>;
  /** Forgets counters whose window ended at or before `now` (epoch ms). */
  prune(now: number): Promise<void>;
}
