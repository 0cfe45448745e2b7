import { describe, expect, it } from 'vitest';
import { messageEntry } from '../core/testing/timeline-builders.ts';
import { readTimeline } from '../core/timeline/build-timeline.ts';
import { buildRows } from './build-rows.ts';
import { findHitRow } from './search-hit.ts';

const NOW = Date.parse('2026-04-09T10:00:00.000Z');

/** The rows of a thread holding messages at these seqs: a day break first (a row with no seq). */
const rowsAt = (seqs: number[]) =>
  buildRows({
    items: readTimeline({
      entries: seqs.map((seq) => messageEntry(seq, 'user:other', `message ${seq}`, new Date(NOW - 60_000).toISOString())),
      outbox: [],
      runs: [],
      selfSenderId: 'user:me',
    }).items,
    now: NOW,
    unreadAtOpen: null,
    selfSenderId: 'user:me',
  });

describe('findHitRow', () => {
  it('finds the row of the seq, and the next row for a seq that has none', () => {
    const rows = rowsAt([10, 11, 13, 14]);
    expect(findHitRow(rows, 11, { hasOlder: true, hasNewer: true })).toBe(2);
    expect(findHitRow(rows, 12, { hasOlder: true, hasNewer: true })).toBe(3);
  });

  it('waits while the rows start after it or end before it and there is more that way', () => {
    const rows = rowsAt([100, 101, 102]);
    expect(findHitRow(rows, 50, { hasOlder: true, hasNewer: false })).toBe('wait');
    expect(findHitRow(rows, 500, { hasOlder: false, hasNewer: true })).toBe('wait');
    expect(findHitRow([], 5, { hasOlder: true, hasNewer: false })).toBe('wait');
  });

  it('gives up on a seq past the end of a thread that has nothing newer', () => {
    expect(findHitRow(rowsAt([1, 2, 3]), 9, { hasOlder: false, hasNewer: false })).toBeNull();
  });
});
