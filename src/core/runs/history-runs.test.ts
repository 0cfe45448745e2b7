import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuntimeData } from '../protocol/runtime-steps.ts';
import type { LogEntry } from '../sync/log-entry.ts';
import type { RunView } from '../sync/run-state.ts';
import { logEntry, messageEntry } from '../testing/timeline-builders.ts';
import { buildTimeline, readTimeline } from '../timeline/build-timeline.ts';
import type { TimelineItem } from '../timeline/timeline-item.ts';
import { logRun } from './log-runs.ts';
import { ThreadRuns } from './thread-runs.ts';

/**
 * A run's card after a reload (or opened for the first time after the run) is built from the
 * log alone; it must read as the card the live frames built (issue 23: a failed run from
 * history had no card and no Retry).
 */

const THREAD = 't';
const ME = 'user:me';
const AGENT = 'agent:a';
const NOW = 1_000;
const EXPIRES = '2026-01-01T00:01:00Z';
const RETRYABLE = { code: 'upstream_error', message: 'The model is away.', retryable: true };
const TAKEN_OVER = { code: 'taken_over', message: 'Alice took the conversation over.', retryable: false };

type Frame = { event_type: string } & Record<string, unknown>;

/** One attempt at answering a message: what it did, and how it ended. */
interface Attempt {
  tool: boolean;
  approval: 'none' | 'approved' | 'expired';
  end: 'reply' | 'failed' | 'taken_over';
}

/** What the server sends for a thread: its durable log and each run's live frames, in order. */
interface Scenario {
  log: LogEntry[];
  frames: Frame[];
  /** The runs with a durable trace (a step or a failure in the log): only those can a log rebuild. */
  traced: Set<string>;
}

/**
 * The thread the server writes for these turns: each a person's message, then its attempts
 * in turn (every attempt but the last failed, retryable: each later one is a retry).
 */
function scenario(turns: readonly (readonly Attempt[])[]): Scenario {
  const log: LogEntry[] = [];
  const frames: Frame[] = [];
  const traced = new Set<string>();
  const seq = () => log.length + 1;
  turns.forEach((attempts, turn) => {
    const question = `m${seq()}`;
    log.push(messageEntry(seq(), ME, `question ${turn}`));
    attempts.forEach((attempt, index) => {
      const runId = `r${turn}-${index}`;
      const ids = { run_id: runId, agent_id: AGENT, in_reply_to: question };
      const step = (type: string, data: Record<string, unknown>, senderId = AGENT) => {
        traced.add(runId);
        frames.push({ event_type: type, ...ids, ...data });
        log.push(logEntry(seq(), type, { run_id: runId, ...data }, { senderId }));
      };
      frames.push(
        { event_type: 'queued', ...ids },
        { event_type: 'run_started', ...ids },
        { event_type: 'text_delta', ...ids, content: 'On it. ' },
      );
      if (attempt.tool) {
        const call = { tool_call_id: `c-${runId}`, tool_name: 'lookup', preview: { query: 'orders' } };
        step('tool_call_started', call);
        step('tool_call_completed', { ...call, ok: true, result_preview: '3 matching records' });
      }
      if (attempt.approval !== 'none') {
        const approval = { approval_id: `a-${runId}`, tool_name: 'send_email', preview: { to: 'team@example.com' }, expires_at: EXPIRES };
        step('approval_pending', approval);
        if (attempt.approval === 'approved') step('approval_resolved', { ...approval, decision: 'approve', decided_by: ME }, ME);
        else step('approval_expired', approval, 'system');
      }
      const end = index < attempts.length - 1 ? 'failed' : attempt.end;
      if (end === 'reply') {
        const reply = messageEntry(seq(), AGENT, `answer ${turn}`);
        log.push(reply);
        frames.push(
          { event_type: 'text_delta', ...ids, content: `answer ${turn}` },
          { event_type: 'reply_committed', ...ids, message_id: reply.kind === 'message' ? reply.id : '', thread_seq: reply.seq },
          { event_type: 'run_finished', ...ids },
        );
      } else {
        const error = end === 'failed' ? RETRYABLE : TAKEN_OVER;
        traced.add(runId);
        frames.push({ event_type: 'intake_failed', ...ids, error });
        log.push(logEntry(seq(), 'run_failed', { run_id: runId, message_id: question, error }, { senderId: AGENT }));
      }
    });
  });
  return { log, frames, traced };
}

/** What a run card shows that the log can tell (the plan, streamed text and timings only live frames tell). */
function card(run: RunView) {
  return {
    runId: run.runId,
    agentId: run.agentId,
    inReplyTo: run.inReplyTo,
    status: run.status,
    finished: run.finished,
    error: run.error,
    replyMessageId: run.replyMessageId,
    replySeq: run.replySeq,
    toolCalls: run.toolCalls,
    approvals: run.approvals,
    escalations: run.escalations,
  };
}

/** One row that shows a run or a step of one. */
type RunRow = { key: string; run: ReturnType<typeof card>; earlier: ReturnType<typeof card>[] } | { key: string; inRunCard: boolean };

/** The thread's rows that show runs or their steps, in order, as a person would read them. */
function runRows(items: readonly TimelineItem[], traced: ReadonlySet<string>): RunRow[] {
  return items.flatMap((item): RunRow[] => {
    if (item.kind === 'run')
      return traced.has(item.run.runId) ? [{ key: item.key, run: card(item.run), earlier: item.earlier.map(card) }] : [];
    if (item.kind === 'notice' || item.kind === 'approval' || item.kind === 'escalation')
      return [{ key: item.key, inRunCard: item.inRunCard }];
    return [];
  });
}

