import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../core/engine/thread-snapshot.ts';
import type { MessageEntry } from '../core/sync/log-entry.ts';
import { reduceRun, type RunView } from '../core/sync/run-state.ts';
import { buildRows } from './build-rows.ts';
import { splitLiveTail } from './live-tail.ts';

const ME = 'user:me';
const AGENT = 'agent:a';
const T0 = Date.parse('2026-11-20T10:00:00Z');

function message(seq: number, senderId: string, content: string): TimelineItem {
  const id = `m${seq}`;
  const entry: MessageEntry = {
    kind: 'message',
    key: id,
    type: 'message_committed',
    id,
    threadId: 't',
    seq,
    senderId,
    role: senderId.startsWith('agent:') ? 'agent' : 'user',
    content,
    clientMessageId: null,
    mentions: [],
    createdAt: new Date(T0).toISOString(),
  };
  return { kind: 'message', key: `message|${id}`, message: entry };
}

function streamingRun(runId: string, trigger: string, text: string): RunView {
  const run = reduceRun(undefined, 't', runId, 'queued', { in_reply_to: trigger, agent_id: AGENT }, T0);
  return reduceRun(run, 't', runId, 'text_delta', { content: text }, T0);
}

const rowsOf = (items: TimelineItem[], runs: RunView[]) => buildRows({ items, runs, unreadAtOpen: null, selfSenderId: ME, now: T0 });
const kinds = (rows: { kind: string; key: string }[]) => rows.map((row) => row.kind);

describe('splitLiveTail', () => {
  it('takes the streaming reply out of the list, and nothing when nothing streams', () => {
    const run = streamingRun('r1', 'm1', 'Hello there');
    const rows = rowsOf([message(1, ME, 'hi')], [run]);
    const { rows: list, tail } = splitLiveTail(rows);
    expect(kinds(list)).toEqual(['day', 'message', 'run']);
    expect(kinds(tail)).toEqual(['streaming']);

    const quiet = rowsOf([message(1, ME, 'hi')], []);
    expect(splitLiveTail(quiet)).toEqual({ rows: quiet, tail: [] });
  });

  it('hands over to the committed message that came before the run named it, under the tail’s key', () => {
    const run = streamingRun('r1', 'm1', 'Hello there');
    const tailKey = splitLiveTail(rowsOf([message(1, ME, 'hi')], [run])).tail[0]!.key;
    // The reply's message is in the log; reply_committed has not come yet.
    const between = splitLiveTail(rowsOf([message(1, ME, 'hi'), message(2, AGENT, 'Hello there')], [run]));
    expect(between.tail).toEqual([]);
    expect(kinds(between.rows)).toEqual(['day', 'message', 'run', 'message']);
    expect(between.rows.at(-1)!.key).toBe(tailKey);
    expect(new Set(between.rows.map((row) => row.key)).size).toBe(between.rows.length);
  });

  it('does not take an earlier reply with the same words for the one streaming now', () => {
    let first = streamingRun('r1', 'm1', 'Same answer');
    first = reduceRun(first, 't', 'r1', 'reply_committed', { message_id: 'm2', thread_seq: 2 }, T0);
    first = reduceRun(first, 't', 'r1', 'run_finished', {}, T0);
    const second = streamingRun('r2', 'm3', 'Same answer');
    const rows = rowsOf([message(1, ME, 'q'), message(2, AGENT, 'Same answer'), message(3, ME, 'q')], [first, second]);
    const { rows: list, tail } = splitLiveTail(rows);
    expect(kinds(tail)).toEqual(['streaming']);
    expect(list.map((row) => row.key)).toEqual(rows.slice(0, -1).map((row) => row.key));
  });

  it('keeps a reply whose committed text differs (a transient stream) in the tail until the run names its message', () => {
    const run = streamingRun('r1', 'm1', 'A long streamed text');
    const { tail } = splitLiveTail(rowsOf([message(1, ME, 'hi'), message(2, AGENT, 'Streamed 20 characters.')], [run]));
    expect(kinds(tail)).toEqual(['streaming']);
  });
});
