import type { Row } from './build-rows.ts';

/** The log position a row shows, if any. */
export function rowSeq(row: Row): number | null {
  if (row.kind === 'message') return row.message.seq;
  return row.kind === 'notice' || row.kind === 'approval' || row.kind === 'escalation' ? row.seq : null;
}

/**
 * Where the row of a search result's message is: its index; `'wait'` while the rows do not
 * reach it yet (the window around it is on its way); null when the thread has nothing at or
 * after it. A seq with no row of its own (an event folded into a run card) gives the next row.
 */
export function findHitRow(rows: readonly Row[], seq: number, window: { hasOlder: boolean; hasNewer: boolean }): number | 'wait' | null {
  let first: number | null = null;
  let last: number | null = null;
  let index: number | null = null;
  rows.forEach((row, at) => {
    const rowSeqValue = rowSeq(row);
    if (rowSeqValue === null) return;
    first ??= rowSeqValue;
    last = rowSeqValue;
    if (index === null && rowSeqValue >= seq) index = at;
  });
  if ((window.hasOlder && (first ?? Infinity) > seq) || (window.hasNewer && (last ?? -Infinity) < seq)) return 'wait';
  return index;
}
