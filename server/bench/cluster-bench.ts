/**
 * `npm run bench:cluster` — the server as 1, 2 and 3 processes on PostgreSQL + NATS, and as
 * one process on SQLite for comparison, measured one after another in one run over real
 * sockets:
 *
 *   1. committed messages per second through REST, 50 concurrent senders spread over the processes;
 *   2. fan-out latency (commit → receipt) on one thread, 1,000 sockets spread over the processes;
 *   3. take-over latency: a visitor's public socket watches the demo agent stream, a user takes
 *      over through REST (through another process than the run's when there are several), and
 *      the time to the last `text_delta` and to `intake_failed` on the visitor's socket is taken;
 *
 * then where the time goes: each part's CPU time from /proc (server processes, PostgreSQL's
 * backends, nats-server, the load generator, the rest of the machine). Each configuration
 * gets a fresh database and a fresh nats-server; the senders and sockets talk to each
 * process's own port (no balancer). Medians over BENCH_ROUNDS rounds. Not a test: nothing
 * here asserts.
 *
 * Settings (environment), for smoke runs: BENCH_ROUNDS (3), BENCH_SECONDS (4 s of sending a
 * round), BENCH_SOCKETS (1,000), BENCH_PROCESSES ("1,2,3"), BENCH_THREADS (1: every sender
 * posts to the same thread, as `bench:server` does), BENCH_TAKEOVERS (40 take-overs a round).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import postgres from 'postgres';
import { startNatsServer, type NatsInstance } from '../src/dev/nats-instance.ts';
import { startPostgres, type PostgresInstance } from '../src/dev/postgres-instance.ts';
import { printTimeReport, type MeasuredConfiguration } from './cluster-report.ts';
import { cpuSnapshot, cpuSpent, postmasterPid, processCpuSeconds, processTreeCpuSeconds, type CpuSnapshot } from './load/cpu-time.ts';
import { fanOutBurst } from './load/fan-out.ts';
import { readPostgresCounters } from './load/postgres-counters.ts';
import { ReceiverPool } from './load/receiver-pool.ts';
import { measureTakeovers } from './load/takeover-latency.ts';
import { measureThroughput } from './load/throughput.ts';
import {
  jsonRequest,
  median,
  percentile,
  printTable,
  sleep,
  startServer,
  startServersInto,
  stopServer,
  type SpawnedServer,
} from './spawn-server.ts';

function intSetting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${process.env[name]}".`);
  return value;
}

const ROUNDS = intSetting('BENCH_ROUNDS', 3);
const THROUGHPUT_SECONDS = intSetting('BENCH_SECONDS', 4);
const SOCKETS = intSetting('BENCH_SOCKETS', 1_000);
const THREADS = intSetting('BENCH_THREADS', 1);
const TAKEOVERS = intSetting('BENCH_TAKEOVERS', 40);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map((item) => {
  const count = Number(item);
  if (!Number.isInteger(count) || count < 1 || count > 9)
    throw new Error(`BENCH_PROCESSES must list process counts from 1 to 9, such as "1,2,3"; got "${process.env.BENCH_PROCESSES}".`);
  return count;
});
const SENDERS = 50;
const FANOUT_MESSAGES = 60;
/** Sent and not measured: the first messages after start run cold (JIT, first NATS round trips). */
const FANOUT_WARMUP_MESSAGES = 10;
/** Pause between fan-out messages, so each is measured alone rather than queued behind the last. */
const FANOUT_GAP_MS = 20;
const RECEIVER_WORKERS = 2;
/** Pause before each measurement, so the last one's work (closing sockets, autovacuum) is done. */
const QUIET_MS = 500;
/** Wait for PostgreSQL's backends to exit (and report their counters) after the servers stopped. */
const COUNTERS_SETTLE_MS = 300;

/**
 * PostgreSQL's durability for the figures: every commit is written to the WAL and the WAL
 * is fsynced (no corruption after a crash), but a commit does not wait for its flush, so a
 * crash of the machine can lose the last fraction of a second of commits. That is the
 * guarantee SQLite gives in the server (WAL, `synchronous = NORMAL`), so the two compare
 * like for like. One extra row measures `synchronous_commit = on` (no commit ever lost).
 */
const POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', max_connections: '300' };

/** Take-overs done before each measured round and not counted (cold paths: JIT, first NATS round trips). */
const TAKEOVER_WARMUP = 3;
/**
 * The demo agent's delay between streamed chunks in these servers: the take-over must find a
 * run still streaming. Only the take-over rounds start runs (the other threads have no agent).
 */
