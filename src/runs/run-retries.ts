import { create } from 'zustand';
import { ApiError } from '../core/api/api-error.ts';
import { MAX_REMEMBERED_RUNS } from './run-card-expansion.ts';

/**
 * Why a retry was refused, as a person can act on it: `conflict` (already retried, here or in
 * another tab), `denied` (no access to the thread any more), `offline` (the browser is offline:
 * it can work again once online), or `failed` with the error's words (`again`: trying again
 * can help, as after a network error or a 503).
 */
export type RetryRefusal =
  { kind: 'conflict' } | { kind: 'denied' } | { kind: 'offline' } | { kind: 'failed'; error: ApiError | Error; again: boolean };

/** A run's retry as this tab asked for it: under way (asked, or accepted until the new attempt shows) or refused. */
export type RetryState = { status: 'retrying' } | { status: 'refused'; refusal: RetryRefusal };

interface RunRetriesState {
  /** runId → the retry this tab asked for. */
  retries: ReadonlyMap<string, RetryState>;
  set(runId: string, state: RetryState): void;
}

/**
 * Retries by failed run, outside the card: the virtualized list unmounts rows that scroll
 * away, and a card must come back still saying "Retrying…" or why it was refused.
 */
export const useRunRetries = create<RunRetriesState>()((set) => ({
  retries: new Map(),
  set: (runId, state) =>
    set(({ retries }) => {
      const next = new Map(retries);
      next.delete(runId);
      next.set(runId, state);
      while (next.size > MAX_REMEMBERED_RUNS) next.delete(next.keys().next().value!);
      return { retries: next };
    }),
}));

/** What a refused retry means for the person who pressed Retry. */
export function retryRefusal(error: unknown, online: boolean): RetryRefusal {
  if (!online) return { kind: 'offline' };
  if (!ApiError.is(error)) return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)), again: true };
  if (error.code === 'conflict') return { kind: 'conflict' };
  if (error.code === 'forbidden' || error.code === 'not_found' || error.code === 'unauthorized') return { kind: 'denied' };
  return { kind: 'failed', error, again: error.retryable };
}

/** Whether pressing Retry again can work after this refusal (`online`: the browser's view now). */
export const canRetryAgain = (refusal: RetryRefusal, online: boolean): boolean =>
  refusal.kind === 'offline' ? online : refusal.kind === 'failed' && refusal.again;

/**
 * Asks the server to retry a failed run ([ext] `POST …/runs/{run_id}/retry`), at most once at a
 * time per run: while one is under way a second press does nothing. Accepted, the card keeps
 * saying "Retrying…" until the new attempt replaces it; refused, it says why.
 */
export async function retryRun(request: (runId: string) => Promise<void>, runId: string, isOnline: () => boolean): Promise<void> {
  const { retries, set } = useRunRetries.getState();
  if (retries.get(runId)?.status === 'retrying') return;
  set(runId, { status: 'retrying' });
  try {
    await request(runId);
  } catch (error) {
    set(runId, { status: 'refused', refusal: retryRefusal(error, isOnline()) });
  }
}
