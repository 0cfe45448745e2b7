/**
 * `npm run cluster` — the server as several processes on one machine, the way a deployment
 * runs it (README, "Scaling out"): a local PostgreSQL (Debian's `postgresql`, kept in
 * `data/cluster/`) and a `nats-server`, then CLUSTER_PROCESSES (default 3) server processes
 * on the ports after PORT, and a round-robin balancer on PORT itself, so the inbox is at the
 * usual address. Ctrl-C stops them all. A server process that dies (try `kill -9`) is left
 * dead: its clients reconnect through the balancer to the others and catch up.
 *
 * Settings (environment): PORT (default 8787), CLUSTER_PROCESSES (1–9), CLUSTER_DATA_DIR
 * (default `data/cluster`), CLUSTER_THROWAWAY=true (a fresh temporary cluster, removed on
 * exit, durability off: for the end-to-end tests). Every other setting passes to the servers.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startNatsServer, type NatsInstance } from './nats-instance.ts';
import { POSTGRES_SUPERUSER, startPostgres, type PostgresInstance } from './postgres-instance.ts';
import { TcpBalancer } from './tcp-balancer.ts';
import { readOrCreatePrivateFile } from '../storage/private-files.ts';

/** How long a server process may take to answer /readyz after it was started. */
const SERVER_READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 100;
/** How long the servers may take to shut down gracefully before they are killed. */
const SERVER_STOP_TIMEOUT_MS = 12_000;
const DATABASE_NAME = 'ama2';
/** A local cluster keeps its data: PostgreSQL runs durably (the test settings turn that off). */
const DURABLE_SETTINGS = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', max_connections: '200' };

class ClusterError extends Error {}

function intSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ClusterError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  return value;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Where PostgreSQL keeps the cluster: under the data directory, unless the `postgres` user
 * (PostgreSQL refuses to run as root) cannot reach it, as in a checkout under /root; then a
 * folder of its own in the temp directory, named after the data directory so it is reused.
 */
function postgresDir(dataDir: string): string {
  const wanted = join(dataDir, 'postgres');
  if (!isRoot()) return wanted;
  mkdirSync(dataDir, { recursive: true });
  try {
    execFileSync('runuser', ['-u', POSTGRES_SUPERUSER, '--', 'test', '-x', dataDir], { stdio: 'ignore' });
    return wanted;
  } catch {
    const key = Buffer.from(dataDir).toString('base64url').slice(-40);
    const fallback = join(tmpdir(), `ama2-cluster-postgres-${key}`);
    console.log(`  (The postgres user cannot reach ${dataDir}; PostgreSQL keeps its data in ${fallback}.)`);
    return fallback;
  }
}

/**
 * The cluster's data encryption key: DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_FILE as given,
 * else a key file generated once beside its data (0600), which every process is given by path.
 */
function dataKeySettings(dataDir: string): NodeJS.ProcessEnv {
  if (process.env.DATA_ENCRYPTION_KEY) return { DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY };
  if (process.env.DATA_ENCRYPTION_KEY_FILE) return { DATA_ENCRYPTION_KEY_FILE: process.env.DATA_ENCRYPTION_KEY_FILE };
  const file = join(dataDir, 'data-key');
  readOrCreatePrivateFile(file, () => `${randomBytes(32).toString('base64')}\n`);
  return { DATA_ENCRYPTION_KEY_FILE: file };
}

/** The cluster's JWT secret, kept beside its data: every process must sign and check with the same one. */
function jwtSecret(dataDir: string): string {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function createDatabaseIfMissing(postgres: PostgresInstance): Promise<string> {
  try {
    return await postgres.createDatabase(DATABASE_NAME);
  } catch (error) {
    // 42P04: it exists (a cluster started before).
    if ((error as { code?: string }).code === '42P04') return postgres.databaseUrl(DATABASE_NAME);
    throw error;
  }
}

interface ServerProcess {
  index: number;
  port: number;
  child: ChildProcess;
}

/** Prefixes every line a child prints, so three servers' logs can be told apart. */
function relay(child: ChildProcess, prefix: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`${prefix} ${line}`));
  }
}