const TAKEOVER_CHUNK_MS = '20';
/**
 * Settings of every server here: the take-over rounds start a visitor conversation (a thread,
 * a socket, a message) per take-over from one address, above the per-minute limits meant for
 * one real visitor.
 */
const BENCH_SERVER_ENV = {
  DEMO_AGENT_CHUNK_MS: TAKEOVER_CHUNK_MS,
  RATE_LIMIT_THREADS_PER_MIN: '1000000',
  RATE_LIMIT_MESSAGES_PER_MIN: '1000000',
  RATE_LIMIT_SOCKETS_PER_MIN: '1000000',
};

const GOALS = { postgresVsSqlite: 0.5, fanoutP99MsAt3: 50, takeoverP95Ms: 200 };

/** A configuration's figures, with its take-over latencies. */
type Measured = MeasuredConfiguration & { takeover?: { textStopMs: number[]; intakeFailedMs: number[]; lateDeltas: number } };

interface Configuration {
  label: string;
  storage: 'sqlite' | 'postgres';
  processes: number;
  /** PostgreSQL waits for the WAL flush of every commit (`synchronous_commit = on`). */
  durable?: boolean;
  throughputOnly?: boolean;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS + 10 });
type Session = { token: string; user: { id: string } };

/** Starts the configuration's server processes: the first alone (it migrates and seeds), then the others. */
async function startProcesses(
  config: Configuration,
  postgresServer: PostgresInstance,
): Promise<{ servers: SpawnedServer[]; nats?: NatsInstance; databaseUrl?: string }> {
  if (config.storage === 'sqlite') return { servers: [await startServer(BENCH_SERVER_ENV)] };
  const databaseUrl = await postgresServer.createDatabase();
  if (config.durable) {
    const sql = postgres(postgresServer.url, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`ALTER DATABASE ${new URL(databaseUrl).pathname.slice(1)} SET synchronous_commit = on`);
    } finally {
      await sql.end();
    }
  }
  const nats = await startNatsServer();
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: nats.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEMO_DATA: 'true',
    ...BENCH_SERVER_ENV,
  };
  const servers: SpawnedServer[] = [];
  try {
    servers.push(await startServer(env));
    await startServersInto(servers, config.processes - 1, env);
  } catch (error) {
    await Promise.all(servers.map((server) => stopServer(server)));
    await nats.stop();
    throw error;
  }
  return { servers, nats, databaseUrl };
}

/** CPU readers for every part of the system under test. */
function cpuParts(
  servers: SpawnedServer[],
  postgresServer: PostgresInstance | undefined,
  nats: NatsInstance | undefined,
  receivers: number[],
) {
  const parts: Record<string, () => number> = {};
  servers.forEach((server, index) => (parts[`server ${index + 1}`] = () => processCpuSeconds(server.child.pid!)));
  const postmaster = postgresServer && postmasterPid(postgresServer.dataDir);
  if (postmaster !== undefined) parts.postgres = () => processTreeCpuSeconds(postmaster);
  if (nats) parts.nats = () => processCpuSeconds(nats.pid);
  parts.load = () => processCpuSeconds(process.pid) + receivers.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  return parts;
}

