import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageEntry, logEntry, runOf } from '../core/testing/timeline-builders.ts';
import { logRun } from '../core/runs/log-runs.ts';
import { buildTimeline } from '../core/timeline/build-timeline.ts';
import type { LogEntry } from '../core/sync/log-entry.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { buildRows } from './build-rows.ts';
import { splitLiveTail } from './live-tail.ts';

const ME = 'user:me';
const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const message = (seq: number, senderId: string, minutes: number) => messageEntry(seq, senderId, `message ${seq}`, at(minutes));

function rows(entries: LogEntry[], runs: RunView[] = [], unreadAtOpen: { readSeq: number; lastSeq: number } | null = null, now = T0) {
  // The inbox's runs: those only the log tells about too (see `InboxThreadSession`).
  const { items } = buildTimeline({ entries, outbox: [], runs, selfSenderId: ME, fromLog: logRun });
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
    // Without live frames (a reload), the log's steps make the same card, not a line of their own.
    expect(kinds(rows(entries))).toEqual(['day_break', 'message:1', 'run']);
  });
});

const AGENT = 'agent:a';
/** Messages, run cards and replies in the order the list shows them: `m<seq>`, `run:<id>[ behind]`, `streaming:<id>`. */
const order = (result: ReturnType<typeof buildRows>) =>
  result.flatMap((row) => {
    if (row.kind === 'message') return [`m${row.message.seq}`];
    if (row.kind === 'run') return [`run:${row.run.runId}${row.queuedBehind ? ` behind ${row.queuedBehind}` : ''}`];
    if (row.kind === 'streaming_reply') return [`streaming:${row.run.runId}`];
    return [];
  });

