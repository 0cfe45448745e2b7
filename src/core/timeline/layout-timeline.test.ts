import { describe, expect, it } from 'vitest';
import { messageEntry, runOf } from '../testing/timeline-builders.ts';
import { buildTimeline } from './build-timeline.ts';
import { calendarDay, layoutTimeline } from './layout-timeline.ts';

const ME = 'user:me';
const items = (times: string[], senders: string[] = []) =>
  buildTimeline({
    entries: times.map((time, index) => messageEntry(index + 1, senders[index] ?? 'user:bob', `m${index + 1}`, time)),
    outbox: [],
    runs: [],
    selfSenderId: ME,
  }).items;
const kinds = (laid: ReturnType<typeof layoutTimeline>) =>
  laid.map((item) =>
    item.kind === 'day_break' ? `day:${item.day}:${item.daysAgo}` : item.kind === 'message' ? `m${item.message.seq}` : item.kind,
  );

describe('layoutTimeline', () => {
  it('breaks days in the time zone it is given', () => {
    const timeline = items(['2026-11-20T22:30:00Z', '2026-11-20T23:30:00Z']);
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(kinds(layoutTimeline(timeline, { now, timeZone: 'UTC', unreadAtOpen: null, selfSenderId: ME }))).toEqual([
      'day:2026-11-20:1',
      'm1',
      'm2',
    ]);
    // In Berlin (UTC+1) the second message is already on the 21st: today.
    expect(kinds(layoutTimeline(timeline, { now, timeZone: 'Europe/Berlin', unreadAtOpen: null, selfSenderId: ME }))).toEqual([
      'day:2026-11-20:1',
      'm1',
      'day:2026-11-21:0',
      'm2',
    ]);
  });

  it('marks the first message from others that was unread at open, and only that', () => {
    const timeline = items(
      ['2026-11-20T10:00:00Z', '2026-11-20T10:01:00Z', '2026-11-20T10:02:00Z', '2026-11-20T10:03:00Z'],
      ['user:bob', ME, ME, 'user:bob'],
    );
    const options = { now: Date.parse('2026-11-20T12:00:00Z'), timeZone: 'UTC', selfSenderId: ME };
    expect(kinds(layoutTimeline(timeline, { ...options, unreadAtOpen: { readSeq: 1, lastSeq: 4 } }))).toEqual([
      'day:2026-11-20:0',
      'm1',
      'm2',
      'm3',
      'unread_marker',
      'm4',
    ]);
    // Arrived after opening: being read as it comes.
    expect(kinds(layoutTimeline(timeline, { ...options, unreadAtOpen: { readSeq: 1, lastSeq: 3 } }))).not.toContain('unread_marker');
  });

  it('breaks each day once, also when a reply shown with the message it answers is of a later day than the next one', () => {
    // m1 before midnight, m2 just after it, then m3 (m1's reply, shown right after m1) the next day.
    const entries = [
      messageEntry(1, ME, 'm1', '2026-11-20T23:59:00Z'),
      messageEntry(2, ME, 'm2', '2026-11-20T23:59:30Z'),
      messageEntry(3, 'agent:a', 'm3', '2026-11-21T00:00:10Z'),
    ];
    const run = runOf([{ event_type: 'run_started' }, { event_type: 'reply_committed', message_id: 'm3' }], {
      run_id: 'r1',
      agent_id: 'agent:a',
      in_reply_to: 'm1',
    });
    const timeline = buildTimeline({ entries, outbox: [], runs: [run], selfSenderId: ME }).items;
    const laid = layoutTimeline(timeline, {
      now: Date.parse('2026-11-21T12:00:00Z'),
      timeZone: 'UTC',
      unreadAtOpen: null,
      selfSenderId: ME,
    });
    expect(kinds(laid)).toEqual(['day:2026-11-20:1', 'm1', 'run', 'day:2026-11-21:0', 'm3', 'm2']);
    expect(new Set(laid.map((item) => item.key)).size).toBe(laid.length);
  });

  it('is pure: the same inputs give equal output', () => {
    const timeline = items(['2026-11-20T10:00:00Z']);
    const options = { now: Date.parse('2026-11-22T12:00:00Z'), timeZone: 'America/New_York', unreadAtOpen: null, selfSenderId: ME };
    expect(layoutTimeline(timeline, options)).toEqual(layoutTimeline(timeline, options));
  });
});

describe('calendarDay', () => {
  it('formats a day as YYYY-MM-DD in a zone', () => {
    expect(calendarDay(Date.parse('2026-03-01T02:00:00Z'), 'America/Los_Angeles')).toBe('2026-02-28');
    expect(calendarDay(Date.parse('2026-03-01T02:00:00Z'), 'UTC')).toBe('2026-03-01');
  });
});
