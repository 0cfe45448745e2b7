import type { ApprovalView, RunStatus, RunView } from '../core/sync/run-state.ts';

/** What a run card says for each status. */
const RUN_STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  queued: 'Queued',
  deciding: 'Deciding…',
  running: 'Working…',
  streaming: 'Writing…',
  committed: 'Replied',
  failed: 'Failed',
};

/** A run the agent finished without committing a reply (it escalated, or chose not to answer). */
const NO_REPLY_LABEL = 'Finished without a reply';

/** Tool arguments and results are previews: enough to recognize, never a wall of JSON. */
export const PREVIEW_MAX_CHARS = 160;

/** Countdowns switch from seconds to minutes above this, so a long window reads "in 9 min". */
const COUNTDOWN_SECONDS_LIMIT = 120;

/** True once the run will not change status again. */
export function isSettled(run: RunView): boolean {
  return run.status === 'committed' || run.status === 'failed' || run.finished;
}

/** The words for where the run is. */
export function runStatusLabel(run: RunView): string {
  if (run.finished && run.status !== 'committed' && run.status !== 'failed') return NO_REPLY_LABEL;
  return RUN_STATUS_LABELS[run.status];
}

/** True while something on the card changes with the clock: elapsed time or a countdown. */
export function runNeedsClock(run: RunView): boolean {
  return !isSettled(run) || run.approvals.some((approval) => approval.status === 'pending');
}

/** Milliseconds as seconds with one decimal: "1.2 s". */
function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** When the run began, as this client saw it. */
function runStart(run: RunView): number | null {
  return run.timings.queuedAt ?? run.timings.startedAt;
}

/** Time to first token, total, or elapsed so far, in words; empty when nothing is known. */
export function runTimings(run: RunView, now: number): string[] {
  const start = runStart(run);
  if (start === null) return [];
  const parts: string[] = [];
  if (run.timings.firstTokenAt !== null) parts.push(`First words after ${formatSeconds(run.timings.firstTokenAt - start)}`);
  const end = run.timings.finishedAt ?? run.timings.committedAt;
  if (end !== null) parts.push(`Total ${formatSeconds(end - start)}`);
  // A clock paused before the run began (the caller's `useNow` inactive) shows no elapsed time.
  else if (!isSettled(run) && now >= start) parts.push(`Elapsed ${Math.floor((now - start) / 1000)} s`);
  return parts;
}

/** "expires in 42 s", "expires in 3 min", "expired"; null when the server gave no valid deadline. */
export function approvalCountdown(approval: ApprovalView, now: number): string | null {
  if (!approval.expiresAt) return null;
  const deadline = Date.parse(approval.expiresAt);
  if (Number.isNaN(deadline)) return null;
  const seconds = Math.ceil((deadline - now) / 1000);
  if (seconds <= 0) return 'expired';
  if (seconds <= COUNTDOWN_SECONDS_LIMIT) return `expires in ${seconds} s`;
  return `expires in ${Math.ceil(seconds / 60)} min`;
}

/**
 * A tool's arguments or result as one line of text: strings as they are, anything else as
 * JSON, cut at {@link PREVIEW_MAX_CHARS}. The result is only ever rendered as text.
 */
export function formatPreview(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Cycles or BigInt: not JSON, but still worth a glance.
      text = String(value);
    }
  }
  return text.length > PREVIEW_MAX_CHARS ? `${text.slice(0, PREVIEW_MAX_CHARS - 1)}…` : text;
}

/** An error thrown by a decision request, in words a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'Something went wrong. Try again.';
}
