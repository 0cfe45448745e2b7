import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../engine/sync-engine.ts';
import {
  FIXTURE_IDS,
  FIXTURE_SENDERS,
  agentPlatformEvents,
  agentPlatformFrame,
  fixtureMessage,
  runtimeEvents,
  threadRuntimeFrame,
} from '../protocol/fixtures.ts';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { entryFromEvent } from '../sync/log-entry.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import type { RunView } from '../sync/run-state.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import { applyRuntime } from '../testing/timeline-builders.ts';
import { buildTimeline } from '../timeline/build-timeline.ts';

const ME = FIXTURE_SENDERS.alice;
const NOW = Date.parse('2026-04-09T10:00:00.000Z');

function setup(threadId: string) {
  const source = new FakeThreadSource(threadId);
  const connection = new FakeConnection();
  const environment = new FakeEnvironment();
  // One clock for every schedule: run timings are part of the timeline.
  environment.now = () => NOW;
  const engine = new SyncEngine({ connection, source, outboxStore: new MemoryOutboxStore(), environment, selfSenderId: ME });
  return { source, connection, environment, engine };
}

async function settled(ctx: ReturnType<typeof setup>) {
  await ctx.source.settle();
  ctx.engine.flush();
}

describe('ThreadSession: the two runtime vocabularies', () => {
  it('drive the same run card and the same timeline', async () => {
    const thread = FIXTURE_IDS.thread;
    const question: InboundEvent = {
      event_id: 'e1',
      thread_id: thread,
      thread_seq: 1,
      event_type: 'message_committed',
      sender_id: ME,
      content: fixtureMessage.content,
      created_at: fixtureMessage.created_at,
      data: { message_id: fixtureMessage.id, role: 'user' },
    };
    const reply: InboundEvent = {
      ...question,
      event_id: 'e2',
      thread_seq: 2,
      sender_id: FIXTURE_SENDERS.agent,
      content: 'Let me check that.',
      data: { message_id: FIXTURE_IDS.reply, role: 'agent' },
    };
    const contract = [
      runtimeEvents.run_started,
      runtimeEvents.typing,
      runtimeEvents.text_delta,
      runtimeEvents.tool_call_started,
      runtimeEvents.tool_call_completed,
      runtimeEvents.escalation_created,
      { ...runtimeEvents.reply_committed, thread_seq: 2 },
      runtimeEvents.run_finished,
    ].map((data) => threadRuntimeFrame(data));
    const platform = [
      agentPlatformEvents.conversation_started,
      agentPlatformEvents.typing_started,
      agentPlatformEvents.text_delta,
      agentPlatformEvents.tool_call_started,
      agentPlatformEvents.tool_call_completed,
      agentPlatformEvents.escalation_created,
      agentPlatformEvents.stream_end,
      agentPlatformEvents.message_completed,
      agentPlatformEvents.conversation_completed,
    ].map((data) => agentPlatformFrame(data));

    const timelines = [];
    for (const frames of [contract, platform]) {
      const ctx = setup(thread);
      ctx.source.reset([question]);
      await ctx.engine.start();
      ctx.connection.open();
      const opening = ctx.engine.openThread(thread);
      await settled(ctx);
      await opening;
      // Streaming, before the escalation and the end of the run.
      const midway = frames.findIndex((frame) => frame.data.event_type === 'escalation_created');
      for (const frame of frames.slice(0, midway)) ctx.connection.deliver(frame);
      ctx.engine.flush();
      const streaming = ctx.engine.getThreadSnapshot(thread);
      for (const frame of frames.slice(midway)) ctx.connection.deliver(frame);
      ctx.source.reset([question, reply]);
      ctx.connection.deliver({ type: 'thread_event', thread_id: thread, data: reply });
      await settled(ctx);
      timelines.push({
        streaming: streaming.items,
        done: ctx.engine.getThreadSnapshot(thread).items,
        runs: ctx.engine.getThreadSnapshot(thread).runs,
      });
      ctx.engine.stop();
    }
    const [fromContract, fromPlatform] = timelines;
    expect(fromContract!.streaming.map((item) => item.kind)).toEqual(['message', 'run', 'streaming_reply']);
    expect(fromPlatform!.streaming).toEqual(fromContract!.streaming);
    expect(fromContract!.done.map((item) => item.key)).toEqual([
      `message|${fixtureMessage.id}`,
      `run|${FIXTURE_IDS.run}`,
      `reply|${FIXTURE_IDS.run}`,
    ]);
    expect(fromPlatform!.done).toEqual(fromContract!.done);
    expect(fromPlatform!.runs[0]).toMatchObject({
      status: 'committed',
      finished: true,
      inReplyTo: fixtureMessage.id,
      toolCalls: [{ status: 'done' }],
      escalations: [{ to: 'human' }],
    });
  });

  it('drops and counts runtime data that does not fit its schema, and goes on', async () => {
    const ctx = setup('t1');
    await ctx.engine.start();
    ctx.connection.open();
    ctx.connection.deliver({
      type: 'thread_runtime',
      thread_id: 't1',
      data: { event_type: 'text_delta', run_id: 'r1', content: { evil: true } },
    });
    ctx.connection.deliver({ type: 'thread_runtime', thread_id: 't1', data: { event_type: 'text_delta', run_id: 'r1', content: 'fine' } });
    ctx.engine.flush();
    expect(ctx.engine.invalidRuntimeData).toBe(1);
    expect(ctx.engine.getThreadSnapshot('t1').runs.map((run) => run.text)).toEqual(['fine']);
  });

  it('keeps a durable event with bad data in its place, as an unknown event, and counts it', async () => {
    const ctx = setup('t1');
    ctx.source.reset([]);
    await ctx.engine.start();
    ctx.connection.open();
    const opening = ctx.engine.openThread('t1');
    await settled(ctx);
    await opening;
    const bad: InboundEvent = {
      event_id: 'e1',
      thread_id: 't1',
      thread_seq: 1,
      event_type: 'approval_pending',
      sender_id: AGENT,
      data: { approval_id: 42 },
    };
    ctx.source.reset([bad]);
    ctx.connection.deliver({ type: 'thread_event', thread_id: 't1', data: bad });
    await settled(ctx);
    expect(ctx.engine.invalidEventData).toBe(1);
    const snapshot = ctx.engine.getThreadSnapshot('t1');
    expect(snapshot.health.appliedSeq).toBe(1);
    expect(snapshot.items).toMatchObject([{ kind: 'notice', entry: { type: 'approval_pending', body: { type: 'other', invalid: true } } }]);
  });
});

