/**
 * `npm run bench:core` — measures the sync engine's reconciliation and prints one table:
 * events applied per second (in order; with 10 % duplicates and reordering), the time to
 * apply a 1,000-event catch-up page, the time to catch up 10,000 missed events from the
 * real local server, and heap bytes per held event. Then a second table: parsing hostile
 * markdown (`markdown.bench.ts`), and a third: a streamed frame's cost from frame to
 * snapshot (`timeline.bench.ts`). Medians of several rounds; not a test.
 * BENCH_SECTIONS=engine, markdown or timeline runs only that one.
 */
import http from 'node:http';
import { ApiError } from '../api/api-error.ts';
import { createInboxApi, inboxThreadSource } from '../api/inbox-api.ts';
import type { EventPage, ThreadSource } from '../api/thread-source.ts';
import { parseEvent, parseServerFrame, type InboundEvent } from '../protocol/server-frame-schemas.ts';
import { entryFromEvent, entryFromMessage, type LogEntry } from '../sync/log-entry.ts';
import { ThreadLog } from '../sync/thread-log.ts';
import { jsonRequest, median, printTable, startServer, stopServer } from '../../../server/bench/spawn-server.ts';
import { MARKDOWN_BENCH_HEADER, markdownBenchRows } from './markdown.bench.ts';
import { TIMELINE_BENCH_HEADER, timelineBenchRows } from './timeline.bench.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'engine,markdown,timeline').split(',').map((name) => name.trim()));
const EVENTS = 100_000;
const CATCH_UP_PAGE = 1_000;
const MISSED = 10_000;
const GOALS = { inOrderPerSecond: 500_000, pageMs: 16.7, catchUpMs: 1_000, bytesPerEvent: 500 };
const THREAD = '00000000-0000-4000-8000-000000000001';

/** Events as they come off the wire: each from its own JSON text, so no string is shared. */
function wireEvents(count: number, from = 1): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const text = JSON.stringify({
      event_id: crypto.randomUUID(),
      thread_id: THREAD,
      thread_seq: seq,
      event_type: 'message_committed',
      sender_id: `user:${seq % 3 === 0 ? '7c3e5f5e-1b7a-4a53-9d0f-0c5d3f0e9a11' : '2b8d4e9a-5c1f-4e3b-8a2d-6f7e8d9c0b12'}`,
      content: `Message number ${seq}, a short line of chat.`,
      created_at: new Date(1_700_000_000_000 + seq * 1_000).toISOString(),
      data: { message_id: crypto.randomUUID(), client_message_id: crypto.randomUUID(), role: 'user', mentions: [] },
    });
    events.push(parseEvent(JSON.parse(text))!);
  }
  return events;
}

/** A source whose pages never arrive: the bench measures the log itself, not a network. */
const idleSource: ThreadSource = {
  pollEvents: () => new Promise<EventPage>(() => undefined),
  lastSeq: async () => 0,
  sendMessage: () => Promise.reject(new ApiError('client_error', 'not used', false)),
};

async function openedLog(source: ThreadSource = idleSource): Promise<ThreadLog> {
  const log = new ThreadLog(THREAD, { source, onChange: () => undefined });
  // The base is set before the first page is asked for; the idle page never comes.
  void log.open();
  await new Promise((resolve) => setImmediate(resolve));
  return log;
}

async function inOrderRate(entries: LogEntry[]): Promise<number> {
  const log = await openedLog();
  const started = performance.now();
  for (const entry of entries) log.receive(entry);
  const seconds = (performance.now() - started) / 1000;
  if (log.appliedSeq !== entries.length) throw new Error(`applied ${log.appliedSeq} of ${entries.length}`);
  return entries.length / seconds;
}

/** 10 % of events come twice (somewhere later), and 10 % swap places with their neighbour. */
function messySchedule(entries: LogEntry[]): LogEntry[] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const order = entries.slice();
  for (let i = 0; i + 1 < order.length; i++) {
    if (random() < 0.1) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
  }
  const schedule: LogEntry[] = [];
  for (const entry of order) {
    schedule.push(entry);
    if (random() < 0.1) schedule.push(schedule[Math.max(0, schedule.length - 1 - Math.floor(random() * 20))]!);
  }
  return schedule;
}

async function messyRate(schedule: LogEntry[], total: number): Promise<number> {
  const log = await openedLog();
  const started = performance.now();
  for (const entry of schedule) log.receive(entry);
  const seconds = (performance.now() - started) / 1000;
  if (log.appliedSeq !== total) throw new Error(`applied ${log.appliedSeq} of ${total}`);
  return schedule.length / seconds;
}

