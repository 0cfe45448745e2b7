/** Longest delay a Node timer takes (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `end` once, when the clock reaches `expiresAtMs` (ms since 1970; at once if it has
 * passed), so that a long-lived session lives no longer than the token that opened it.
 * Returns the function that cancels it (call it when the session closes first).
 */
export function endAtExpiry(expiresAtMs: number, end: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const left = expiresAtMs - Date.now();
    if (left <= 0) {
      cancelled = true;
      end();
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