// ---- the timeline is a pure function of (log, live frames, outbox) -------------------------------

const AGENT = 'agent:bot';
const OTHER = 'user:bob';

/** A log with two agent runs in it: questions, tool calls, an approval and both replies. */
function planLog(threadId: string): InboundEvent[] {
  const at = (seq: number) => new Date(NOW + seq * 1000).toISOString();
  const event = (
    seq: number,
    type: string,
    sender: string,
    data: Record<string, unknown>,
    content: string | null = null,
  ): InboundEvent => ({
    event_id: `e${seq}`,
    thread_id: threadId,
    thread_seq: seq,
    event_type: type,
    sender_id: sender,
    content,
    created_at: at(seq),
    data,
  });
  const message = (seq: number, sender: string, text: string) =>
    event(seq, 'message_committed', sender, { message_id: `m${seq}`, role: sender === AGENT ? 'agent' : 'user' }, text);
  return [
    message(1, ME, 'first question'),
    event(2, 'tool_call_started', AGENT, { run_id: 'r1', tool_call_id: 'c1', tool_name: 'lookup' }),
    event(3, 'tool_call_completed', AGENT, { run_id: 'r1', tool_call_id: 'c1', tool_name: 'lookup', ok: true, result_preview: 'found' }),
    message(4, AGENT, 'first answer'),
    message(5, OTHER, 'second question'),
    event(6, 'approval_pending', AGENT, { run_id: 'r2', approval_id: 'a1', tool_name: 'refund', expires_at: at(60) }),
    event(7, 'approval_resolved', ME, { run_id: 'r2', approval_id: 'a1', tool_name: 'refund', decision: 'reject', decided_by: ME }),
    message(8, AGENT, 'second answer'),
  ];
}

type Runtime = { event_type: string } & Record<string, unknown>;

