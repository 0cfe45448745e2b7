import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuntimeData, type RuntimeStep } from '../protocol/runtime-steps.ts';
import type { LogEntry } from '../sync/log-entry.ts';
import type { RunView } from '../sync/run-state.ts';
import { logEntry, messageEntry } from '../testing/timeline-builders.ts';
import { readTimeline } from '../timeline/build-timeline.ts';
import { logRun } from './log-runs.ts';
import { emptyRun } from './run-reducer.ts';
import { runsFromLog, ThreadRuns } from './thread-runs.ts';

const THREAD = 't';
const ME = 'user:me';
const AGENT = 'agent:a';
const NOW = 1_000;
const ERROR = { code: 'upstream_error', message: 'The model is away.', retryable: true };

type Frame = { event_type: string } & Record<string, unknown>;

interface Plan {
  /** The durable log, one maker per seq: a replay makes new entry objects, as a reload does. */
  log: (() => LogEntry)[];
  /** Each run's live frames, in the order the server sent them. */
  frames: Frame[];
  /** The message id each run's reply gets, or null when the run fails. */
  replies: Record<string, string | null>;
}

/**
 * Run r1 answers m1 with a tool call, an approval and an escalation, and either replies
 * (m7) or fails; with `second`, run r2 of the same agent answers m8 with m9.
 */
function plan(fails: boolean, second: boolean): Plan {
  const r1 = { run_id: 'r1', agent_id: AGENT, in_reply_to: 'm1' };
  const r2 = { run_id: 'r2', agent_id: AGENT, in_reply_to: 'm8' };
  const tool = { run_id: 'r1', tool_call_id: 'c1', tool_name: 'lookup' };
  const approval = { run_id: 'r1', approval_id: 'a1', tool_name: 'refund' };
  const log: (() => LogEntry)[] = [
    () => messageEntry(1, ME, 'question one'),
    () => logEntry(2, 'tool_call_started', tool, { senderId: AGENT }),
    () => logEntry(3, 'tool_call_completed', { ...tool, ok: true, result_preview: 'found' }, { senderId: AGENT }),
    () => logEntry(4, 'approval_pending', { ...approval, expires_at: '2026-01-01T00:01:00Z' }, { senderId: AGENT }),
    () => logEntry(5, 'approval_resolved', { ...approval, decision: 'approve', decided_by: ME }, { senderId: ME }),
    () => logEntry(6, 'escalation_created', { run_id: 'r1', to: 'human', reason: 'asked' }, { senderId: AGENT }),
    fails
      ? () => logEntry(7, 'run_failed', { run_id: 'r1', error: ERROR }, { senderId: AGENT })
      : () => messageEntry(7, AGENT, 'answer one'),
  ];
  const frames: Frame[] = [
    { event_type: 'queued', ...r1 },
    { event_type: 'run_started', ...r1 },
    { event_type: 'tool_call_started', ...r1, tool_call_id: 'c1', tool_name: 'lookup' },
    { event_type: 'tool_call_completed', ...r1, tool_call_id: 'c1', tool_name: 'lookup', ok: true, result_preview: 'found' },
    { event_type: 'approval_pending', ...r1, approval_id: 'a1', tool_name: 'refund' },
    { event_type: 'text_delta', ...r1, content: 'answer ' },
    { event_type: 'text_delta', ...r1, content: 'one' },
    ...(fails
      ? [{ event_type: 'run_failed', ...r1, error: ERROR }]
      : [
          { event_type: 'reply_committed', ...r1, message_id: 'm7', thread_seq: 7 },
          { event_type: 'run_finished', ...r1 },
        ]),
  ];
  if (second) {
    log.push(
      () => messageEntry(8, ME, 'question two'),
      () => messageEntry(9, AGENT, 'answer two'),
    );
    frames.push(
      { event_type: 'run_started', ...r2 },
      { event_type: 'text_delta', ...r2, content: 'answer two' },
      { event_type: 'reply_committed', ...r2, message_id: 'm9', thread_seq: 9 },
      { event_type: 'run_finished', ...r2 },
    );
  }
  return { log, frames, replies: { r1: fails ? null : 'm7', ...(second ? { r2: 'm9' } : {}) } };
}

function stepOf(frame: Frame): RuntimeStep {
  const parsed = parseRuntimeData(frame);
  if (!parsed.ok) throw new Error(`${frame.event_type}: ${parsed.reason}`);
  return parsed.value;
}

