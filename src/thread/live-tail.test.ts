import { describe, expect, it } from 'vitest';
import { messageEntry, runOf } from '../core/testing/timeline-builders.ts';
import { buildTimeline } from '../core/timeline/build-timeline.ts';
import type { LogEntry } from '../core/sync/log-entry.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { buildRows } from './build-rows.ts';
import { splitLiveTail } from './live-tail.ts';

const ME = 'user:me';
const AGENT = 'agent:a';
const T0 = Date.parse('2026-11-20T10:00:00Z');
const created = new Date(T0).toISOString();

const rowsOf = (entries: LogEntry[], runs: RunView[]) =>
  buildRows({
    items: buildTimeline({ entries, outbox: [], runs, selfSenderId: ME }).items,
    unreadAtOpen: null,
    selfSenderId: ME,
    now: T0,
    timeZone: 'UTC',
  });
const kinds = (rows: { kind: string }[]) => rows.map((row) => row.kind);
const streaming = (runId: string, trigger: string, text: string) =>
  runOf([{ event_type: 'queued' }, { event_type: 'text_delta', content: text }], { run_id: runId, agent_id: AGENT, in_reply_to: trigger });

describe('splitLiveTail', () => {
  it('takes the streaming reply out of the list, and nothing when nothing streams', () => {
    const rows = rowsOf([messageEntry(1, ME, 'hi', created)], [streaming('r1', 'm1', 'Hello there')]);
    const { rows: list, tail } = splitLiveTail(rows);
    expect(kinds(list)).toEqual(['day_break', 'message', 'run']);
    expect(kinds(tail)).toEqual(['streaming_reply']);

    const quiet = rowsOf([messageEntry(1, ME, 'hi', created)], []);
    expect(splitLiveTail(quiet)).toEqual({ rows: quiet, tail: [] });
  });

  it('hands over to the committed reply under the tail’s key, even before the run names its message', () => {
    const run = streaming('r1', 'm1', 'Hello there');
    const tailKey = splitLiveTail(rowsOf([messageEntry(1, ME, 'hi', created)], [run])).tail[0]!.key;
    // The reply's message is in the log; reply_committed has not come yet.
    const between = splitLiveTail(rowsOf([messageEntry(1, ME, 'hi', created), messageEntry(2, AGENT, 'Hello there', created)], [run]));
    expect(between.tail).toEqual([]);
    expect(kinds(between.rows)).toEqual(['day_break', 'message', 'run', 'message']);
    expect(between.rows.at(-1)!.key).toBe(tailKey);
    expect(new Set(between.rows.map((row) => row.key)).size).toBe(between.rows.length);
  });

  it('does not take an earlier reply for the one streaming now', () => {
    const first = runOf(
      [
        { event_type: 'queued' },
        { event_type: 'text_delta', content: 'Same answer' },
        { event_type: 'reply_committed', message_id: 'm2', thread_seq: 2 },
        { event_type: 'run_finished' },
      ],
      {
        run_id: 'r1',
        agent_id: AGENT,
        in_reply_to: 'm1',
      },
    );
    const entries = [messageEntry(1, ME, 'q', created), messageEntry(2, AGENT, 'Same answer', created), messageEntry(3, ME, 'q', created)];
    const rows = rowsOf(entries, [first, streaming('r2', 'm3', 'Same answer')]);
    const { rows: list, tail } = splitLiveTail(rows);
    expect(kinds(tail)).toEqual(['streaming_reply']);
    expect(list.map((row) => row.key)).toEqual(rows.slice(0, -1).map((row) => row.key));
  });
});
