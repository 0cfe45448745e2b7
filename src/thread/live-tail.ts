import type { Row } from './build-rows.ts';

/**
 * Rows that are still growing and render below the virtualized list rather than in it:
 * today the agent reply that is still streaming. The one place that says what streams.
 */
export const isLiveTail = (row: Row): boolean => row.kind === 'streaming_reply';

/**
 * Splits the rows into the virtualized list and its live tail: the trailing rows that are
 * still growing. (A streaming row elsewhere, if the timeline ever put one there, stays in
 * the list, where it is measured like any row.) The hand-over needs nothing here: the
 * timeline gives the committed reply the streaming reply's key (`replyKey`) as soon as the
 * log holds it, even before the run event that names it, so React keeps the same element.
 */
export function splitLiveTail(rows: Row[]): { rows: Row[]; tail: Row[] } {
  let start = rows.length;
  while (start > 0 && isLiveTail(rows[start - 1]!)) start--;
  if (start === rows.length) return { rows, tail: [] };
  return { rows: rows.slice(0, start), tail: rows.slice(start) };
}
