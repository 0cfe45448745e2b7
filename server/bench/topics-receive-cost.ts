/**
 * CPU per frame received over NATS, in-process (no sockets, no NATS server): what a process
 * with no subscriber of the frame's thread spends on it (B and C in `bench:topics`' three-process
 * rows: every process hears every frame), and what the agent socket's process spends on its
 * topic path (A: the hub, the socket's `TopicSubscriptions`, the encoded frame). CPU time, not
 * wall time, so that a loaded machine changes it less. The NATS client's own parsing is not in
 * it. Run: `node --import tsx server/bench/topics-receive-cost.ts`. Asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadEvent } from '../../src/core/protocol/model.ts';
import { parseTopic } from '../../src/core/topics/topic-pattern.ts';
import { encodeEnvelope } from '../src/realtime/nats/frame-envelope.ts';
import type { BusHandler, NatsBus } from '../src/realtime/nats/nats-bus.ts';
import { NatsHub } from '../src/realtime/nats/nats-hub.ts';
import { Subjects } from '../src/realtime/nats/subjects.ts';
import { Outbound } from '../src/realtime/outbound.ts';
import { TopicEncoder } from '../src/realtime/topic-encoder.ts';
import { TopicSubscriptions } from '../src/realtime/topic-subscriptions.ts';

const FRAMES = 100_000;
/** Received first and not measured (JIT). */
const WARMUP_FRAMES = 20_000;
const THREADS = 10_000;
const REPEATS = 5;
const ORG = 'bench';

const subjects = new Subjects(ORG);
const threads = Array.from({ length: THREADS }, () => randomUUID());
/** The frames as another process's hub sends them after a commit. */
const received = Array.from({ length: FRAMES }, (_, index) => {
  const threadId = threads[index % THREADS]!;
  const event: ThreadEvent = {
    event_id: randomUUID(),
    thread_id: threadId,
    thread_seq: 100 + index,
    event_type: 'mode_changed',
    sender_id: 'user:bench',
    content: '',
    created_at: new Date().toISOString(),
    data: { participation_mode: 'open' },
  };
  const outbound = new Outbound(threadId, { type: 'thread_event', thread_id: threadId, data: event }, event);
  return { subject: subjects.of('thread', event.event_type, threadId), data: new Uint8Array(encodeEnvelope(outbound)) };
});

/** Microseconds of CPU per received frame, on a hub with the agent socket in every thread or with no subscriber. */
function cpuPerFrame(withSocket: boolean): number {
  const handlers = new Map<string, BusHandler>();
  const on = (resource: string, handler: BusHandler) => handlers.set(resource, handler);
  const onDemand = (resource: string, handler: BusHandler) => (on(resource, handler), { hold: async () => () => {} });
  const bus = { subjects, on, onDemand, publish: () => {} };
  const quiet = () => {};
  const log = { error: quiet, warn: quiet, info: quiet, debug: quiet } as unknown as FastifyBaseLogger;
  const hub = new NatsHub(bus as unknown as NatsBus, log);
  if (withSocket) {
    const topics = new TopicSubscriptions(
      {
        encoder: new TopicEncoder(ORG),
        canRead: async () => true,
        readLog: async () => ({ events: [], hasMore: false }),
        send: () => {},
        writable: async () => true,
        overflow: quiet,
        failed: quiet,
      },
      null,
    );
    const topic = parseTopic(`events.${ORG}.chat.thread.*.*`);
    if (!topic.ok) throw new Error(topic.reason);
    topics.subscribe('s', topic.pattern, undefined, quiet);
    const socket = { senderId: 'agent:bench', deliver: (outbound: Outbound) => topics.offer(outbound) };
    for (const threadId of threads) hub.subscribe(threadId, socket);
  }
  const receive = (frame: (typeof received)[number]) => {
    const parts = subjects.parse(frame.subject)!;
    handlers.get(parts.resource)!(parts, frame as never);
  };
  for (let index = 0; index < WARMUP_FRAMES; index++) receive(received[index]!);
  const start = process.cpuUsage();
  for (const frame of received) receive(frame);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / FRAMES;
}

const median = (run: () => number) => Array.from({ length: REPEATS }, run).sort((x, y) => x - y)[Math.floor(REPEATS / 2)]!;
console.log(
  `CPU per frame received over NATS (median of ${REPEATS}, ${FRAMES.toLocaleString('en-US')} frames): ` +
    `A, the agent socket's topic path ${median(() => cpuPerFrame(true)).toFixed(2)} µs; ` +
    `B and C, no subscriber of the thread ${median(() => cpuPerFrame(false)).toFixed(2)} µs`,
);
