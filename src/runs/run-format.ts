import type { ApprovalView, RunView } from '../core/sync/run-state.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { formatCount, formatCountdown, formatSecondsNumber } from '../i18n/format.ts';

/** Tool arguments and results are previews: enough to recognize, never a wall of JSON. */
export const PREVIEW_MAX_CHARS = 160;

/** True once the run will not change status again. */
export function isSettled(run: RunView): boolean {
  return run.status === 'committed' || run.status === 'failed' || run.finished;
}

/** True while a run is blocked on a person: an approval of it is pending (it writes nothing meanwhile). */
export function awaitsApproval(run: RunView): boolean {
  return run.status !== 'failed' && run.approvals.some((approval) => approval.status === 'pending');
}

/** Seconds left at or under which an approval's countdown is urgent (shown bold, in warning colour). */
export const APPROVAL_URGENT_SECONDS = 15;

/**
 * The words for where the run is: waiting for an approval whatever it did before; a run
 * finished without a reply (it escalated, or chose not to answer) says so.
 */
export function runStatusLabel(run: RunView, t: InboxStrings): string {
  if (awaitsApproval(run)) return t.runs.waitingApproval;
  if (run.finished && run.status !== 'committed' && run.status !== 'failed') return t.runs.noReply;
  return t.runs.status[run.status];
}

/** True while something on the card changes with the clock: elapsed time or a countdown. */
export function runNeedsClock(run: RunView): boolean {
  return !isSettled(run) || run.approvals.some((approval) => approval.status === 'pending');
}

/** Milliseconds as seconds with one decimal: "1.2 s" ("1,2 s" in German). */
function formatSeconds(ms: number, t: InboxStrings): string {
  return t.runs.seconds(formatSecondsNumber(t.locale, ms));
}

/** One timing of a run, in words: which one it is, so a summary can pick the total or elapsed time. */
export interface RunTiming {
  kind: 'firstWords' | 'total' | 'elapsed';
  text: string;
}

/** When the run began, as this client saw it. */
function runStart(run: RunView): number | null {
  return run.timings.queuedAt ?? run.timings.startedAt;
}

/** Time to first token, total, or elapsed so far, in words; empty when nothing is known. */
export function runTimings(run: RunView, now: number, t: InboxStrings): RunTiming[] {
  const start = runStart(run);
  if (start === null) return [];
  const parts: RunTiming[] = [];
  if (run.timings.firstTokenAt !== null)
    parts.push({ kind: 'firstWords', text: t.runs.firstWords(formatSeconds(run.timings.firstTokenAt - start, t)) });
  const end = run.timings.finishedAt ?? run.timings.committedAt;
  if (end !== null) parts.push({ kind: 'total', text: t.runs.total(formatSeconds(end - start, t)) });
  // A clock paused before the run began (the caller's `useNow` inactive) shows no elapsed time.
  else if (!isSettled(run) && now >= start)
    parts.push({ kind: 'elapsed', text: t.runs.elapsed(t.runs.seconds(formatCount(t.locale, Math.floor((now - start) / 1000)))) });
  return parts;
}

/**
 * "expires in 42 seconds", "expires in 3 minutes" (`Intl.RelativeTimeFormat`), or "expired"
 * (`expired` set); null when the server gave no valid deadline.
 */
export function approvalCountdown(
  approval: ApprovalView,
  now: number,
  t: InboxStrings,
): { text: string; expired: boolean; urgent: boolean } | null {
  if (!approval.expiresAt) return null;
  const deadline = Date.parse(approval.expiresAt);
  if (Number.isNaN(deadline)) return null;
  const seconds = Math.ceil((deadline - now) / 1000);
  const relative = formatCountdown(t.locale, seconds);
  return relative === null
    ? { text: t.runs.expired, expired: true, urgent: true }
    : { text: t.runs.expiresIn(relative), expired: false, urgent: seconds <= APPROVAL_URGENT_SECONDS };
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

/**
 * What an approval would do, for a person to judge: a flat object as "to: a@b.c · subject:
 * Report" (field names made readable), anything else as {@link formatPreview}.
 */
export function plainPreview(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return formatPreview(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([, field]) => field !== null && typeof field === 'object')) return formatPreview(value);
  return formatPreview(entries.map(([key, field]) => `${key.replace(/_/g, ' ')}: ${String(field)}`).join(' · '));
}