const attempt: fc.Arbitrary<Attempt> = fc.record({
  tool: fc.boolean(),
  approval: fc.constantFrom('none' as const, 'approved' as const, 'expired' as const),
  end: fc.constantFrom('reply' as const, 'failed' as const, 'taken_over' as const),
});

/**
 * A thread's turns. A retry that succeeded with a bare reply leaves nothing in the log that
 * ties it to the run it retried, so a retried turn's last attempt leaves a trace here.
 */
const turns = fc.array(
  fc
    .array(attempt, { minLength: 1, maxLength: 3 })
    .map((attempts) =>
      attempts.length > 1 && attempts.at(-1)!.end === 'reply' ? [...attempts.slice(0, -1), { ...attempts.at(-1)!, tool: true }] : attempts,
    ),
  { minLength: 1, maxLength: 4 },
);

function runtimeStep(frame: Frame) {
  const parsed = parseRuntimeData(frame);
  if (!parsed.ok) throw new Error(`${frame.event_type}: ${parsed.reason}`);
  return parsed.value;
}

/** What a tab that saw it all live shows: the frames and the log's entries, in this interleaving. */
function liveRuns({ log, frames }: Scenario, order: readonly boolean[]): ThreadRuns {
  const runs = new ThreadRuns(THREAD, logRun);
  let entries: LogEntry[] = [];
  let frame = 0;
  for (const fromLog of [...order, ...Array<boolean>(log.length + frames.length).fill(true)]) {
    if ((fromLog || frame >= frames.length) && entries.length < log.length) {
      entries = log.slice(0, entries.length + 1);
      runs.applyLog(entries);
    } else if (frame < frames.length) runs.applyFrame(runtimeStep(frames[frame++]!), NOW, entries);
  }
  for (; frame < frames.length; frame++) runs.applyFrame(runtimeStep(frames[frame]!), NOW, entries);
  return runs;
}

describe('runs from history (property)', () => {
  it('the run cards built from the log equal those built live, for any turns and any interleaving', () => {
    fc.assert(
      fc.property(turns, fc.array(fc.boolean(), { maxLength: 80 }), (thread, order) => {
        const world = scenario(thread);
        const live = liveRuns(world, order);
        // A reload: the log alone, all at once, then (the same tab, another page) one entry at a time.
        const reloaded = new ThreadRuns(THREAD, logRun);
        reloaded.applyLog(world.log);
        const opened = new ThreadRuns(THREAD, logRun);
        for (let held = 1; held <= world.log.length; held++) opened.applyLog(world.log.slice(0, held));

        const read = (runs: ThreadRuns) =>
          runRows(readTimeline({ entries: world.log, outbox: [], runs: runs.all, selfSenderId: ME }).items, world.traced);
        const expected = read(live);
        expect(read(reloaded)).toEqual(expected);
        expect(read(opened)).toEqual(expected);
        // The from-scratch twin agrees.
        expect(
          runRows(buildTimeline({ entries: world.log, outbox: [], runs: [], selfSenderId: ME, fromLog: logRun }).items, world.traced),
        ).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('runs from history (examples)', () => {
  const historyCards = (attempts: readonly Attempt[]) => {
    const { log } = scenario([attempts]);
    return buildTimeline({ entries: log, outbox: [], runs: [], selfSenderId: ME, fromLog: logRun }).items.filter(
      (item): item is Extract<TimelineItem, { kind: 'run' }> => item.kind === 'run',
    );
  };

  it('a failed run from the log is a failed card with its error, right after the message it answered', () => {
    const { log } = scenario([[{ tool: false, approval: 'none', end: 'failed' }]]);
    const { items } = buildTimeline({ entries: log, outbox: [], runs: [], selfSenderId: ME, fromLog: logRun });
    expect(items.map((item) => item.kind)).toEqual(['message', 'run', 'notice']);
    expect(items[1]).toMatchObject({
      key: 'run|r0-0',
      run: { agentId: AGENT, inReplyTo: 'm1', status: 'failed', finished: true, error: RETRYABLE },
      earlier: [],
    });
    expect(items[2]).toMatchObject({ kind: 'notice', inRunCard: true });
  });

  it('retried attempts fold into the last one’s card; taken over, expired and completed runs read as they ended', () => {
    const retried = historyCards([
      { tool: false, approval: 'none', end: 'failed' },
      { tool: false, approval: 'none', end: 'failed' },
      { tool: true, approval: 'none', end: 'taken_over' },
    ]);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ key: 'run|r0-0', run: { runId: 'r0-2', status: 'failed', error: TAKEN_OVER } });
    expect(retried[0]!.earlier.map((run) => [run.runId, run.error])).toEqual([
      ['r0-0', RETRYABLE],
      ['r0-1', RETRYABLE],
    ]);

    const [expired] = historyCards([{ tool: false, approval: 'expired', end: 'reply' }]);
    expect(expired!.run).toMatchObject({ status: 'committed', finished: true, replySeq: 4, approvals: [{ status: 'expired' }] });

    const [completed] = historyCards([{ tool: true, approval: 'none', end: 'reply' }]);
    expect(completed!.run).toMatchObject({ status: 'committed', replyMessageId: 'm4', toolCalls: [{ status: 'done', ok: true }] });
  });

  it('a run whose message is older than the entries held shows at its first step, not at the end', () => {
    const { log } = scenario([[{ tool: true, approval: 'none', end: 'failed' }], [{ tool: false, approval: 'none', end: 'reply' }]]);
    const window = log.slice(1);
    const { items } = buildTimeline({ entries: window, outbox: [], runs: [], selfSenderId: ME, fromLog: logRun });
    expect(items.map((item) => item.kind)).toEqual(['run', 'notice', 'notice', 'notice', 'message', 'message']);
    expect(items[0]).toMatchObject({ run: { runId: 'r0-0', inReplyTo: 'm1', status: 'failed' } });
  });
});
