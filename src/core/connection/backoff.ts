/**
 * Reconnect delays: full-jitter exponential backoff (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"). Each delay is drawn uniformly from [0, min(cap, base × 2^attempt)],
 * so a server restart does not get every client back in the same instant.
 */

/** Ceiling of the first retry. Small, so that a blip is invisible to the user. */
export const BACKOFF_BASE_MS = 500;
/** Largest ceiling: after a long outage a client still tries about twice a minute. */
export const BACKOFF_CAP_MS = 30_000;

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
}

/** The largest delay of `attempt` (0 for the first retry): min(cap, base × 2^attempt). */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? BACKOFF_BASE_MS;
  const cap = options.capMs ?? BACKOFF_CAP_MS;
  const exponent = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  // 2 ** 1100 is Infinity, which min() turns into the cap: no overflow guard needed beyond that.
  return Math.min(cap, base * 2 ** exponent);
}

/**
 * The delay before retry number `attempt`: `random() × ceiling`. `random` is injected
 * (the environment's) so tests can pin it; values outside [0, 1] are clamped.
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const r = Math.min(1, Math.max(0, random()));
  return Math.floor(r * backoffCeiling(attempt, options));
}
