import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/sync/log-entry.ts';
import type { RunView } from '../../src/core/sync/run-state.ts';
import { applyRuntime, logEntry, messageEntry } from '../../src/core/testing/timeline-builders.ts';
import { buildTimeline } from '../../src/core/timeline/build-timeline.ts';
import { buildVisitorRows } from './visitor-rows.ts';

const SELF = 'visitor:me';
const AGENT = 'agent:bot';

const message = (seq: number, senderId: string, content: string): LogEntry => messageEntry(seq, senderId, content);
const event = (seq: number, type: string, data: Record<string, unknown>, senderId = AGENT): LogEntry =>
  logEntry(seq, type, data, { senderId });
const step = (current: RunView | undefined, type: string, data: Record<string, unknown> = {}) =>
  applyRuntime(current, { event_type: type, run_id: 'r1', agent_id: AGENT, in_reply_to: 'm1', ...data });
const run = (steps: [string, Record<string, unknown>?][]): RunView =>
  steps.reduce<RunView | undefined>((current, [type, data]) => step(current, type, data), undefined)!;

interface Input {
  items: LogEntry[];
  runs: RunView[];
  typing: string[];
  hiddenThroughSeq: number;
}

/** The visitor's rows for this log and these runs, through the shared timeline as the panel gets them. */
function rows(patch: Partial<Input>) {
  const timeline = buildTimeline({ entries: patch.items ?? [], outbox: [], runs: patch.runs ?? [], selfSenderId: SELF });
  return buildVisitorRows({
    items: timeline.items,
    runs: timeline.runs,
    typing: patch.typing ?? [],
    selfSenderId: SELF,
    hiddenThroughSeq: patch.hiddenThroughSeq ?? 0,
  });
}

describe('buildVisitorRows', () => {
  it('puts the visitor’s messages on their side and names others once per run of messages', () => {
    const result = rows({ items: [message(1, SELF, 'hi'), message(2, AGENT, 'hello'), message(3, AGENT, 'how can I help?')] });
    expect(result.map((row) => row.kind === 'message' && [row.own, row.showSender])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it('streams a reply under the key its committed message later takes', () => {
    const streaming = run([['run_started'], ['text_delta', { content: 'Hel' }], ['text_delta', { content: 'lo' }]]);
    const before = rows({ items: [message(1, SELF, 'hi')], runs: [streaming] });
    const live = before.find((row) => row.kind === 'streaming');
    expect(live).toMatchObject({ key: 'reply|r1', text: 'Hello' });
    expect(before.some((row) => row.kind === 'activity')).toBe(false);

    const committed = step(streaming, 'reply_committed', { message_id: 'm2', thread_seq: 2 });
    const waiting = rows({ items: [message(1, SELF, 'hi')], runs: [committed] });
    expect(waiting.find((row) => row.kind === 'streaming')?.key).toBe('reply|r1');

    const after = rows({ items: [message(1, SELF, 'hi'), message(2, AGENT, 'Hello')], runs: [committed] });
    expect(after.filter((row) => row.kind === 'streaming')).toHaveLength(0);
    expect(after.at(-1)).toMatchObject({ kind: 'message', key: 'reply|r1', content: 'Hello' });
  });

  it('says what the agent is doing: thinking, looking something up, waiting for approval', () => {
    const thinking = rows({ items: [message(1, SELF, 'hi')], runs: [run([['queued'], ['run_started']])] });
    expect(thinking.at(-1)).toMatchObject({ kind: 'activity', activity: { type: 'thinking' } });
    const looking = rows({
      items: [message(1, SELF, 'hi')],
      runs: [run([['run_started'], ['tool_call_started', { tool_call_id: 'c', tool_name: 'lookup' }]])],
    });
    expect(looking.at(-1)).toMatchObject({ activity: { type: 'looking_up', tool: 'lookup' } });
    const approval = run([['run_started'], ['approval_pending', { approval_id: 'a1', tool_name: 'issue_refund' }]]);
    expect(rows({ items: [message(1, SELF, 'hi')], runs: [approval] }).at(-1)).toMatchObject({
      activity: { type: 'waiting_approval', tool: 'issue_refund' },
    });
    // Once the log holds the approval, its note says it, not the activity line.
    const logged = rows({
      items: [message(1, SELF, 'hi'), event(2, 'approval_pending', { approval_id: 'a1', tool_name: 'issue_refund', run_id: 'r1' })],
      runs: [approval],
    });
    expect(logged.filter((row) => row.kind === 'activity')).toHaveLength(0);
    expect(logged.at(-1)).toMatchObject({ kind: 'note', note: { type: 'approval', status: 'pending', tool: 'issue_refund' } });
  });

  it('drops a stale "thinking" once a reply to the run’s message is in the log', () => {
    const lost = run([['run_started'], ['text_delta', { content: 'Hi' }]]);
    const result = rows({ items: [message(1, SELF, 'hi'), message(2, AGENT, 'Hi there')], runs: [lost] });
    expect(result.map((row) => row.kind)).toEqual(['message', 'message']);
  });

  it('tells approvals’ outcomes, escalations, people joining and failed replies; hides the machinery', () => {
    const result = rows({
      items: [
        event(1, 'participant_joined', { sender_id: SELF, name: 'Ada' }, SELF),
        event(2, 'participant_joined', { sender_id: AGENT, name: 'Bot' }),
        event(3, 'tool_call_started', { run_id: 'r0', tool_name: 'lookup' }),
        event(4, 'approval_pending', { approval_id: 'a1', tool_name: 'refund', run_id: 'r0' }),
        event(5, 'approval_resolved', { approval_id: 'a1', decision: 'reject', run_id: 'r0' }),
        event(6, 'escalation_created', { to: 'support', reason: 'x', run_id: 'r0' }),
        event(7, 'participant_joined', { sender_id: 'user:alice', name: 'Alice' }, 'user:alice'),
        event(8, 'run_failed', { run_id: 'r0', error: { code: 'upstream_error' } }),
        event(9, 'mode_changed', { participation_mode: 'open' }),
      ],
    });
    expect(result.map((row) => row.kind === 'note' && row.note)).toEqual([
      { type: 'approval', tool: 'refund', status: 'rejected' },
      { type: 'escalated' },
      { type: 'joined', senderId: 'user:alice' },
      { type: 'reply_failed' },
    ]);
  });

  it('says a live run failed when the log has not said so', () => {
    const failed = run([['run_started'], ['intake_failed', { error: { code: 'upstream_error', message: 'x' } }]]);
    expect(rows({ items: [message(1, SELF, 'hi')], runs: [failed] }).at(-1)).toMatchObject({
      kind: 'note',
      note: { type: 'reply_failed' },
    });
  });

  it('shows a team member typing', () => {
    expect(rows({ typing: ['user:alice'] }).at(-1)).toMatchObject({ activity: { type: 'typing', senderId: 'user:alice' } });
  });

  it('hides what came before a "new conversation" on the same thread', () => {
    const result = rows({
      items: [message(1, SELF, 'old'), event(2, 'escalation_created', {}), message(3, SELF, 'new')],
      hiddenThroughSeq: 2,
    });
    expect(result.map((row) => row.kind === 'message' && row.content)).toEqual(['new']);
  });
});
