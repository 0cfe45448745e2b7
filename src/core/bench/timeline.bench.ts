/**
 * The timeline part of `npm run bench:core` (BENCH_SECTIONS=timeline runs it alone): what
 * one streamed text frame costs in a thread with a long log and many runs. Each frame is
 * applied, notified and read back as a snapshot, as the thread view does once per frame;
 * the snapshot rebuilds the timeline from the log and the runs. CPU time, median of
 * several rounds.
 */
import { SyncEngine } from '../engine/sync-engine.ts';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeThreadSource } from '../testing/fake-thread-source.ts';

const THREAD = 'bench-thread';
const ME = 'user:me';
const AGENT = 'agent:bench';
/** Runs answered earlier in the thread, each a question, two tool events and a reply: the most a thread keeps is 20. */
const PAST_RUNS = 19;
/** Plain messages between them, so the log is as long as a window. */
const FILLER_MESSAGES = 900;
const STREAMED_FRAMES = 500;
/** Rounds not counted: the first frames run before the JIT has compiled the timeline. */
const WARM_UP_ROUNDS = 1;

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function event(seq: number, type: string, sender: string, data: Record<string, unknown>, content: string | null = null): InboundEvent {
  return {
    event_id: `e${seq}`,
    thread_id: THREAD,
    thread_seq: seq,
    event_type: type,
    sender_id: sender,
    content,
    created_at: new Date(1_700_000_000_000 + seq * 1_000).toISOString(),
    data,
  };
}

/** The thread's log, and the live frames its past runs sent. */
function history(): { log: InboundEvent[]; frames: Record<string, unknown>[] } {
  const log: InboundEvent[] = [];
  const frames: Record<string, unknown>[] = [];
  const message = (sender: string, text: string) => {
    const seq = log.length + 1;
    log.push(event(seq, 'message_committed', sender, { message_id: `m${seq}`, role: sender === AGENT ? 'agent' : 'user' }, text));
    return `m${seq}`;
  };
  const fillerPerRun = Math.floor(FILLER_MESSAGES / PAST_RUNS);
  for (let run = 1; run <= PAST_RUNS; run++) {
    for (let i = 0; i < fillerPerRun; i++) message(i % 2 ? ME : 'user:bob', `chat line ${log.length + 1}`);
    const origin = { run_id: `r${run}`, agent_id: AGENT, in_reply_to: message(ME, `question ${run}`) };
    const tool = { run_id: origin.run_id, tool_call_id: `c${run}`, tool_name: 'lookup' };
    log.push(event(log.length + 1, 'tool_call_started', AGENT, tool));
    log.push(event(log.length + 1, 'tool_call_completed', AGENT, { ...tool, ok: true, result_preview: 'found' }));
    const reply = message(AGENT, `answer ${run}`);
    frames.push(
      { event_type: 'run_started', ...origin },
      { event_type: 'tool_call_started', ...origin, tool_call_id: tool.tool_call_id, tool_name: 'lookup' },
      { event_type: 'text_delta', ...origin, content: `answer ${run}` },
      { event_type: 'reply_committed', ...origin, message_id: reply, thread_seq: log.length },
      { event_type: 'run_finished', ...origin },
    );
  }
  message(ME, 'the question being answered');
  return { log, frames };
}

/** CPU µs per streamed frame (apply, notify, snapshot) in one fresh engine. */
async function streamRound(): Promise<number> {
  const { log, frames } = history();
  const source = new FakeThreadSource(THREAD);
  source.reset(log);
  const connection = new FakeConnection();
  const engine = new SyncEngine({
    connection,
    source,
    outboxStore: new MemoryOutboxStore(),
    environment: new FakeEnvironment(),
    selfSenderId: ME,
  });
  await engine.start();
  connection.open();
  const opening = engine.openThread(THREAD);
  await source.settle();
  await opening;
  // Scrolled back to the start: the whole log is held, as after reading a long thread.
  while (engine.getThreadSnapshot(THREAD).hasOlder) {
    const older = engine.loadOlder(THREAD);
    await source.settle();
    await older;
  }
  for (const data of frames) connection.deliver({ type: 'thread_runtime', thread_id: THREAD, data: data as { event_type: string } });
  const live = { run_id: 'live', agent_id: AGENT, in_reply_to: `m${log.length}` };
  connection.deliver({ type: 'thread_runtime', thread_id: THREAD, data: { event_type: 'run_started', ...live } });
  engine.flush();
  if (engine.getThreadSnapshot(THREAD).items.length < log.length) throw new Error('the thread did not load');
  const started = process.cpuUsage();
  for (let frame = 0; frame < STREAMED_FRAMES; frame++) {
    connection.deliver({ type: 'thread_runtime', thread_id: THREAD, data: { event_type: 'text_delta', ...live, content: 'word ' } });
    engine.flush();
    engine.getThreadSnapshot(THREAD);
  }
  const used = process.cpuUsage(started);
  const last = engine.getThreadSnapshot(THREAD).items.at(-1);
  if (last?.kind !== 'streaming_reply' || last.text.length !== STREAMED_FRAMES * 'word '.length)
    throw new Error('the reply did not stream');
  engine.stop();
  return (used.user + used.system) / STREAMED_FRAMES;
}

export const TIMELINE_BENCH_HEADER = ['measure', 'median CPU'];

/** One row: CPU per streamed frame with a long log and many runs. */
export async function timelineBenchRows(rounds: number): Promise<string[][]> {
  const perFrame: number[] = [];
  for (let round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
    const micros = await streamRound();
    if (round >= WARM_UP_ROUNDS) perFrame.push(micros);
  }
  return [
    [
      `one streamed frame → snapshot (${(FILLER_MESSAGES + PAST_RUNS * 4 + 1).toLocaleString('en-US')}-entry log, ${PAST_RUNS + 1} runs)`,
      `${median(perFrame).toFixed(1)} µs`,
    ],
  ];
}
