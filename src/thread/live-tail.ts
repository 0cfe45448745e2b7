import type { Row } from './build-rows.ts';

/**
 * Rows that are still growing and render below the virtualized list rather than in it:
 * today the agent reply that is still streaming. The one place that says what streams, so
 * a new row model only has to change this predicate.
 */
export const isLiveTail = (row: Row): boolean => row.kind === 'streaming';

/**
 * Splits the rows into the virtualized list and its live tail: the trailing rows that are
 * still growing. (A streaming row elsewhere, if a row model ever put one there, stays in
 * the list, where it is measured like any row.)
 *
 * The server sends a reply's message a moment before the run event that says it is the
 * reply. In between, a committed message after the run's card, from the streaming agent,
 * with exactly the streamed text is already the hand-over: it takes the tail row's key (so
 * its element and its place) and the tail goes, rather than the reply showing twice.
 */
export function splitLiveTail(rows: Row[]): { rows: Row[]; tail: Row[] } {
  let start = rows.length;
  while (start > 0 && isLiveTail(rows[start - 1]!)) start--;
  if (start === rows.length) return { rows, tail: [] };
  const list = rows.slice(0, start);
  const tail: Row[] = [];
  for (const row of rows.slice(start)) {
    const index = row.kind === 'streaming' ? committedCopyOf(list, row) : -1;
    if (index >= 0) list[index] = { ...list[index]!, key: row.key };
    else tail.push(row);
  }
  return { rows: list, tail };
}

/** Rows from the end searched for a streaming reply's run card (its committed copy follows the card). */
const HANDOVER_SEARCH_ROWS = 20;

/** The index of the unlinked committed copy of a streaming reply: after its run's card, from its agent, with its text. */
function committedCopyOf(list: Row[], streaming: Extract<Row, { kind: 'streaming' }>): number {
  const { runId, agentId, text } = streaming.run;
  let copy = -1;
  for (let index = list.length - 1; index >= Math.max(0, list.length - HANDOVER_SEARCH_ROWS); index--) {
    const row = list[index]!;
    if (row.kind === 'run' && row.run.runId === runId) return copy;
    if (copy < 0 && row.kind === 'message' && row.message.senderId === agentId && row.message.content === text) copy = index;
  }
  return -1;
}