async function measure(config: Configuration, postgresServer: PostgresInstance): Promise<Measured> {
  console.log(`\n${config.label}`);
  const { servers, nats, databaseUrl } = await startProcesses(config, postgresServer);
  const countersBefore = databaseUrl && (await readPostgresCounters(databaseUrl));
  let messages = 0;
  const ports = servers.map((server) => server.port);
  // The SQLite configuration leaves PostgreSQL idle: its CPU is not that configuration's.
  const parts = (receivers: number[]) => cpuParts(servers, config.storage === 'postgres' ? postgresServer : undefined, nats, receivers);
  const request = <T = unknown>(port: number, method: string, path: string, token: string | null, body?: unknown) =>
    jsonRequest<T>(agent, port, method, path, token, body);
  const result: Measured = { ...config, throughput: [], throughputCpu: [], p50s: [], p99s: [], frames: [], fanoutCpu: [] };
  try {
    const login = async (email: string) =>
      (await request<Session>(ports[0]!, 'POST', '/auth/login', null, { email, password: 'password123' })).json;
    const alice = await login('alice@example.com');
    const bob = await login('bob@example.com');
    const newThread = async (title: string) =>
      (await request<{ id: string }>(ports[0]!, 'POST', '/chat/threads', alice.token, { target_user_ids: [bob.user.id], title })).json.id;
    const threadIds: string[] = [];
    for (let index = 0; index < THREADS; index++) threadIds.push(await newThread(`bench ${index + 1}`));

    for (let round = 0; round < ROUNDS; round++) {
      await sleep(QUIET_MS);
      const before = cpuSnapshot(parts([]));
      const sent = await measureThroughput({ agent, ports, token: alice.token, threadIds, senders: SENDERS, seconds: THROUGHPUT_SECONDS });
      const spent = cpuSpent(before, cpuSnapshot(parts([])));
      messages += sent.committed;
      result.throughput.push(sent.perSecond);
      result.throughputCpu.push({ ...spent, count: sent.committed });
      console.log(
        `  throughput round ${round + 1}: ${Math.round(sent.perSecond)} msg/s${sent.failed ? ` (${sent.failed} sends failed)` : ''}`,
      );
    }
    if (config.throughputOnly) return result;

    const fanoutThread = await newThread('fan-out');
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(QUIET_MS);
      const receivers = await ReceiverPool.open({ ports, token: bob.token, total: SOCKETS, workers: RECEIVER_WORKERS });
      // The message senders take turns over the processes too.
      const burst = (count: number, label: string) =>
        fanOutBurst(receivers, count, FANOUT_GAP_MS, (i) =>
          request(ports[i % ports.length]!, 'POST', `/chat/threads/${fanoutThread}/messages`, alice.token, {
            content: `fan-out ${label} ${round}/${i}`,
            client_message_id: randomUUID(),
          }),
        );
      messages += FANOUT_WARMUP_MESSAGES + FANOUT_MESSAGES;
      await burst(FANOUT_WARMUP_MESSAGES, 'warm-up');
      const before: CpuSnapshot = cpuSnapshot(parts(receivers.pids));
      const latencies = await burst(FANOUT_MESSAGES, 'measured');
      const spent = cpuSpent(before, cpuSnapshot(parts(receivers.pids)));
      await receivers.close();
      const expected = SOCKETS * FANOUT_MESSAGES;
      result.frames.push(`${latencies.length}/${expected}`);
      result.fanoutCpu.push({ ...spent, count: latencies.length });
      result.p50s.push(percentile(latencies, 50));
      result.p99s.push(percentile(latencies, 99));
      console.log(
        `  fan-out round ${round + 1}: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms` +
          (latencies.length === expected ? '' : ` (got ${latencies.length} of ${expected} frames)`),
      );
    }

    // The visitor on the first process (the run runs there), the take-over through the last.
    const takeovers = (count: number) =>
      measureTakeovers({ agent, visitorPort: ports[0]!, takeoverPort: ports.at(-1)!, token: alice.token, count });
    result.takeover = { textStopMs: [], intakeFailedMs: [], lateDeltas: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(QUIET_MS);
      await takeovers(TAKEOVER_WARMUP);
      const measured = await takeovers(TAKEOVERS);
      result.takeover.textStopMs.push(...measured.textStopMs);
      result.takeover.intakeFailedMs.push(...measured.intakeFailedMs);
      result.takeover.lateDeltas += measured.lateDeltas;
      const sorted = [...measured.intakeFailedMs].sort((a, b) => a - b);
      console.log(
        `  take-over round ${round + 1}: intake_failed p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms`,
      );
    }
    return result;
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
    await nats?.stop();
    if (databaseUrl && countersBefore) {
      // The backends report their last counts as they exit, just after the servers closed their connections.
      await sleep(COUNTERS_SETTLE_MS);
      result.postgresCounters = { before: countersBefore, after: await readPostgresCounters(databaseUrl), messages };
    }
  }
}

function configurations(): Configuration[] {
  return [
    { label: 'SQLite, 1 process (in-process hub)', storage: 'sqlite', processes: 1 },
    ...PROCESS_COUNTS.map((count): Configuration => ({
      label: `PostgreSQL + NATS, ${count} process${count === 1 ? '' : 'es'}`,
      storage: 'postgres',
      processes: count,
    })),
    {
      label: 'PostgreSQL + NATS, 1 process, synchronous_commit = on',
      storage: 'postgres',
      processes: 1,
      durable: true,
      throughputOnly: true,
    },
  ];
}

