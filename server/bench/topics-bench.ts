/**
 * `npm run bench:topics` — topic subscriptions (CONTRACT §15, issue 21: "one agent socket
 * subscribed to events.<org>.chat.thread.*.* across 10,000 threads receives ≥ 20,000 events/s
 * end to end with p99 ≤ 50 ms, on one process and on three"). One table, a row per
 * configuration, each offered 60,000 events (`BENCH_EVENTS`) at 20,000 a second (`BENCH_RATE`:
 * set it higher, e.g. 30000, to see the ceiling), timed from the offer to the receipt:
 * - one process: events enter at the hub with `hub.publish`, as committed events do after
 *   their commit (the commit itself is what `bench:server` measures), for the agent socket in
 *   10,000 threads; then with 10 and with 10,000 other sockets (`BENCH_OTHER_SOCKETS`), each
 *   subscribed to `events.local.>` (Bob's sockets; Bob is in none of the agent's threads): the
 *   agent socket's rate and latency should not change, since the hub hands an event only to
 *   its thread's sockets and each socket matches in its own index; then through the SDK
 *   iterator (`BENCH_SDK=0` leaves it out);
 * - three processes on PostgreSQL + NATS (topics-cluster-bench.ts; `BENCH_CLUSTER=0` leaves
 *   them out): the agent socket on A in 10,000 real threads, the events arriving over NATS as
 *   the frames another process's hub sends after a commit; raw socket, then the SDK iterator.
 * The receiving sockets live in a child process (topics-receiver.ts), so the client does not
 * queue behind the server. For the three-process rows, a table of CPU per received event by
 * process (A, B, C, NATS, PostgreSQL, the publisher, the receiver): on a shared machine the
 * latency says more about the load than about the code, CPU per event much less. Then a second table, end to end through the SDK from a REST commit
 * to the event `ThreadRuntimeClient.subscribe` yields, on one process and on three
 * (topics-sdk-bench.ts): bounded by the commit rate. Prints the load average; asserts nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThreadEvent } from '../../src/core/protocol/model.ts';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { Outbound } from '../src/realtime/outbound.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import { jsonRequest, printTable } from './spawn-server.ts';
import { CLUSTER_CPU_PARTS, clusterRows } from './topics-cluster-bench.ts';
import { EVENTS, measureOffer, RATE, THREADS } from './topics-offer.ts';
import { SDK_BENCH_DESCRIPTION, sdkRows } from './topics-sdk-bench.ts';

const OTHER_SOCKETS = (process.env.BENCH_OTHER_SOCKETS ?? '0,10,10000').split(',').map(Number);

const agent = new http.Agent({ keepAlive: true });

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
  const { cells } = await measureOffer(
    { port, org: 'local', agentToken: issued.json.token, userToken: bob.token, others, sdk },
    {
      publish,
      probe: () => {
        // Added again each time: a socket that connects meanwhile is in the thread from then on.
        hub.addAgentToThread(agentId, threads[0]!);
        publish(1, threads[0]!);
      },
      // Added once the agent socket is open: the hub puts the agent's open sockets in each thread.
      whenOpen: () => {
        for (const threadId of threads) hub.addAgentToThread(agentId, threadId);
      },
    },
  );
  return [
    sdk
      ? 'one process, hub.publish → SDK iterator'
      : `one process, hub.publish → agent socket, ${others.toLocaleString('en-US')} other sockets`,
    ...cells,
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

const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  try {
    const rows: string[][] = [];
    for (const others of OTHER_SOCKETS) rows.push(await withApp((app) => measure(app, others)));
    if (process.env.BENCH_SDK !== '0') rows.push(await withApp((app) => measure(app, 0, true)));
    const cluster = process.env.BENCH_CLUSTER !== '0' ? await clusterRows() : null;
    if (cluster) rows.push(...cluster.rows);
    console.log(
      `\nTopics, offered → receipt: one agent socket in ${THREADS.toLocaleString('en-US')} threads subscribed to events.<org>.chat.thread.*.*, ${EVENTS.toLocaleString('en-US')} events offered at ${RATE.toLocaleString('en-US')}/s ` +
        `(one process: at its hub; three on PostgreSQL + NATS: as NATS frames from the other processes, to the socket on A); load average ${loadAtStart} at the start, ${loadAverage()} at the end:\n`,
    );
    printTable(['configuration', 'events', 'rate', 'p50', 'p99'], rows);
    if (cluster) {
      console.log(
        `\nThree processes, CPU (user + system) per received event during the offer and its drain, by process ` +
          `(less changed by the machine's load than the latency; B and C have no socket in the agent's threads):\n`,
      );
      printTable(['configuration', ...CLUSTER_CPU_PARTS, 'total'], cluster.cpuRows);
    }
    if (process.env.BENCH_SDK !== '0') {
      const sdk = await sdkRows();
      console.log(`\nTopics through the SDK, REST commit → iterator: ${SDK_BENCH_DESCRIPTION}:\n`);
      printTable(['servers', 'events', 'rate', 'p50', 'p99'], sdk);
    }
  } finally {
    agent.destroy();
  }
}

await main();