/** The live frames of both runs; `lose` drops some of the closing ones (lost in a reconnect). */
function runtimeFrames(lose: { finished1: boolean; committed2: boolean }): Runtime[] {
  const r1 = { run_id: 'r1', agent_id: AGENT, in_reply_to: 'm1' };
  const r2 = { run_id: 'r2', agent_id: AGENT, in_reply_to: 'm5' };
  return [
    { event_type: 'queued', ...r1 },
    { event_type: 'run_started', ...r1 },
    { event_type: 'tool_call_started', ...r1, tool_call_id: 'c1', tool_name: 'lookup' },
    { event_type: 'text_delta', ...r1, content: 'first ' },
    { event_type: 'text_delta', ...r1, content: 'answer' },
    { event_type: 'reply_committed', ...r1, message_id: 'm4', thread_seq: 4 },
    ...(lose.finished1 ? [] : [{ event_type: 'run_finished', ...r1 }]),
    { event_type: 'run_started', ...r2 },
    { event_type: 'approval_pending', ...r2, approval_id: 'a1', tool_name: 'refund' },
    { event_type: 'text_delta', ...r2, content: 'second answer' },
    ...(lose.committed2
      ? []
      : [
          { event_type: 'reply_committed', ...r2, message_id: 'm8', thread_seq: 8 },
          { event_type: 'run_finished', ...r2 },
        ]),
  ];
}

/** The oracle: the runs the frames build, in order, with nothing else. */
function liveRunsOf(frames: Runtime[], threadId: string): RunView[] {
  const runs = new Map<string, RunView>();
  for (const frame of frames) {
    const id = frame.run_id as string;
    runs.set(id, applyRuntime(runs.get(id), frame, NOW, threadId));
  }
  return [...runs.values()];
}

describe('the timeline under any delivery schedule (property)', () => {
  it('equals the timeline computed from scratch from the log, the live frames and the outbox', async () => {
    type Step =
      | { op: 'commit' }
      | { op: 'event'; pick: number }
      | { op: 'runtime' }
      | { op: 'answer'; pick: number }
      | { op: 'flush' }
      | { op: 'drop' }
      | { op: 'reopen' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ op: 'commit' as const }) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('event' as const), pick: fc.nat() }) },
      { weight: 4, arbitrary: fc.constant({ op: 'runtime' as const }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'drop' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.boolean(), fc.boolean(), async (steps, finished1, committed2) => {
        const ctx = setup('t1');
        const { source, connection, engine } = ctx;
        const log = planLog('t1');
        source.reset(log);
        source.committed = 0;
        const frames = runtimeFrames({ finished1, committed2 });
        let nextFrame = 0;
        await engine.start();
        connection.open();
        void engine.openThread('t1');
        for (const action of steps) {
          if (action.op === 'commit') source.commit(1);
          else if (action.op === 'event' && source.committed > 0) {
            connection.deliver({ type: 'thread_event', thread_id: 't1', data: log[action.pick % source.committed]! });
          } else if (action.op === 'runtime' && nextFrame < frames.length) {
            connection.deliver({ type: 'thread_runtime', thread_id: 't1', data: frames[nextFrame++]! as Runtime & { run_id: string } });
          } else if (action.op === 'answer' && source.calls.length > 0) source.releaseOne(action.pick % source.calls.length);
          else if (action.op === 'flush') engine.flush();
          else if (action.op === 'drop') connection.drop();
          else if (action.op === 'reopen') connection.open();
          await flushMicrotasks();
        }
        while (nextFrame < frames.length)
          connection.deliver({ type: 'thread_runtime', thread_id: 't1', data: frames[nextFrame++]! as Runtime & { run_id: string } });
        source.commit(log.length);
        connection.open();
        await settled(ctx);
        const incremental = engine.getThreadSnapshot('t1');
        const fromScratch = buildTimeline({
          entries: log.map((event) => entryFromEvent('t1', event)),
          outbox: [],
          runs: liveRunsOf(frames, 't1'),
          selfSenderId: ME,
        });
        expect(incremental.items).toEqual(fromScratch.items);
        expect(incremental.runs).toEqual(fromScratch.runs);
        // Whatever was lost, both runs end finished and nothing streams on.
        expect(incremental.runs.map((run) => [run.runId, run.finished])).toEqual([
          ['r1', true],
          ['r2', true],
        ]);
        expect(incremental.items.some((item) => item.kind === 'streaming_reply')).toBe(false);
        engine.stop();
      }),
      { numRuns: 150 },
    );
  });
});
