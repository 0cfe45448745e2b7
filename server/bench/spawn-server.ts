/** Helpers shared by the benchmark scripts: a real server in its own process, JSON requests, statistics. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How long a server may take to answer /healthz: on a machine shared with other work, tsx
 * compiling the server and the first migration took more than 20 s (the former limit).
 */
const START_TIMEOUT_MS = 90_000;
const START_POLL_MS = 100;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

/** BENCH_PORT_BASE: the servers a bench starts take free ports from there up (a shared machine's own range), else any free port. */
let nextBasePort = Number(process.env.BENCH_PORT_BASE ?? 0);
/** Ports tried from BENCH_PORT_BASE before giving up. */
const PORT_RANGE = 100;

/** Listens on `port` (0: any) and closes again; the port it got, or null when it was taken. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

async function freePort(): Promise<number> {
  if (nextBasePort <= 0) {
    const port = await tryPort(0);
    if (port === null) throw new Error('no free port');
    return port;
  }
  const base = Number(process.env.BENCH_PORT_BASE);
  while (nextBasePort < base + PORT_RANGE) {
    const port = await tryPort(nextBasePort++);
    if (port !== null) return port;
  }
  throw new Error(`no free port in ${base}–${base + PORT_RANGE - 1} (BENCH_PORT_BASE)`);
}

/** A JSON request over a keep-alive agent (cheaper per call than fetch, so the load generator stays light). */
export function jsonRequest<T = unknown>(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `/api/v1${path}`,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: (text ? JSON.parse(text) : null) as T });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  dir: string;
}

/**
 * Starts `server/src/main.ts` on a free port with a fresh database; resolves once /healthz
 * answers. `env` overrides the settings below (the UI benchmark streams at DEMO_AGENT_CHUNK_MS=5).
 */
export async function startServer(env: Record<string, string> = {}): Promise<SpawnedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-bench-'));
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS passes flags to the server process, e.g. "--cpu-prof" to profile it.
  const extraArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'bench.sqlite'),
      LOG_LEVEL: 'warn',
      DEMO_AGENT_CHUNK_MS: '0',
      ...env,
    },
    // BENCH_SERVER_STDOUT=1 shows the server's standard output (e.g. --trace-gc in BENCH_SERVER_NODE_ARGS).
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT === '1' ? 'inherit' : 'ignore', 'inherit'],
  });
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (health.ok) return { child, port, dir };
    } catch {
      // not up yet
    }
    await sleep(START_POLL_MS);
  }
  const exited = child.exitCode !== null || child.signalCode !== null;
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(
    exited
      ? `server exited before answering (${child.exitCode ?? child.signalCode}); its errors are above`
      : `server did not answer /healthz within ${START_TIMEOUT_MS / 1000} s`,
  );
}

/**
 * Starts `count` servers at once with the same settings, each put in `started` as soon as it
 * answers, and settles only once every start has: when one fails, the others that did start
 * are in `started` for the caller's cleanup to stop (with `Promise.all` the failure came
 * first, and a server still starting then was left running).
 */
export async function startServersInto(started: SpawnedServer[], count: number, env: Record<string, string> = {}): Promise<void> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      started.push(await startServer(env));
    }),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

export async function stopServer(server: Pick<SpawnedServer, 'child' | 'dir'>): Promise<void> {
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  rmSync(server.dir, { recursive: true, force: true });
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((r) => r[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
