/**
 * The polling loop of the seed SDK (seed 000, "Polling with the SDK"): read the log
 * forward from a sequence number, forever, until the caller aborts.
 */
import { ApiError } from './api-error.ts';

/** Wait between polls when the log has nothing more (seed 000's example uses 2 s). */
const POLL_INTERVAL_DEFAULT_MS = 2_000;
/** First wait after a retryable failure; doubles per consecutive failure. */
export const POLL_BACKOFF_BASE_MS = 1_000;
/** Longest wait after failures, so a recovered server is noticed within half a minute. */
export const POLL_BACKOFF_MAX_MS = 30_000;

export interface PollPage<E> {
  events: E[];
  has_more: boolean;
}

export interface PollThreadEventsOptions {
  intervalMs?: number;
  /** Aborting stops the loop (also mid-wait or mid-request); the returned promise then resolves. */
  signal?: AbortSignal;
  /** A number in [0, 1) for backoff jitter; injectable for tests. */
  random?: () => number;
}

/** Backoff before retry number `attempt` (1-based): exponential with "equal jitter", at least `Retry-After`. */
export function pollBackoffMs(attempt: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const cap = Math.min(POLL_BACKOFF_MAX_MS, POLL_BACKOFF_BASE_MS * 2 ** (attempt - 1));
  // Jitter spreads the retries of many clients that failed at the same moment.
  const delay = cap / 2 + random() * (cap / 2);
  return Math.max(delay, retryAfterMs ?? 0);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const ABORTED = Symbol('aborted');

/** The promise's outcome, or {@link ABORTED} as soon as `signal` aborts (a late rejection is swallowed). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Polls `fetchPage` from `afterSeq` and hands each event to `onEvent` exactly once, in
 * `thread_seq` order. Pages again at once while `has_more`, otherwise waits `intervalMs`.
 * A retryable {@link ApiError} is waited out with backoff (and `Retry-After`); any other
 * failure rejects. Resolves when `signal` aborts; never calls `onEvent` after that.
 */
export async function pollThreadEvents<E extends { thread_seq: number }>(
  fetchPage: (afterSeq: number, signal?: AbortSignal) => Promise<PollPage<E>>,
  onEvent: (event: E) => void | Promise<void>,
  afterSeq = 0,
  options: PollThreadEventsOptions = {},
): Promise<void> {
  const { signal, intervalMs = POLL_INTERVAL_DEFAULT_MS, random = Math.random } = options;
  let cursor = afterSeq;
  let failures = 0;

  while (!signal?.aborted) {
    let page: PollPage<E> | typeof ABORTED;
    try {
      page = await unlessAborted(fetchPage(cursor, signal), signal);
    } catch (error) {
      if (signal?.aborted) return;
      if (!(error instanceof ApiError) || !error.retryable) throw error;
      failures++;
      if (!(await sleep(pollBackoffMs(failures, error.retryAfterMs, random), signal))) return;
      continue;
    }
    if (page === ABORTED) return;
    failures = 0;

    const before = cursor;
    // Sorted and filtered so a server that repeats or reorders events cannot make us deliver twice.
    const fresh = page.events.filter((event) => event.thread_seq > before).sort((a, b) => a.thread_seq - b.thread_seq);
    for (const event of fresh) {
      if (signal?.aborted) return;
      if (event.thread_seq <= cursor) continue;
      await onEvent(event);
      cursor = event.thread_seq;
    }
    // has_more without progress would spin; treat it like an empty page.
    if (page.has_more && cursor > before) continue;
    if (!(await sleep(intervalMs, signal))) return;
  }
}