describe('buildRows: each run and its reply with the message it answers', () => {
  const approval = { approval_id: 'ap1', tool_name: 'send_email', expires_at: at(1) };
  const asked = (seq: number) => logEntry(seq, 'approval_pending', { ...approval, run_id: 'r1' }, { senderId: AGENT, createdAt: at(0) });
  const first = (frames: ({ event_type: string } & Record<string, unknown>)[] = []) =>
    runOf([{ event_type: 'queued' }, { event_type: 'run_started' }, { event_type: 'approval_pending', ...approval }, ...frames], {
      run_id: 'r1',
      agent_id: AGENT,
      in_reply_to: 'm1',
    });
  const second = (frames: ({ event_type: string } & Record<string, unknown>)[] = []) =>
    runOf([{ event_type: 'queued' }, ...frames], { run_id: 'r2', agent_id: AGENT, in_reply_to: 'm3' });

  it('a message sent while a run awaits an approval: its run says it waits behind the approval', () => {
    const entries = [message(1, ME, 0), asked(2), message(3, ME, 0)];
    expect(order(rows(entries, [first(), second()]))).toEqual(['m1', 'run:r1', 'm3', 'run:r2 behind approval']);
  });

  it('after the decision, the first reply streams and commits under its own message and run, not below the later message', () => {
    const resolved = { event_type: 'approval_resolved', ...approval, decision: 'approve' };
    const streaming = first([resolved, { event_type: 'text_delta', content: 'Sent' }]);
    const entries = [message(1, ME, 0), asked(2), message(3, ME, 0)];
    expect(order(rows(entries, [streaming, second()]))).toEqual(['m1', 'run:r1', 'streaming:r1', 'm3', 'run:r2 behind run']);

    const committed = first([resolved, { event_type: 'text_delta', content: 'Sent' }, { event_type: 'reply_committed', message_id: 'm4' }]);
    const withReply = [...entries, message(4, AGENT, 1)];
    const result = rows(withReply, [committed, second()]);
    expect(order(result)).toEqual(['m1', 'run:r1', 'm4', 'm3', 'run:r2']);
    // The committed reply takes the streaming reply's key: the row is updated in place.
    expect(result.find((row) => row.kind === 'message' && row.message.seq === 4)?.key).toBe('reply|r1');

    const answering = second([{ event_type: 'run_started' }, { event_type: 'text_delta', content: 'The invoice' }]);
    expect(order(rows(withReply, [committed, answering]))).toEqual(['m1', 'run:r1', 'm4', 'm3', 'run:r2', 'streaming:r2']);
    const both = [...withReply, message(5, AGENT, 2)];
    const answered = second([{ event_type: 'run_started' }, { event_type: 'reply_committed', message_id: 'm5' }]);
    expect(order(rows(both, [committed, answered]))).toEqual(['m1', 'run:r1', 'm4', 'm3', 'run:r2', 'm5']);
  });

  it('a reply the log holds before its run names it is shown once, under the run that asked first', () => {
    const resolved = { event_type: 'approval_resolved', ...approval, decision: 'approve' };
    const streaming = first([resolved, { event_type: 'text_delta', content: 'Sent' }]);
    const entries = [message(1, ME, 0), asked(2), message(3, ME, 0), message(4, AGENT, 1)];
    expect(order(rows(entries, [streaming, second()]))).toEqual(['m1', 'run:r1', 'm4', 'm3', 'run:r2']);
  });

  it('with no later message, a streaming reply stays the live tail, after any event of the log', () => {
    const streaming = runOf([{ event_type: 'run_started' }, { event_type: 'text_delta', content: 'Hel' }], {
      run_id: 'r1',
      agent_id: AGENT,
      in_reply_to: 'm1',
    });
    const joined = logEntry(2, 'participant_joined', { sender_id: 'user:bob', name: 'Bob' }, { senderId: 'user:bob', createdAt: at(0) });
    const result = rows([message(1, ME, 0), joined], [streaming]);
    expect(splitLiveTail(result).tail.map((row) => row.kind)).toEqual(['streaming_reply']);
  });

  it('without the runs (a reload), the log’s order stands', () => {
    const entries = [message(1, ME, 0), message(2, ME, 0), message(3, AGENT, 1), message(4, AGENT, 2)];
    expect(order(rows(entries))).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('for any order in which replies are committed: every message shows once, each reply right below its message’s run', () => {
    // Each of up to six messages from me may start a run; a run's reply is committed after
    // the message at `slot` (at or after its own), and may still be streaming instead.
    const trigger = fc.record({ run: fc.boolean(), delay: fc.nat(5), streaming: fc.boolean() });
    fc.assert(
      fc.property(fc.array(trigger, { minLength: 1, maxLength: 6 }), (triggers) => {
        const entries: LogEntry[] = [];
        const runs: RunView[] = [];
        const replyAfter = new Map<number, number[]>();
        triggers.forEach((t, index) => {
          if (!t.run || t.streaming) return;
          const slot = Math.min(index + t.delay, triggers.length - 1);
          replyAfter.set(slot, [...(replyAfter.get(slot) ?? []), index]);
        });
        const triggerSeq = new Map<number, number>();
        const replySeq = new Map<number, number>();
        triggers.forEach((_, index) => {
          triggerSeq.set(index, entries.length + 1);
          entries.push(message(entries.length + 1, ME, 0));
          for (const answered of replyAfter.get(index) ?? []) {
            replySeq.set(answered, entries.length + 1);
            entries.push(message(entries.length + 1, AGENT, 0));
          }
        });
        triggers.forEach((t, index) => {
          if (!t.run) return;
          const reply = replySeq.get(index);
          const frames: ({ event_type: string } & Record<string, unknown>)[] = [{ event_type: 'run_started' }];
          if (reply !== undefined) frames.push({ event_type: 'reply_committed', message_id: `m${reply}` });
          else frames.push({ event_type: 'text_delta', content: `reply ${index}` });
          runs.push(runOf(frames, { run_id: `r${index}`, agent_id: AGENT, in_reply_to: `m${triggerSeq.get(index)}` }));
        });
        const result = order(rows(entries, runs));
        const shown = result.filter((item) => item.startsWith('m'));
        expect([...shown].sort()).toEqual(entries.map((entry) => `m${entry.seq}`).sort());
        triggers.forEach((t, index) => {
          if (!t.run) return;
          const at = result.indexOf(`m${triggerSeq.get(index)}`);
          expect(result[at + 1]).toBe(`run:r${index}`);
          const reply = replySeq.get(index);
          expect(result[at + 2]).toBe(reply !== undefined ? `m${reply}` : `streaming:r${index}`);
        });
      }),
    );
  });
});
