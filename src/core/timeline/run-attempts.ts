import type { RunView } from '../sync/run-state.ts';

/** How a thread's runs read as attempts: which failed runs a later attempt replaced. */
export interface RunAttempts {
  /** The failed attempts before each run that replaced them, oldest first (only runs that have some). */
  earlier: ReadonlyMap<string, readonly RunView[]>;
  /** Failed runs a later attempt replaced: they show inside its card, not as cards of their own. */
  replaced: ReadonlySet<string>;
}

/**
 * Which run is a retry of which, from what the wire already tells: a retry answers the same
 * message (`in_reply_to`) with the same agent, and one message starts at most one run per
 * agent, so every later run for that pair is a new attempt. A failed run followed by a later
 * attempt is replaced by it; a run that did not fail is never hidden.
 */
export function runAttempts(runs: readonly RunView[]): RunAttempts {
  const earlier = new Map<string, readonly RunView[]>();
  const replaced = new Set<string>();
  const failedBefore = new Map<string, RunView[]>();
  for (const run of runs) {
    if (!run.inReplyTo || !run.agentId) continue;
    const pair = `${run.inReplyTo}|${run.agentId}`;
    const failed = failedBefore.get(pair) ?? [];
    if (failed.length > 0) {
      earlier.set(run.runId, failed);
      for (const attempt of failed) replaced.add(attempt.runId);
    }
    failedBefore.set(pair, run.status === 'failed' ? [...failed, run] : []);
  }
  return { earlier, replaced };
}
