import { describe, expect, it } from 'vitest';
import { messageEntry, logEntry, runOf } from '../core/testing/timeline-builders.ts';
import { buildTimeline } from '../core/timeline/build-timeline.ts';
import type { LogEntry } from '../core/sync/log-entry.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { buildRows } from './build-rows.ts';

const ME = 'user:me';
const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const message = (seq: number, senderId: string, minutes: number) => messageEntry(seq, senderId, `message ${seq}`, at(minutes));

function rows(entries: LogEntry[], runs: RunView[] = [], unreadAtOpen: { readSeq: number; lastSeq: number } | null = null, now = T0) {
  const { items } = buildTimeline({ entries, outbox: [], runs, selfSenderId: ME });
  return buildRows({ items, unreadAtOpen, selfSenderId: ME, now, timeZone: 'UTC' });
}

const kinds = (result: ReturnType<typeof buildRows>) =>
  result.map((row) => (row.kind === 'message' ? `${row.kind}:${row.message.seq}${row.grouped ? '+' : ''}` : row.kind));

describe('buildRows', () => {
  it('separates days, groups one sender within five minutes, and marks what was unread at open', () => {
    const entries = [
      message(1, 'user:bob', 0),
      message(2, 'user:bob', 3),
      message(3, 'user:bob', 9),
      message(4, ME, 10),
      message(5, 'user:bob', 24 * 60),
    ];
    const result = rows(entries, [], { readSeq: 2, lastSeq: 5 }, T0 + 24 * 3_600_000);
    expect(kinds(result)).toEqual([
      'day_break',
      'message:1',
      'message:2+',
      'unread_marker',
      'message:3',
      'message:4',
      'day_break',
      'message:5',
    ]);
    expect(result[0]).toMatchObject({ daysAgo: 1, day: '2026-11-20' });
  });

  it('does not show a live run card’s steps twice', () => {
    const run = runOf([{ event_type: 'run_started' }, { event_type: 'tool_call_started', tool_call_id: 'c1', tool_name: 'lookup' }], {
      run_id: 'r1',
      agent_id: 'agent:a',
      in_reply_to: 'm1',
    });
    const entries = [
      message(1, ME, 0),
      logEntry(
        2,
        'tool_call_started',
        { run_id: 'r1', tool_call_id: 'c1', tool_name: 'lookup' },
        { senderId: 'agent:a', createdAt: at(0) },
      ),
    ];
    expect(kinds(rows(entries, [run]))).toEqual(['day_break', 'message:1', 'run']);
    // Without a live card (a reload), the log's line shows.
    expect(kinds(rows(entries))).toEqual(['day_break', 'message:1', 'notice']);
  });
});
