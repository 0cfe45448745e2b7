/**
 * `npm run bench:notify` — issue 18's notification budgets, in one run:
 *
 *   1. rule evaluation: the rules alone, and the notifier's whole path after the commit on
 *      SQLite (log → rules → stored), median of BENCH_RULE_RUNS runs (goal ≥ 20,000 events/s);
 *   2. commit → push request sent with BENCH_NOTIFY_USERS (1,000) users subscribed to one busy
 *      thread at BENCH_NOTIFY_RATE (50) messages/s: BENCH_NOTIFY_WARM_UP_SECONDS (3) of it not
 *      measured (the thread is busy when the measure starts; 0 measures from a standing start),
 *      then BENCH_NOTIFY_SECONDS (5) measured, then at most BENCH_NOTIFY_DRAIN_SECONDS (90) of
 *      waiting for the pushes, on one SQLite process and on three on PostgreSQL + NATS (goal
 *      p95 ≤ 500 ms): per message and user,
 *      until a push carrying that seq or a later one arrived (a user's unread `message`
 *      notification of a thread is one, updated in place, and its queued push is reused);
 *   3. commit throughput (`bench:server`'s load) with notifications on against a server with
 *      `NOTIFICATIONS=off`, alternating BENCH_ROUNDS (5) rounds (goal: the median of the rounds'
 *      on ÷ off ≥ 90 %).
 *
 * BENCH_SECTIONS picks parts (`rules,push,commit`); BENCH_NOTIFY_CONFIGS picks the push
 * configurations (`sqlite,cluster`), BENCH_NOTIFY_PROCESSES the cluster's size (3). Not a
 * test: nothing here asserts.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type NatsInstance } from '../src/dev/nats-instance.ts';
import { startPostgres, type PostgresInstance } from '../src/dev/postgres-instance.ts';
import { measureCommitThroughput } from './notify/commit-throughput.ts';
import { latencySummary, measurePushLatency, type PushLatencyResult } from './notify/push-latency.ts';
import { evaluateOnly, notifierOnSqlite } from './notify/rule-evaluation.ts';
import { median, percentile, printTable, startServer, stopServer, type SpawnedServer } from './spawn-server.ts';

function intSetting(name: string, fallback: number, least = 1): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(`${name} must be a whole number of at least ${least}, got "${process.env[name]}".`);
  }
  return value;
}

const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'rules,push,commit').split(','));
const CONFIGS = new Set((process.env.BENCH_NOTIFY_CONFIGS ?? 'sqlite,cluster').split(','));
const RULE_RUNS = intSetting('BENCH_RULE_RUNS', 3);
const RULE_EVENTS = intSetting('BENCH_EVENTS', 20_000);
const RULE_READERS = intSetting('BENCH_READERS', 10);
/** The stored path commits its events first (most of its run time): fewer by default. */
const RULE_EVENTS_STORED = intSetting('BENCH_EVENTS_STORED', 5_000);
/** The notifier's stored path with a thousand readers: the busy thread's audience. */
const RULE_EVENTS_WIDE = intSetting('BENCH_EVENTS_WIDE', 200);
const USERS = intSetting('BENCH_NOTIFY_USERS', 1_000);
const RATE = intSetting('BENCH_NOTIFY_RATE', 50);
const PUSH_WARM_UP_SECONDS = intSetting('BENCH_NOTIFY_WARM_UP_SECONDS', 3, 0);
const PUSH_SECONDS = intSetting('BENCH_NOTIFY_SECONDS', 5);
const DRAIN_MAX_MS = intSetting('BENCH_NOTIFY_DRAIN_SECONDS', 90) * 1000;
const ROUNDS = intSetting('BENCH_ROUNDS', 5);
const THROUGHPUT_SECONDS = intSetting('BENCH_SECONDS', 4);
const CLUSTER_PROCESSES = intSetting('BENCH_NOTIFY_PROCESSES', 3);
/** `BENCH_NOTIFY_TIMELINE=1`: each push run also prints its pushes per 100 ms and the seqs they carried. */
const TIMELINE = process.env.BENCH_NOTIFY_TIMELINE === '1';

const GOALS = { eventsPerSecond: 20_000, pushP95Ms: 500, commitRatio: 0.9 };
/** As in `bench:cluster`: WAL fsynced, commits not waiting for the flush (SQLite's guarantee in the server). */
const POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', max_connections: '300' };
/** Every push server: http endpoints on 127.0.0.1 are the bench's receiver. */
const PUSH_ENV = { PUSH_ALLOW_INSECURE_ENDPOINTS: 'true' };

