/**
 * A local server of a spec's own, in its own process, that the spec can stop (SIGTERM) and
 * start again on the same port and database, unlike the shared webServer of the config.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequest, APIRequestContext, Browser, BrowserContext } from '@playwright/test';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export class OwnServer {
  private child: ChildProcess | null = null;
  /** What the server printed on stderr, for a failing test's message. */
  stderr = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** A server on `port` (default: a free one) with a fresh database in a temporary folder (not started yet). */
  static async create(env: Record<string, string> = {}, port?: number): Promise<OwnServer> {
    return new OwnServer(port ?? (await freePort()), mkdtempSync(join(tmpdir(), 'ama2-e2e-own-')), env);
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server process (again) on the same port and database; resolves once /healthz answers. */
  async start(): Promise<void> {
    if (this.child) throw new Error('already running');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATABASE_PATH: join(this.dir, 'ama2.sqlite'),
        DEMO_AGENT_CHUNK_MS: '5',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child = child;
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) break;
      try {
        const health = await fetch(`${this.baseURL}/healthz`);
        if (health.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`the server did not start:\n${this.stderr}`);
  }

  /** SIGTERM (the graceful shutdown), then waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server and removes its database. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What a test on a server of its own works with: the server, an API context and a browser context on it. */
export interface OnOwnServer {
  server: OwnServer;
  request: APIRequestContext;
  context: BrowserContext;
}

/**
 * Runs `test` against a server of its own (started with `env`, on `port` or a free one), with an
 * API context and a browser context on it, and closes all three afterwards, whatever happened.
 */
export async function onOwnServer<T>(
  browser: Browser,
  requests: APIRequest,
  options: { env?: Record<string, string>; port?: number },
  test: (own: OnOwnServer) => Promise<T>,
): Promise<T> {
  const server = await OwnServer.create(options.env, options.port);
  await server.start();
  const request = await requests.newContext({ baseURL: server.baseURL });
  const context = await browser.newContext({ baseURL: server.baseURL });
  try {
    return await test({ server, request, context });
  } finally {
    await context.close();
    await request.dispose();
    await server.dispose();
  }
}