/** End to end on the client: frame text → validation → entry → log. */
async function frameRate(texts: string[]): Promise<number> {
  const log = await openedLog();
  const started = performance.now();
  for (const text of texts) {
    const parsed = parseServerFrame(text);
    if (parsed.ok && parsed.frame.type === 'thread_message' && parsed.frame.data.thread_seq !== undefined) {
      log.receive(entryFromMessage(THREAD, { ...parsed.frame.data, thread_seq: parsed.frame.data.thread_seq }));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (log.appliedSeq !== texts.length) throw new Error(`applied ${log.appliedSeq} of ${texts.length}`);
  return texts.length / seconds;
}

/** One 1,000-event poll page as JSON.parse left it: validate every event, then apply. */
async function pageApplyMs(rawPage: unknown[]): Promise<number> {
  let resolvePage: (page: EventPage) => void = () => undefined;
  const source: ThreadSource = {
    ...idleSource,
    pollEvents: () => new Promise<EventPage>((resolve) => (resolvePage = resolve)),
  };
  const log = await openedLog(source);
  const started = performance.now();
  resolvePage({ events: rawPage.map((raw) => parseEvent(raw)!), has_more: false });
  await new Promise((resolve) => setImmediate(resolve));
  const ms = performance.now() - started;
  if (log.appliedSeq !== rawPage.length) throw new Error(`applied ${log.appliedSeq}`);
  return ms;
}

async function heapBytesPerEvent(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench:core does)');
  gc();
  const before = process.memoryUsage().heapUsed;
  const log = new ThreadLog(THREAD, { source: idleSource, onChange: () => undefined });
  void log.open();
  await new Promise((resolve) => setImmediate(resolve));
  for (const event of wireEvents(EVENTS)) log.receive(entryFromEvent(THREAD, event));
  gc();
  const after = process.memoryUsage().heapUsed;
  if (log.size !== EVENTS) throw new Error('not all held');
  return (after - before) / EVENTS;
}

async function catchUpFromServer(): Promise<number[]> {
  const server = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const login = (email: string) =>
      jsonRequest<{ token: string; user: { id: string } }>(agent, server.port, 'POST', '/auth/login', null, {
        email,
        password: 'password123',
      });
    const alice = (await login('alice@example.com')).json;
    const bob = (await login('bob@example.com')).json;
    const api = createInboxApi({ serverUrl: `http://127.0.0.1:${server.port}`, getToken: () => alice.token });
    const times: number[] = [];
    for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
      const thread = (
        await jsonRequest<{ id: string }>(agent, server.port, 'POST', '/chat/threads', alice.token, { target_user_ids: [bob.user.id] })
      ).json;
      const log = new ThreadLog(thread.id, { source: inboxThreadSource(api), onChange: () => undefined });
      await log.open();
      // 10,000 messages the client misses (as if its socket were down).
      for (let sent = 0; sent < MISSED; sent += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            jsonRequest(agent, server.port, 'POST', `/chat/threads/${thread.id}/messages`, bob.token, {
              content: `missed ${sent + i}`,
              client_message_id: crypto.randomUUID(),
            }),
          ),
        );
      }
      const started = performance.now();
      await log.catchUp();
      times.push(performance.now() - started);
      if (log.appliedSeq !== MISSED + 2) throw new Error(`caught up to ${log.appliedSeq}, expected ${MISSED + 2}`);
    }
    return times;
  } finally {
    agent.destroy();
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  console.log(`bench:core — ${ROUNDS} rounds, node ${process.version}`);
  if (SECTIONS.has('engine')) await engineBench();
  if (SECTIONS.has('markdown')) {
    console.log('');
    printTable(MARKDOWN_BENCH_HEADER, markdownBenchRows(ROUNDS));
  }
  if (SECTIONS.has('timeline')) {
    console.log('');
    printTable(TIMELINE_BENCH_HEADER, await timelineBenchRows(ROUNDS));
  }
}

async function engineBench(): Promise<void> {
  const events = wireEvents(EVENTS);
  const entries = events.map((event) => entryFromEvent(THREAD, event));
  const schedule = messySchedule(entries);
  const frames = events.map((event) =>
    JSON.stringify({
      type: 'thread_message',
      thread_id: THREAD,
      data: {
        id: (event.data as { message_id: string }).message_id,
        thread_id: THREAD,
        thread_seq: event.thread_seq,
        sender_id: event.sender_id,
        role: 'user',
        content: event.content,
        created_at: event.created_at,
      },
    }),
  );
  const rawPage = JSON.parse(JSON.stringify(wireEvents(CATCH_UP_PAGE))) as unknown[];

  const inOrder: number[] = [];
  const messy: number[] = [];
  const endToEnd: number[] = [];
  const page: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    inOrder.push(await inOrderRate(entries));
    messy.push(await messyRate(schedule, EVENTS));
    endToEnd.push(await frameRate(frames));
    page.push(await pageApplyMs(rawPage));
  }
  const bytes = await heapBytesPerEvent();
  const catchUp = await catchUpFromServer();

  const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
  console.log('');
  printTable(
    ['measure', 'median', 'goal', ''],
    [
      ['events applied, 100k in order', rate(median(inOrder)), '≥ 500,000/s', median(inOrder) >= GOALS.inOrderPerSecond ? 'met' : 'MISSED'],
      [
        `events applied, 100k + 10 % duplicates, 10 % reordered (${schedule.length.toLocaleString('en-US')} deliveries)`,
        rate(median(messy)),
        '—',
        '',
      ],
      ['frames end to end (JSON text → validate → log), 100k', rate(median(endToEnd)), '—', ''],
      [
        'apply one 1,000-event catch-up page (validate + apply)',
        `${median(page).toFixed(2)} ms`,
        '≤ 16.7 ms',
        median(page) <= GOALS.pageMs ? 'met' : 'MISSED',
      ],
      [
        'catch up 10,000 missed events from the local server',
        `${median(catchUp).toFixed(0)} ms`,
        '≤ 1,000 ms',
        median(catchUp) <= GOALS.catchUpMs ? 'met' : 'MISSED',
      ],
      ['heap per held event (100k held)', `${Math.round(bytes)} B`, '≤ 500 B', bytes <= GOALS.bytesPerEvent ? 'met' : 'MISSED'],
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