const agent = new http.Agent({ keepAlive: true, maxSockets: 60 });
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const load = () => loadavg()[0]!.toFixed(1);

async function rules(): Promise<void> {
  const pure: number[] = [];
  const stored: number[] = [];
  const wide: number[] = [];
  for (let run = 0; run < RULE_RUNS; run++) {
    pure.push(evaluateOnly(RULE_EVENTS, RULE_READERS));
    stored.push(await notifierOnSqlite(RULE_EVENTS_STORED, RULE_READERS));
    wide.push(await notifierOnSqlite(RULE_EVENTS_WIDE, USERS + 1));
    console.log(`  rules run ${run + 1}: ${fmt(pure.at(-1)!)} / ${fmt(stored.at(-1)!)} / ${fmt(wide.at(-1)!)} events/s (load ${load()})`);
  }
  console.log(`\nRule evaluation, median of ${RULE_RUNS} runs (Markdown messages, each mentioning one reader)\n`);
  const row = (path: string, events: number, readers: number, values: number[], goal: boolean): string[] => {
    const value = median(values);
    return [
      path,
      `${fmt(events)} × ${fmt(readers)}`,
      fmt(value),
      fmt(value * (readers - 1)),
      goal ? `≥ ${fmt(GOALS.eventsPerSecond)}` : '—',
      goal ? (value >= GOALS.eventsPerSecond ? 'met' : 'MISSED') : '',
    ];
  };
  printTable(
    ['path', 'events × readers', 'events/s', '(event, reader)/s', 'goal', ''],
    [
      row('evaluate (rules alone)', RULE_EVENTS, RULE_READERS, pure, true),
      row('notifier on SQLite (log → rules → stored)', RULE_EVENTS_STORED, RULE_READERS, stored, true),
      row('notifier on SQLite, the busy thread', RULE_EVENTS_WIDE, USERS + 1, wide, false),
    ],
  );
}

/** Three processes on a fresh PostgreSQL database and a fresh nats-server, as `bench:cluster` runs them. */
async function startCluster(
  postgresServer: PostgresInstance,
): Promise<{ servers: SpawnedServer[]; nats: NatsInstance; url: string; key: Buffer }> {
  const url = await postgresServer.createDatabase();
  const nats = await startNatsServer();
  const key = randomBytes(32);
  const env = {
    DATABASE_URL: url,
    NATS_URL: nats.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: key.toString('base64'),
    DEMO_DATA: 'true',
    ...PUSH_ENV,
  };
  const servers: SpawnedServer[] = [];
  try {
    servers.push(await startServer(env));
    for (let i = 1; i < CLUSTER_PROCESSES; i++) servers.push(await startServer(env));
  } catch (error) {
    await Promise.all(servers.map((server) => stopServer(server)));
    await nats.stop();
    throw error;
  }
  return { servers, nats, url, key };
}