/** What the log alone decides about a run; the text, decisions and timings only live frames tell. */
function durable(run: RunView) {
  const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  return {
    runId: run.runId,
    agentId: run.agentId,
    inReplyTo: run.inReplyTo,
    status: run.status,
    finished: run.finished,
    error: run.error,
    replyMessageId: run.replyMessageId,
    replySeq: run.replySeq,
    toolCalls: byId(run.toolCalls),
    approvals: byId(run.approvals),
    escalations: run.escalations,
  };
}

type Op = { op: 'frame' } | { op: 'duplicate'; pick: number } | { op: 'swap' } | { op: 'lose' } | { op: 'log' } | { op: 'reconnect' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ op: 'frame' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ op: 'swap' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'lose' as const }) },
  { weight: 4, arbitrary: fc.constant({ op: 'log' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
);

describe('ThreadRuns: one reducer for live frames and the log (property)', () => {
  it('settles each run as the log alone does, whatever came live, and never shows an answer twice', () => {
    fc.assert(
      // `withLog`: the inbox's runs, which include those only the log tells about (see `log-runs.ts`).
      fc.property(
        fc.array(op, { maxLength: 50 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (ops, fails, second, loseRest, withLog) => {
          const { log, frames, replies } = plan(fails, second);
          const fromLog = withLog ? logRun : null;
          const runs = new ThreadRuns(THREAD, fromLog);
          const queue = [...frames];
          const delivered: Frame[] = [];
          let entries: LogEntry[] = [];
          const deliver = (frame: Frame) => {
            delivered.push(frame);
            runs.applyFrame(stepOf(frame), NOW, entries);
          };
          const setLog = (next: LogEntry[]) => {
            entries = next;
            runs.applyLog(entries);
          };
          const check = () => {
            const { items } = readTimeline({ entries, outbox: [], runs: runs.all, selfSenderId: ME });
            const keys = items.map((item) => item.key);
            // A streaming reply and its committed message share a key: both shown would repeat it.
            expect(new Set(keys).size).toBe(keys.length);
            for (const [runId, reply] of Object.entries(replies)) {
              if (reply && entries.some((entry) => entry.kind === 'message' && entry.id === reply))
                expect(items.filter((item) => item.kind === 'streaming_reply' && item.run.runId === runId)).toEqual([]);
            }
          };
          for (const action of ops) {
            if (action.op === 'frame' && queue.length > 0) deliver(queue.shift()!);
            else if (action.op === 'duplicate' && delivered.length > 0) deliver(delivered[action.pick % delivered.length]!);
            else if (action.op === 'swap' && queue.length > 1) queue.splice(0, 2, queue[1]!, queue[0]!);
            // Lost in a reconnect: a run's first frame is kept, so that the run is known at all.
            else if (action.op === 'lose' && queue.length > 0 && delivered.some((frame) => frame.run_id === queue[0]!.run_id))
              queue.shift();
            else if (action.op === 'log' && entries.length < log.length) setLog([...entries, log[entries.length]!()]);
            else if (action.op === 'reconnect') {
              // The log reloads: empty, then the server's log again, in new objects.
              const held = entries.length;
              setLog([]);
              setLog(log.slice(0, held).map((make) => make()));
            }
            check();
          }
          // The rest of the live frames come (a run not known yet is told by its first) or are lost.
          for (const frame of queue) if (!loseRest || !delivered.some((seen) => seen.run_id === frame.run_id)) deliver(frame);
          setLog(log.map((make) => make()));
          check();

          const known = [...new Set(delivered.map((frame) => frame.run_id as string))];
          const seeds = known.map((runId) => {
            const first = delivered.find((frame) => frame.run_id === runId)!;
            return { ...emptyRun(THREAD, runId).steps, agentId: first.agent_id as string, inReplyTo: first.in_reply_to as string };
          });
          const settled = new Map(runsFromLog(seeds, entries, fromLog).map((run) => [run.view.runId, durable(run.view)]));
          const reduced = new Map(runs.all.map((run) => [run.view.runId, durable(run.view)]));
          expect(reduced).toEqual(settled);
          for (const runId of known) expect(reduced.get(runId)).toMatchObject({ finished: true, replyMessageId: replies[runId] ?? null });
          const { items } = readTimeline({ entries, outbox: [], runs: runs.all, selfSenderId: ME });
          expect(items.some((item) => item.kind === 'streaming_reply')).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