async function waitHealthy(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new ClusterError(`Server ${server.index} exited during start (code ${server.child.exitCode}); see its lines above.`);
    try {
      if ((await fetch(`http://127.0.0.1:${server.port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, READY_POLL_MS));
  }
  throw new ClusterError(`Server ${server.index} did not answer on port ${server.port} within ${SERVER_READY_TIMEOUT_MS / 1000} s.`);
}

function startServer(index: number, port: number, env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  relay(child, `[server ${index}]`);
  return { index, port, child };
}

function stopServer(server: ServerProcess): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const basePort = intSetting('PORT', 8787, 1, 65_000);
  const count = intSetting('CLUSTER_PROCESSES', 3, 1, 9);
  const throwaway = process.env.CLUSTER_THROWAWAY === 'true';
  const dataDir = throwaway ? mkdtempSync(join(tmpdir(), 'ama2-cluster-')) : resolve(process.env.CLUSTER_DATA_DIR || 'data/cluster');
  mkdirSync(dataDir, { recursive: true });

  let postgres: PostgresInstance | undefined;
  let nats: NatsInstance | undefined;
  let balancer: TcpBalancer | undefined;
  const servers: ServerProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the balancer, the servers, NATS and PostgreSQL…');
    await balancer?.close();
    await Promise.all(servers.map(stopServer));
    await nats?.stop();
    await postgres?.stop();
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    console.log(`Starting PostgreSQL${throwaway ? ' (throwaway)' : ` in ${dataDir}`}…`);
    postgres = await startPostgres(throwaway ? {} : { baseDir: postgresDir(dataDir), settings: DURABLE_SETTINGS });
    const databaseUrl = await createDatabaseIfMissing(postgres);
    console.log('Starting nats-server…');
    nats = await startNatsServer(throwaway ? {} : { storeDir: join(dataDir, 'nats') });

    const env: NodeJS.ProcessEnv = {
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      JWT_SECRET: jwtSecret(dataDir),
      ...dataKeySettings(dataDir),
      // A local cluster is a demo: Alice, Bob and the demo agent, as with `npm start`.
      DEMO_DATA: process.env.DEMO_DATA ?? 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // The balancer appends each client's address to X-Forwarded-For: one trusted hop. (With
      // another proxy in front of the balancer, set TRUST_PROXY=2.)
      TRUST_PROXY: process.env.TRUST_PROXY || '1',
    };
    const ports = Array.from({ length: count }, (_, offset) => basePort + 1 + offset);
    // The first one migrates and seeds; the others start on a ready database.
    servers.push(startServer(1, ports[0]!, env));
    await waitHealthy(servers[0]!);
    for (const [offset, port] of ports.slice(1).entries()) servers.push(startServer(offset + 2, port, env));
    await Promise.all(servers.slice(1).map(waitHealthy));
    for (const server of servers) {
      server.child.once('exit', (code, signal) => {
        if (!stopping) console.log(`[server ${server.index}] exited (${signal ?? `code ${code}`}); the others go on serving.`);
      });
    }

    // New connections go to the processes that can serve (database and NATS reachable).
    balancer = new TcpBalancer(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      Date.now,
      { healthCheckPath: '/readyz' },
    );
    await balancer.listen(basePort, '127.0.0.1');
    console.log(
      [
        '',
        `  AMA2 cluster: ${count} server process${count === 1 ? '' : 'es'} on PostgreSQL and NATS`,
        `  Inbox:        http://localhost:${basePort}/  (round-robin over the processes)`,
        ...servers.map((server) => `  Server ${server.index}:     http://localhost:${server.port}/  (pid ${server.child.pid})`),
        `  PostgreSQL:   ${postgres.databaseUrl(DATABASE_NAME)}`,
        `  NATS:         ${nats.url}`,
        env.DEMO_DATA === 'true' ? '  Sign in as:   alice@example.com or bob@example.com  password: password123' : '',
        '  Ctrl-C stops them all.',
        '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  } catch (error) {
    console.error(`Could not start the cluster: ${(error as Error).message}`);
    await stopAll(1);
  }
}

void main();
