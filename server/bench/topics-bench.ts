/**
 * `npm run bench:topics` — topic subscriptions (CONTRACT §15, issue 21) on one process: one
 * agent socket subscribed to `events.local.chat.thread.*.*` and in 10,000 threads, offered
 * 20,000 events a second (issue 21's budget; `BENCH_RATE`). Events enter at the hub, as committed events do after their commit (the
 * commit itself is what `bench:server` measures), and are timed from `hub.publish` to the
 * client's receipt. Then the same with 10 and with 10,000 other sockets, each subscribed to
 * `events.local.>` (Bob's sockets; Bob is in none of the agent's threads): the agent socket's rate and latency should not
 * change, since the hub hands an event only to its thread's sockets and each socket matches
 * in its own index. The sockets live in a child process, so the client does not queue behind
 * the server. Then end to end through the SDK, from a REST commit to the event
 * `ThreadRuntimeClient.subscribe` yields, on one process and on three (topics-sdk-bench.ts;
 * `BENCH_SDK=0` leaves it out). Prints tables; asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ThreadEvent } from '../../src/core/protocol/model.ts';
import { createApp, type App } from '../src/app.ts';
import { ThreadRuntimeClient } from '../../src/core/api/thread-runtime-client.ts';
import type { WebSocketConstructor } from '../../src/core/connection/websocket-transport.ts';
import { loadConfig } from '../src/config.ts';
import { Outbound } from '../src/realtime/outbound.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import { jsonRequest, percentile, printTable, sleep } from './spawn-server.ts';
import { SDK_BENCH_DESCRIPTION, sdkRows } from './topics-sdk-bench.ts';

const THREADS = Number(process.env.BENCH_THREADS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 60_000);
/** The offered load, events per second (issue 21's budget), spread evenly in time. */
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
/** How often the generator hands the hub the events that are due. */
const TICK_MS = 5;
const OTHER_SOCKETS = (process.env.BENCH_OTHER_SOCKETS ?? '0,10,10000').split(',').map(Number);
const RECEIVER_ENV = 'BENCH_TOPICS_RECEIVER';

const agent = new http.Agent({ keepAlive: true });

interface ReceiverSetup {
  port: number;
  agentToken: string;
  userToken: string;
  others: number;
  /** Receive through `ThreadRuntimeClient.subscribe` (timed at the iterator's yield) instead of a raw socket. */
  sdk: boolean;
}

/** Receiver side: the agent socket (timed) and the other sockets (subscribed, counted). */
function receiver(): void {
  const { port, agentToken, userToken, others, sdk } = JSON.parse(process.env[RECEIVER_ENV]!) as ReceiverSetup;
  const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
  let latencies: number[] = [];
  let first = 0;
  let last = 0;
  type EventFrame = { type: 'event'; data: { event: { data?: { t?: number } } } };
  const open = (path: string, token: string, onEvent: (frame: EventFrame) => void) =>
    new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(url(path), ['auth', token]);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as EventFrame | { type: 'ready' | 'subscribed' };
        if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', data: { id: 's', topic: topicOf(path) } }));
        else if (frame.type === 'subscribed') resolve(ws);
        else if (frame.type === 'event') onEvent(frame);
      });
    });
  const topicOf = (path: string) => (path.includes('agent') ? 'events.local.chat.thread.*.*' : 'events.local.>');
  const sockets: WebSocket[] = [];
  const received = (event: Readonly<Record<string, unknown>>) => {
    const now = performance.timeOrigin + performance.now();
    if (first === 0) first = now;
    last = now;
    const sentAt = (event.data as { t?: unknown } | undefined)?.t;
    if (typeof sentAt === 'number') latencies.push(now - sentAt);
  };
  let stopSdk: (() => unknown) | undefined;
  void (async () => {
    if (sdk) {
      const client = new ThreadRuntimeClient({
        baseURL: `http://127.0.0.1:${port}`,
        token: agentToken,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      const iterator = client.subscribe('events.local.chat.thread.*.*');
      stopSdk = () => iterator.return?.();
      const firstYield = iterator.next();
      // The subscription is in place once it yields: the hub sends the agent nothing before the offer, so a probe goes first.
      process.send!({ type: 'probe' });
      const probe = await firstYield;
      if (!probe.done) received(probe.value.event);
      void (async () => {
        for await (const { event } of iterator) received(event);
      })();
    } else {
      sockets.push(await open('/api/v1/chat/ws/agent', agentToken, (frame) => received(frame.data.event)));
    }
    // The others, a hundred at a time: a connect storm is not what this measures.
    for (let index = 0; index < others; index += 100) {
      const batch = Array.from({ length: Math.min(100, others - index) }, () => open('/api/v1/chat/ws/user/threads', userToken, () => {}));
      sockets.push(...(await Promise.all(batch)));
    }
    process.send!({ type: 'open' });
  })();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'report') {
      process.send!({ type: 'report', latencies, first, last });
      latencies = [];
      first = last = 0;
    } else if (message.type === 'close') {
      for (const ws of sockets) ws.terminate();
      void stopSdk?.();
      process.disconnect();
    }
  });
}

function ask<T>(child: ChildProcess, send: string | null, expect: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== expect) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    if (send) child.send({ type: send });
  });
}