async function push(): Promise<void> {
  const rows: string[][] = [];
  const causes: string[][] = [];
  const run = async (label: string, ports: number[], pids: number[], database: Parameters<typeof measurePushLatency>[0]['database']) => {
    console.log(
      `  push, ${label}: ${USERS} users, ${RATE} msg/s for ${PUSH_WARM_UP_SECONDS} s, then ${PUSH_SECONDS} s measured (load ${load()})`,
    );
    const result: PushLatencyResult = await measurePushLatency({
      agent,
      ports,
      database,
      users: USERS,
      messagesPerSecond: RATE,
      warmUpSeconds: PUSH_WARM_UP_SECONDS,
      seconds: PUSH_SECONDS,
      drainMaxMs: DRAIN_MAX_MS,
      pids,
    });
    const summary = latencySummary(result.latencies, result.expected, result.waitedMs);
    rows.push([
      label,
      `${fmt(result.messages)} × ${fmt(USERS)}`,
      `${fmt(result.received)} of ${fmt(result.expected)}`,
      `${fmt(result.pushes)}${result.repeats ? ` (${fmt(result.repeats)} repeats)` : ''}`,
      `${fmt(result.usersUpToDate)} of ${fmt(result.users)}`,
      fmt(result.pushesPerSecond),
      result.received > 0 ? fmt(result.cpuMicrosPerPush) : `— (${result.cpuSeconds.toFixed(1)} s in all)`,
      summary.p50,
      summary.p95,
      summary.p99,
      `≤ ${GOALS.pushP95Ms} ms`,
      summary.p95Ms <= GOALS.pushP95Ms ? 'met' : 'MISSED',
    ]);
    console.log(`  → ${rows.at(-1)!.join(' | ')}`);
    const ms = (sorted: number[], p: number) => (sorted.length > 0 ? `${fmt(percentile(sorted, p))} ms` : '—');
    causes.push([label, ms(result.contentAges, 50), ms(result.contentAges, 90), ms(result.gaps, 50), ms(result.gaps, 90)]);
    if (TIMELINE) {
      for (const step of result.timeline) {
        console.log(
          `    ${step.fromMs} ms: ${step.pushes} pushes, seqs ${step.seqs[0]}–${step.seqs[1]}, ${step.committed} committed by then`,
        );
      }
    }
  };
  if (CONFIGS.has('sqlite')) {
    const key = randomBytes(32);
    const server = await startServer({ ...PUSH_ENV, DATA_ENCRYPTION_KEY: key.toString('base64') });
    try {
      await run('1 process, SQLite', [server.port], [server.child.pid!], {
        databasePath: join(server.dir, 'bench.sqlite'),
        databaseUrl: null,
        dataKey: key,
      });
    } finally {
      await stopServer(server);
    }
  }
  if (CONFIGS.has('cluster')) {
    const postgresServer = await startPostgres({ settings: POSTGRES_SETTINGS });
    try {
      const cluster = await startCluster(postgresServer);
      try {
        await run(
          `${CLUSTER_PROCESSES} process${CLUSTER_PROCESSES === 1 ? '' : 'es'}, PostgreSQL + NATS`,
          cluster.servers.map((server) => server.port),
          cluster.servers.map((server) => server.child.pid!),
          { databasePath: '', databaseUrl: cluster.url, dataKey: cluster.key },
        );
      } finally {
        await Promise.all(cluster.servers.map((server) => stopServer(server)));
        await cluster.nats.stop();
      }
    } finally {
      await postgresServer.stop();
    }
  }
  console.log(
    `\nCommit → a push request carrying that seq or a later one received by a local push service (answers 201, ` +
      `timestamps; decrypts after the measure), per message and user, from the message's created_at, for the messages ` +
      `after ${PUSH_WARM_UP_SECONDS} s of the same load; every reader but ` +
      `the sender, nobody focused or read. A user has one unread message notification per thread and one queued push ` +
      `of it, which carries its newest content when sent\n`,
  );
  printTable(
    [
      'configuration',
      'messages × users',
      '(message, user) reached',
      'pushes',
      'last push has last seq',
      'pushes/s',
      'server CPU µs/push',
      'p50',
      'p95',
      'p99',
      'goal',
      '',
    ],
    rows,
  );
  console.log(
    `\nWhere the latency goes: the age of the message a push carried when it arrived (all but the pushes of the last seq), ` +
      `and the time from a user's push to their next while messages kept coming\n`,
  );
  printTable(['configuration', 'content age p50', 'content age p90', "a user's next push p50", "a user's next push p90"], causes);
}

async function commit(): Promise<void> {
  const result = await measureCommitThroughput(agent, ROUNDS, THROUGHPUT_SECONDS, (line) => console.log(`${line} (load ${load()})`));
  console.log(`\nCommit throughput, ${ROUNDS} alternating rounds of ${THROUGHPUT_SECONDS} s, 50 REST senders, one SQLite process each\n`);
  printTable(
    ['notifications', 'committed msg/s (median)', 'server CPU µs/msg (median)', 'goal', ''],
    [
      ['off (NOTIFICATIONS=off)', fmt(median(result.off.perSecond)), fmt(median(result.off.cpuMicros)), '—', ''],
      [
        'on',
        fmt(median(result.on.perSecond)),
        fmt(median(result.on.cpuMicros)),
        `≥ ${GOALS.commitRatio * 100} % of off`,
        result.ratio >= GOALS.commitRatio ? 'met' : 'MISSED',
      ],
      ['on ÷ off (median of the rounds)', `${(result.ratio * 100).toFixed(1)} %`, '', '', ''],
    ],
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:notify — node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (SECTIONS.has('rules')) await rules();
  if (SECTIONS.has('push')) await push();
  if (SECTIONS.has('commit')) await commit();
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => agent.destroy());
