import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JWT_PATTERN } from '../support/global-setup.ts';
import { api, sendBody } from '../support/test-server.ts';
import { TestSocket, sleep, userSocketUrl } from '../support/test-socket.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The URL the startup banner names (the port the server bound: it is started with PORT=0). */
const BANNER_URL = /http:\/\/localhost:(\d+)/;

/** The real server (`node --import tsx server/src/main.ts`) as a child process. */
class ServerProcess {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** Known once the banner names it. */
  url = '';

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  static async start(databasePath: string): Promise<ServerProcess> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The system picks a free port as the server binds (a port probed free beforehand may be
      // taken by another test's server before this one binds it).
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      DEMO_AGENT_CHUNK_MS: '0',
      LOG_LEVEL: 'warn',
    };
    delete env.JWT_SECRET;
    delete env.ALLOWED_ORIGINS;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    await server.waitUntilHealthy();
    return server;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Waits for the banner's URL, then polls /healthz until it answers 200, or fails with the process output. */
  async waitUntilHealthy(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`server exited early (${JSON.stringify(this.exitInfo)}):\n${this.output}`);
      const port = BANNER_URL.exec(this.output)?.[1];
      if (port === undefined) {
        await sleep(100);
        continue;
      }
      this.url = `http://127.0.0.1:${port}`;
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server did not become healthy within ${timeoutMs} ms:\n${this.output}`);
  }

  stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

describe('restart (CONTRACT §10)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-restart-'));
  const databasePath = join(dir, 'ama2.sqlite');
  const processes: ServerProcess[] = [];
  const sockets: TestSocket[] = [];
  const rawConnections: Socket[] = [];

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    for (const connection of rawConnections) connection.destroy();
    for (const server of processes) {
      if (server.running) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('shuts down gracefully on SIGTERM and comes back with the log, the tokens and the seqs intact', { timeout: 120_000 }, async () => {
    const first = await ServerProcess.start(databasePath);
    processes.push(first);
    const port = new URL(first.url).port;

    // The startup output names the URL and the demo credentials.
    expect(first.output).toContain(`http://localhost:${port}`);
    expect(first.output).toContain('alice@example.com');
    expect(first.output).toContain('bob@example.com');
    expect(first.output).toContain('password123');

    // The generated JWT secret is kept beside the database, readable by its owner only.
    const secretFiles = readdirSync(dir).filter((name) => /secret/i.test(name));
    expect(secretFiles).toHaveLength(1);
    const secretFile = join(dir, secretFiles[0]!);
    const secret = readFileSync(secretFile, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(statSync(secretFile).mode & 0o077).toBe(0);

    const login = async (url: string, email: string) => {
      const response = await api({ url }, 'POST', '/auth/login', { body: { email, password: 'password123' } });
      expect(response.status).toBe(200);
      expect(response.body.token).toMatch(JWT_PATTERN);
      return response.body as { token: string; user: { id: string } };
    };
    const alice = await login(first.url, 'alice@example.com');
    const bob = await login(first.url, 'bob@example.com');
    const created = await api({ url: first.url }, 'POST', '/chat/threads', {
      token: alice.token,
      body: { target_user_ids: [bob.user.id] },
    });
    expect(created.status).toBe(201);
    const threadId = created.body.id as string;
    for (const [index, sender] of [alice, bob, alice, bob, alice].entries()) {
      const sent = await api({ url: first.url }, 'POST', `/chat/threads/${threadId}/messages`, {
        token: sender.token,
        body: sendBody(`before restart ${index}`),
      });
      expect(sent.status).toBe(201);
      expect(sent.body.message.thread_seq).toBe(created.body.last_seq + index + 1);
    }
    const logBefore = await api({ url: first.url }, 'GET', `/chat/threads/${threadId}/events?limit=200`, { token: alice.token });
    expect(logBefore.body.has_more).toBe(false);
    const lastSeq = logBefore.body.events.at(-1).thread_seq as number;
    expect(lastSeq).toBe(created.body.last_seq + 5);
    const usersBefore = await api({ url: first.url }, 'GET', '/users', { token: alice.token });

    const socket = TestSocket.open(userSocketUrl(first.url.replace('http', 'ws'), alice.token));
    sockets.push(socket);
    await socket.ready();

    // A connection that was opened and never used (as browsers preconnect) must not hold the shutdown.
    const idle = connect(Number(port), '127.0.0.1');
    rawConnections.push(idle);
    await new Promise((resolve) => idle.once('connect', resolve));

    // SIGTERM: the socket is told to come back later (4503), and the process exits cleanly
    // (a shutdown that hangs is forced after 10 s with exit code 1).
    first.child.kill('SIGTERM');
    const closed = await socket.closed;
    expect(closed.code).toBe(4503);
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    // Again, on the same database file.
    const second = await ServerProcess.start(databasePath);
    processes.push(second);
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);

    // The old token still works: the secret was kept.
    const me = await api({ url: second.url }, 'GET', '/me', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.user.id);

    // The log is intact: same events, same seqs; the demo data was not seeded twice.
    const logAfter = await api({ url: second.url }, 'GET', `/chat/threads/${threadId}/events?limit=200`, { token: alice.token });
    expect(logAfter.status).toBe(200);
    expect(logAfter.body).toEqual(logBefore.body);
    const usersAfter = await api({ url: second.url }, 'GET', '/users', { token: alice.token });
    expect(usersAfter.body).toEqual(usersBefore.body);

    // New messages continue the log without a hole.
    const next = await api({ url: second.url }, 'POST', `/chat/threads/${threadId}/messages`, {
      token: bob.token,
      body: sendBody('after restart'),
    });
    expect(next.status).toBe(201);
    expect(next.body.message.thread_seq).toBe(lastSeq + 1);
    const thread = await api({ url: second.url }, 'GET', `/chat/threads/${threadId}`, { token: alice.token });
    expect(thread.body).toMatchObject({ last_seq: lastSeq + 1, last_message: { content: 'after restart' } });

    // A socket on the new process works with the old token.
    const again = TestSocket.open(userSocketUrl(second.url.replace('http', 'ws'), alice.token));
    sockets.push(again);
    await again.ready();
    await again.close();

    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
