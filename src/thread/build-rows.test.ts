import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../core/engine/thread-snapshot.ts';
import type { MessageEntry } from '../core/sync/log-entry.ts';
import { reduceRun } from '../core/sync/run-state.ts';
import { buildRows } from './build-rows.ts';

const ME = 'user:me';
const T0 = Date.parse('2026-11-20T10:00:00Z');

function message(seq: number, senderId: string, minutes: number, id = `m${seq}`): TimelineItem {
  const entry: MessageEntry = {
    kind: 'message',
    key: id,
    type: 'message_committed',
    id,
    threadId: 't',
    seq,
    senderId,
    role: senderId.startsWith('agent:') ? 'agent' : 'user',
    content: `message ${seq}`,
    clientMessageId: null,
    mentions: [],
    createdAt: new Date(T0 + minutes * 60_000).toISOString(),
  };
  return { kind: 'message', key: `message|${id}`, message: entry };
}

const kinds = (rows: ReturnType<typeof buildRows>) => rows.map((row) => (row.kind === 'message' ? `${row.kind}:${row.message.seq}${row.grouped ? '+' : ''}` : row.kind));

describe('buildRows', () => {
  it('separates days, groups one sender within five minutes, and marks what was unread at open', () => {
    const items = [message(1, 'user:bob', 0), message(2, 'user:bob', 3), message(3, 'user:bob', 9), message(4, ME, 10), message(5, 'user:bob', 24 * 60)];
    const rows = buildRows({ items, runs: [], unreadAtOpen: { readSeq: 2, lastSeq: 5 }, selfSenderId: ME, now: T0 + 24 * 3_600_000 });
    expect(kinds(rows)).toEqual(['day', 'message:1', 'message:2+', 'unread', 'message:3', 'message:4', 'day', 'message:5']);
    expect(rows[0]).toMatchObject({ label: 'Yesterday' });
  });

  it('puts no divider before messages that arrived while the thread was open', () => {
    const rows = buildRows({ items: [message(1, 'user:bob', 0), message(2, 'user:bob', 1)], runs: [], unreadAtOpen: { readSeq: 1, lastSeq: 1 }, selfSenderId: ME, now: T0 });
    expect(kinds(rows)).not.toContain('unread');
  });

  it('streams a reply under the key its committed message will take', () => {
    let run = reduceRun(undefined, 't', 'r1', 'queued', { in_reply_to: 'm1', agent_id: 'agent:a' }, T0);
    run = reduceRun(run, 't', 'r1', 'text_delta', { content: 'Hello' }, T0);
    const streaming = buildRows({ items: [message(1, ME, 0)], runs: [run], unreadAtOpen: null, selfSenderId: ME, now: T0 });
    expect(kinds(streaming)).toEqual(['day', 'message:1', 'run', 'streaming']);
    const streamingKey = streaming.at(-1)!.key;

    run = reduceRun(run, 't', 'r1', 'reply_committed', { message_id: 'reply', thread_seq: 2 }, T0);
    const committed = buildRows({ items: [message(1, ME, 0), message(2, 'agent:a', 0, 'reply')], runs: [run], unreadAtOpen: null, selfSenderId: ME, now: T0 });
    expect(kinds(committed)).toEqual(['day', 'message:1', 'run', 'message:2']);
    expect(committed.at(-1)!.key).toBe(streamingKey);
  });

  it('offers an approval that the log says is still pending, and not one that was settled', () => {
    const event = (seq: number, type: string, data: Record<string, unknown>): TimelineItem => ({
      kind: 'event',
      key: `event|e${seq}`,
      entry: { kind: 'event', seq, key: `e${seq}`, type, senderId: 'agent:a', content: null, createdAt: new Date(T0).toISOString(), data },
    });
    const pending = event(2, 'approval_pending', { approval_id: 'ap1', tool_name: 'send_email', expires_at: new Date(T0 + 60_000).toISOString(), run_id: 'old' });
    const open = buildRows({ items: [message(1, ME, 0), pending], runs: [], unreadAtOpen: null, selfSenderId: ME, now: T0 });
    expect(open.at(-1)).toMatchObject({ kind: 'approval', approval: { id: 'ap1', toolName: 'send_email', status: 'pending' } });
    const settled = buildRows({ items: [message(1, ME, 0), pending, event(3, 'approval_resolved', { approval_id: 'ap1', decision: 'approve' })], runs: [], unreadAtOpen: null, selfSenderId: ME, now: T0 });
    expect(kinds(settled)).toEqual(['day', 'message:1', 'event', 'event']);
  });
});