async function measure(app: App, others: number, sdk = false): Promise<string[]> {
  const port = (app.fastify.server.address() as { port: number }).port;
  const login = async (email: string) =>
    (
      await jsonRequest<{ token: string; user: { id: string } }>(agent, port, 'POST', '/auth/login', null, {
        email,
        password: 'password123',
      })
    ).json;
  const alice = await login('alice@example.com');
  const bob = await login('bob@example.com');
  const issued = await jsonRequest<{ token: string }>(agent, port, 'POST', '/agents/demo/tokens', alice.token, {});
  const agents = await jsonRequest<{ agents: { id: string; slug: string }[] }>(agent, port, 'GET', '/agents', alice.token);
  const agentId = agents.json.agents.find((item) => item.slug === 'demo')!.id;

  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      [RECEIVER_ENV]: JSON.stringify({ port, agentToken: issued.json.token, userToken: bob.token, others, sdk } satisfies ReceiverSetup),
    },
  });
  // Listened for at once: the child may say them before the threads are set up.
  const opened = ask(child, null, 'open');
  const probed = sdk ? ask(child, null, 'probe') : null;
  // The agent's threads: only in the hub (live delivery needs no rows); the other sockets are in none of them.
  const hub = app.context.hub;
  const threads = Array.from({ length: THREADS }, () => randomUUID());
  const seqs = new Map<string, number>();
  const publish = (count: number, only?: string) => {
    for (let index = 0; index < count; index++) {
      const threadId = only ?? threads[Math.floor(Math.random() * threads.length)]!;
      const seq = (seqs.get(threadId) ?? 0) + 1;
      seqs.set(threadId, seq);
      const event: ThreadEvent = {
        event_id: randomUUID(),
        thread_id: threadId,
        thread_seq: seq,
        event_type: 'mode_changed',
        sender_id: `user:${alice.user.id}`,
        content: '',
        created_at: new Date().toISOString(),
        data: { participation_mode: 'open', t: performance.timeOrigin + performance.now() } as ThreadEvent['data'],
      };
      hub.publish(new Outbound(threadId, { type: 'thread_event', thread_id: threadId, data: event }, event));
    }
  };
  /** Offers `total` events at {@link RATE}: each tick, those due by then. */
  const offer = async (total: number) => {
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      publish(due - sent);
      sent = due;
      await sleep(TICK_MS);
    }
  };
  if (sdk) {
    // The SDK says nothing of when its socket and subscription are in place: events go out until one is yielded.
    await probed;
    let open = false;
    void opened.then(() => (open = true));
    while (!open) {
      // Added again each time: a socket that connects meanwhile is in the thread from then on.
      hub.addAgentToThread(agentId, threads[0]!);
      publish(1, threads[0]!);
      await sleep(50);
    }
  } else {
    await opened;
  }
  // Added once the agent socket is open: the hub puts the agent's open sockets in each thread.
  for (const threadId of threads) hub.addAgentToThread(agentId, threadId);
  // Warm-up, not measured.
  await offer(5_000);
  await sleep(500);
  await ask(child, 'report', 'report');
  const started = performance.timeOrigin + performance.now();
  await offer(EVENTS);
  await sleep(1_000);
  const report = await ask<{ latencies: number[]; last: number }>(child, 'report', 'report');
  child.send({ type: 'close' });
  const latencies = report.latencies.sort((x, y) => x - y);
  // Received per second, from the first offer to the last receipt: at most the offered rate.
  const seconds = (report.last - started) / 1000;
  return [
    String(others),
    `${latencies.length}/${EVENTS}`,
    `${Math.round(latencies.length / seconds).toLocaleString('en-US')}/s`,
    `${percentile(latencies, 50).toFixed(1)} ms`,
    `${percentile(latencies, 99).toFixed(1)} ms`,
  ];
}

async function withApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-bench-topics-'));
  const storage = new SqliteStorage(join(dir, 'db.sqlite'));
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_PATH: join(dir, 'db.sqlite'),
    STATIC_DIR: '/nonexistent',
  });
  const app = await createApp(config, { storage, seed: true });
  await app.listen();
  try {
    return await run(app);
  } finally {
    await app.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    const rows: string[][] = [];
    for (const others of OTHER_SOCKETS) rows.push(await withApp((app) => measure(app, others)));
    if (process.env.BENCH_SDK !== '0')
      rows.push(await withApp(async (app) => ['0, through the SDK iterator', ...(await measure(app, 0, true)).slice(1)]));
    console.log(
      `\nTopics, hub.publish → receipt: one agent socket on ${THREADS.toLocaleString('en-US')} threads subscribed to events.local.chat.thread.*.*, ${EVENTS.toLocaleString('en-US')} events offered at ${RATE.toLocaleString('en-US')}/s, one process:\n`,
    );
    printTable(['other subscribed sockets', 'events', 'rate', 'p50', 'p99'], rows);
    if (process.env.BENCH_SDK !== '0') {
      const sdk = await sdkRows();
      console.log(`\nTopics through the SDK, REST commit → iterator: ${SDK_BENCH_DESCRIPTION}:\n`);
      printTable(['servers', 'events', 'rate', 'p50', 'p99'], sdk);
    }
  } finally {
    agent.destroy();
  }
}

if (process.env[RECEIVER_ENV]) receiver();
else await main();
