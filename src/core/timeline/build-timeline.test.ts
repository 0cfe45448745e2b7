import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../sync/outbox.ts';
import { logEntry, messageEntry, runOf } from '../testing/timeline-builders.ts';
import { buildTimeline, settleRuns } from './build-timeline.ts';
import type { TimelineItem } from './timeline-item.ts';

const ME = 'user:me';
const AGENT = 'agent:a';
const RUN = { run_id: 'r1', agent_id: AGENT, in_reply_to: 'm1' };

const pending = (clientMessageId: string, content = 'hi'): OutboxItem => ({
  clientMessageId,
  threadId: 't',
  content,
  mentions: [],
  baseSeq: 0,
  latestSeenSeq: 0,
  createdAt: 1,
  attempts: 0,
  nextAttemptAt: 0,
  status: 'sending',
  committed: null,
  error: null,
});

const kinds = (items: readonly { kind: string; key: string }[]) => items.map((item) => `${item.kind}:${item.key}`);

describe('buildTimeline', () => {
  it('hands a pending message over to its committed copy under one key, never showing both', () => {
    const before = buildTimeline({ entries: [], outbox: [pending('c1')], runs: [], selfSenderId: ME });
    expect(kinds(before.items)).toEqual([`pending_message:${ME}|c1`]);
    const committed = messageEntry(1, ME, 'hi', undefined, { client_message_id: 'c1' });
    const after = buildTimeline({ entries: [committed], outbox: [pending('c1')], runs: [], selfSenderId: ME });
    expect(kinds(after.items)).toEqual([`message:${ME}|c1`]);
  });

  it('streams a reply under the key its committed message takes, after the run’s card', () => {
    const streaming = runOf(
      [{ event_type: 'run_started' }, { event_type: 'text_delta', content: 'Hel' }, { event_type: 'text_delta', content: 'lo' }],
      RUN,
    );
    const live = buildTimeline({ entries: [messageEntry(1, ME)], outbox: [], runs: [streaming], selfSenderId: ME });
    expect(kinds(live.items)).toEqual(['message:message|m1', 'run:run|r1', 'streaming_reply:reply|r1']);
    expect(live.items.at(-1)).toMatchObject({ text: 'Hello', senderId: AGENT });

    const committedRun = runOf([{ event_type: 'reply_committed', message_id: 'm2', thread_seq: 2 }], RUN);
    const waiting = buildTimeline({
      entries: [messageEntry(1, ME)],
      outbox: [],
      runs: [{ ...streaming, ...committedRun, text: 'Hello' }],
      selfSenderId: ME,
    });
    expect(waiting.items.at(-1)?.key).toBe('reply|r1');

    const done = buildTimeline({
      entries: [messageEntry(1, ME), messageEntry(2, AGENT, 'Hello')],
      outbox: [],
      runs: [{ ...streaming, ...committedRun }],
      selfSenderId: ME,
    });
    expect(kinds(done.items)).toEqual(['message:message|m1', 'run:run|r1', 'message:reply|r1']);
    expect(done.items.at(-1)).toMatchObject({ runId: 'r1' });
  });

  it('finishes a run whose reply is in the log though `run_finished` never came', () => {
    const lost = runOf([{ event_type: 'run_started' }, { event_type: 'text_delta', content: 'Hi' }], RUN);
    const entries = [messageEntry(1, ME), messageEntry(2, AGENT, 'Hi there')];
    const { items, runs } = buildTimeline({ entries, outbox: [], runs: [lost], selfSenderId: ME });
    expect(runs[0]).toMatchObject({ finished: true, status: 'committed', replyMessageId: 'm2' });
    expect(items.some((item) => item.kind === 'streaming_reply')).toBe(false);
    // Its `reply_committed` came, `run_finished` did not.
    const committed = runOf([{ event_type: 'run_started' }, { event_type: 'reply_committed', message_id: 'm2' }], RUN);
    expect(settleRuns([committed], entries)[0]).toMatchObject({ finished: true, status: 'committed' });
    // Without the reply in the log, it is still going.
    expect(settleRuns([lost], [messageEntry(1, ME)])[0]).toMatchObject({ finished: false, status: 'streaming' });
  });

  it('does not take another run’s reply as this run’s answer', () => {
    const first = runOf([{ event_type: 'run_started' }, { event_type: 'reply_committed', message_id: 'm3' }], RUN);
    const second = runOf([{ event_type: 'run_started' }], { ...RUN, run_id: 'r2', in_reply_to: 'm2' });
    const entries = [messageEntry(1, ME), messageEntry(2, ME), messageEntry(3, AGENT)];
    expect(settleRuns([first, second], entries)[1]).toMatchObject({ finished: false, status: 'running' });
  });

  it('shows an approval with its deadline and how it ended, from the log or the live run', () => {
    const approval = { approval_id: 'ap1', run_id: 'old', tool_name: 'refund', expires_at: '2026-01-01T00:01:00Z' };
    const asked = logEntry(2, 'approval_pending', approval, { senderId: AGENT });
    const open = buildTimeline({ entries: [messageEntry(1, ME), asked], outbox: [], runs: [], selfSenderId: ME });
    expect(open.items.at(-1)).toMatchObject({
      kind: 'approval',
      requestedBy: AGENT,
      inRunCard: false,
      approval: { id: 'ap1', toolName: 'refund', status: 'pending', expiresAt: '2026-01-01T00:01:00Z' },
    });
    const rejected = logEntry(3, 'approval_resolved', { ...approval, decision: 'reject', decided_by: ME }, { senderId: ME });
    const settled = buildTimeline({ entries: [messageEntry(1, ME), asked, rejected], outbox: [], runs: [], selfSenderId: ME });
    expect(settled.items[1]).toMatchObject({ kind: 'approval', approval: { status: 'rejected', decidedBy: ME } });
    expect(settled.items[2]).toMatchObject({ kind: 'notice', entry: { type: 'approval_resolved' } });
    const expired = buildTimeline({ entries: [asked, logEntry(3, 'approval_expired', approval)], outbox: [], runs: [], selfSenderId: ME });
    expect(expired.items[0]).toMatchObject({ approval: { status: 'expired' } });
    // The live run knows the outcome before the log does.
    const live = runOf([{ event_type: 'approval_resolved', ...approval, decision: 'approve' }], { ...RUN, run_id: 'old' });
    const fromRun = buildTimeline({ entries: [asked], outbox: [], runs: [live], selfSenderId: ME });
    // Its message is not among the entries: the run's card shows at its first step.
    expect(fromRun.items[0]).toMatchObject({ kind: 'run', key: 'run|old' });
    expect(fromRun.items[1]).toMatchObject({ kind: 'approval', inRunCard: true, approval: { status: 'approved' } });
  });

  it('types escalations and notices, and marks the steps a live run card already shows', () => {
    const run = runOf([{ event_type: 'run_started' }], RUN);
    const entries = [
      messageEntry(1, ME),
      logEntry(2, 'tool_call_started', { run_id: 'r1', tool_name: 'lookup' }, { senderId: AGENT }),
      logEntry(3, 'escalation_created', { run_id: 'r1', to: 'human', reason: 'asked' }, { senderId: AGENT }),
      logEntry(4, 'participant_joined', { sender_id: 'user:bob', name: 'Bob' }, { senderId: 'user:bob' }),
    ];
    const { items } = buildTimeline({ entries, outbox: [], runs: [run], selfSenderId: ME });
    expect(items.map((item) => [item.kind, 'inRunCard' in item ? item.inRunCard : null])).toEqual([
      ['message', null],
      ['run', null],
      ['notice', true],
      ['escalation', true],
      ['notice', false],
    ]);
    expect(items[3]).toMatchObject({ to: 'human', reason: 'asked', senderId: AGENT });
  });

  it('puts runs with no message to follow after the rest, and drops finished ones', () => {
    const orphan = runOf([{ event_type: 'run_started' }], { ...RUN, in_reply_to: 'gone' });
    const finished = runOf([{ event_type: 'reply_committed', message_id: 'x' }, { event_type: 'run_finished' }], {
      ...RUN,
      run_id: 'r2',
      in_reply_to: 'gone',
    });
    const { items } = buildTimeline({
      entries: [messageEntry(1, ME)],
      outbox: [pending('c9')],
      runs: [orphan, finished],
      selfSenderId: ME,
    });
    expect(kinds(items)).toEqual(['message:message|m1', `pending_message:${ME}|c9`, 'run:run|r1']);
  });

  it('shows a retry in the failed attempt’s place and key, with the failed attempts inside it (issue 23 item 4)', () => {
    const failure = { event_type: 'intake_failed', error: { code: 'upstream_error', message: 'no', retryable: true } };
    const first = runOf([{ event_type: 'run_started' }, failure], RUN);
    const second = runOf([{ event_type: 'run_started' }, failure], { ...RUN, run_id: 'r2' });
    const third = runOf([{ event_type: 'run_started' }], { ...RUN, run_id: 'r3' });
    // Another agent answering the same message is no attempt of this one.
    const other = runOf([{ event_type: 'run_started' }], { ...RUN, run_id: 'o1', agent_id: 'agent:b' });
    const entries = [messageEntry(1, ME), messageEntry(2, ME)];

    const failedOnce = buildTimeline({ entries, outbox: [], runs: [first], selfSenderId: ME });
    expect(kinds(failedOnce.items)).toEqual(['message:message|m1', 'run:run|r1', 'message:message|m2']);

    const retried = buildTimeline({ entries, outbox: [], runs: [first, other, second, third], selfSenderId: ME });
    expect(kinds(retried.items)).toEqual(['message:message|m1', 'run:run|o1', 'run:run|r1', 'message:message|m2']);
    const card = retried.items[2] as Extract<TimelineItem, { kind: 'run' }>;
    expect(card.run.runId).toBe('r3');
    expect(card.earlier.map((run) => run.runId)).toEqual(['r1', 'r2']);
    expect(retried.items[1]).toMatchObject({ earlier: [] });
  });
});