/** p50 and p95 of a list of milliseconds, for a table cell. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 95).toFixed(1)} ms`;
}

/** The take-over table: every take-over of every round together. */
function printTakeovers(results: Measured[]): string[][] {
  const measured = results.filter((result) => result.takeover?.intakeFailedMs.length);
  if (!measured.length) return [];
  console.log(
    `\nTake-over → the run's stream stops on the visitor's socket: ${TAKEOVERS} take-overs a round after ${TAKEOVER_WARMUP} warm-ups, ` +
      `each of a new visitor's conversation while the demo agent streams (a chunk every ${TAKEOVER_CHUNK_MS} ms); with several ` +
      'processes the visitor is on the first (the run runs there) and the take-over goes through the last.\n',
  );
  printTable(
    ['configuration', 'take-overs', 'last text_delta p50 / p95', 'intake_failed p50 / p95', 'text after intake_failed'],
    measured.map((result) => [
      result.label,
      `${result.takeover!.intakeFailedMs.length}`,
      spread(result.takeover!.textStopMs),
      spread(result.takeover!.intakeFailedMs),
      `${result.takeover!.lateDeltas}`,
    ]),
  );
  return measured.map((result) => {
    const p95 = percentile(
      [...result.takeover!.intakeFailedMs].sort((a, b) => a - b),
      95,
    );
    return [
      `take-over p95, ${result.label}`,
      `${p95.toFixed(1)} ms`,
      `≤ ${GOALS.takeoverP95Ms} ms`,
      p95 <= GOALS.takeoverP95Ms && result.takeover!.lateDeltas === 0 ? 'met' : 'MISSED',
    ];
  });
}

function printResults(results: Measured[]): void {
  const sqlite = results.find((result) => result.storage === 'sqlite');
  const sqliteRate = sqlite ? median(sqlite.throughput) : undefined;
  console.log(
    `\nMedians of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}: ${SENDERS} senders for ${THROUGHPUT_SECONDS} s on ${THREADS} thread${THREADS === 1 ? '' : 's'}; ` +
      `fan-out: ${FANOUT_WARMUP_MESSAGES} warm-up then ${FANOUT_MESSAGES} measured messages, ${FANOUT_GAP_MS} ms apart, to ${SOCKETS} sockets ` +
      `(in ${RECEIVER_WORKERS} receiver processes).`,
  );
  console.log(
    'PostgreSQL figures are for fsync = on, synchronous_commit = off (a machine crash may lose the last ~0.6 s of commits, never ' +
      'corrupts: the guarantee of SQLite WAL with synchronous = NORMAL), except the row that says synchronous_commit = on.\n',
  );
  printTable(
    ['configuration', 'committed msg/s', 'vs SQLite', 'fan-out p50', 'fan-out p99', 'frames received'],
    results.map((result) => {
      const rate = median(result.throughput);
      return [
        result.label,
        `${Math.round(rate)}`,
        sqliteRate ? `${Math.round((rate / sqliteRate) * 100)} %` : '—',
        result.p50s.length ? `${median(result.p50s).toFixed(1)} ms` : '—',
        result.p99s.length ? `${median(result.p99s).toFixed(1)} ms` : '—',
        result.frames.join(', ') || '—',
      ];
    }),
  );

  const goals: string[][] = [];
  const single = results.find((result) => result.storage === 'postgres' && result.processes === 1 && !result.durable);
  if (single && sqliteRate) {
    const rate = median(single.throughput);
    const met = rate >= GOALS.postgresVsSqlite * sqliteRate;
    goals.push([
      'PostgreSQL 1-process throughput',
      `${Math.round(rate)} msg/s (${Math.round((rate / sqliteRate) * 100)} % of SQLite)`,
      `≥ ${GOALS.postgresVsSqlite * 100} % of SQLite (${Math.round(GOALS.postgresVsSqlite * sqliteRate)} msg/s)`,
      met ? 'met' : 'MISSED',
    ]);
  }
  const three = results.find((result) => result.storage === 'postgres' && result.processes === 3 && result.p99s.length);
  if (three) {
    const p99 = median(three.p99s);
    goals.push([
      'fan-out p99, 3 processes',
      `${p99.toFixed(1)} ms`,
      `≤ ${GOALS.fanoutP99MsAt3} ms`,
      p99 <= GOALS.fanoutP99MsAt3 ? 'met' : 'MISSED',
    ]);
  }
  goals.push(...printTakeovers(results));
  if (goals.length) {
    console.log('');
    printTable(['goal', 'measured', 'target', ''], goals);
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:cluster — ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} each; every server process in its own process (LOG_LEVEL=warn), ` +
      `node ${process.version}, ${availableParallelism()} cores`,
  );
  const postgresServer = await startPostgres({ settings: POSTGRES_SETTINGS });
  const results: Measured[] = [];
  try {
    for (const config of configurations()) results.push(await measure(config, postgresServer));
  } finally {
    agent.destroy();
    await postgresServer.stop();
  }
  printResults(results);
  printTimeReport(results, availableParallelism());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
