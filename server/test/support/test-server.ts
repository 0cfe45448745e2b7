import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig, type ServerConfig } from '../../src/config.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import { createDatabase } from '../../src/dev/postgres-instance.ts';
import './postgres-context.ts';
import type { User } from '../../../src/core/protocol/model.ts';
import { TEST_DATA_KEY, withDataKey } from './data-key.ts';

export interface TestServer {
  app: App;
  config: ServerConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  /** Everything logged so far. */
  logFile: string;
  login(email: string, password?: string): Promise<{ token: string; user: User }>;
  /** Adds a user straight into storage and signs them in. */
  addUser(name: string): Promise<{ token: string; user: User }>;
  close(): Promise<void>;
}

/** Settings for tests: an ephemeral port, a temp database, instant agent, generous limits. */
const TEST_ENV: NodeJS.ProcessEnv = {
  PORT: '0',
  HOST: '127.0.0.1',
  DEMO_AGENT_CHUNK_MS: '0',
  LOG_LEVEL: 'debug',
  RATE_LIMIT_THREADS_PER_MIN: '100000',
  RATE_LIMIT_MESSAGES_PER_MIN: '100000',
  RATE_LIMIT_SOCKETS_PER_MIN: '100000',
  RATE_LIMIT_UPLOADS_PER_MIN: '100000',
  RATE_LIMIT_LOGINS_PER_MIN: '100000',
  RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '100000',
  RATE_LIMIT_LOGIN_FAILURES_PER_HOUR: '100000',
  WEBHOOK_RETRY_BASE_MS: '20',
  // The webhook tests' receivers listen on 127.0.0.1; the refusal tests turn this off.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  STATIC_DIR: '/nonexistent-static-dir',
};

let passwordHash: Promise<string> | undefined;

/**
 * With `TEST_STORAGE=postgres`, every test server gets a fresh database on the run's
 * PostgreSQL server instead of its SQLite file: the whole contract suite then runs on
 * PostgreSQL (`TEST_STORAGE=postgres npx vitest run --project server server/test/contract`).
 */
async function storageEnv(dir: string, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const sqlite = { DATABASE_PATH: join(dir, 'db.sqlite') };
  if (process.env.TEST_STORAGE !== 'postgres' || env.DATABASE_URL !== undefined || env.DATABASE_PATH !== undefined) return sqlite;
  const postgresUrl = inject('postgresUrl');
  if (!postgresUrl) throw new Error('TEST_STORAGE=postgres, but this run has no PostgreSQL server (see postgres-global-setup.ts).');
  // The contract tests sign in as the seeded demo users.
  return { ...sqlite, DATABASE_URL: await createDatabase(postgresUrl), DEMO_DATA: 'true', DATA_ENCRYPTION_KEY: TEST_DATA_KEY };
}

/**
 * Starts a real server on a real port with its own SQLite file (or PostgreSQL database: see
 * {@link storageEnv}), or on the `storage` given: several servers can share one.
 */
export async function startTestServer(
  env: NodeJS.ProcessEnv = {},
  options: Pick<AppOptions, 'resolveHost' | 'storage' | 'seed' | 'notificationChannels' | 'deliveryTurns'> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-test-'));
  const config = loadConfig(withDataKey({ ...TEST_ENV, ...(await storageEnv(dir, env)), ...env }));
  const logFile = join(inject('logDir'), `${randomUUID()}.log`);
  const stream: WriteStream = createWriteStream(logFile);
  const app = await createApp(config, { ...options, logStream: stream });
  const url = await app.listen();
  const base = url.replace('localhost', '127.0.0.1');

  async function login(email: string, password = 'password123') {
    const response = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`login failed for ${email}: ${response.status}`);
    return (await response.json()) as { token: string; user: User };
  }

  return {
    app,
    config,
    url: base,
    wsUrl: base.replace('http', 'ws'),
    logFile,
    login,
    async addUser(name) {
      passwordHash ??= hashPassword('password123');
      const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
      await app.context.storage.users.create({ id: randomUUID(), email, name, avatarUrl: null, passwordHash: await passwordHash });
      return login(email);
    },
    async close() {
      await app.close();
      await new Promise<void>((resolve) => stream.end(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A REST call with JSON in and out. `body` is sent as JSON unless it is already a string. */
export async function api<T = any>(
  server: { url: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${server.url}/api/v1${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** The seeded demo world: Alice, Bob, the demo agent and their thread. */
export async function demoWorld(server: TestServer) {
  const alice = await server.login('alice@example.com');
  const bob = await server.login('bob@example.com');
  const threads = await api(server, 'GET', '/chat/threads', { token: alice.token });
  const welcome = threads.body.threads.find((thread: { title: string }) => thread.title === 'Welcome');
  const agents = await api(server, 'GET', '/agents', { token: alice.token });
  const demoAgent = agents.body.agents.find((agent: { slug: string }) => agent.slug === 'demo');
  return { alice, bob, welcome, demoAgent } as {
    alice: { token: string; user: User };
    bob: { token: string; user: User };
    welcome: { id: string; last_seq: number };
    demoAgent: { id: string; sender_id: string };
  };
}

/** Creates a thread between the given users with no agent (so nothing answers). */
export async function createThread(
  server: TestServer,
  token: string,
  body: { target_user_ids: string[]; agent_ids?: string[]; title?: string; participation_mode?: string; initial_message?: string },
) {
  const response = await api(server, 'POST', '/chat/threads', { token, body });
  if (response.status !== 201) throw new Error(`create thread failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; last_seq: number; participants: { sender_id: string }[] };
}

export const sendBody = (content: string, clientMessageId: string = randomUUID()) => ({ content, client_message_id: clientMessageId });

/** Signs a token the way the server does, but with an `exp` an hour in the past. */
export async function expiredToken(server: TestServer, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now - 7_200)
    .setExpirationTime(now - 3_600)
    .sign(new TextEncoder().encode(server.config.jwtSecret));
}

/** Every key of the message object (CONTRACT §4), sorted. */
export const MESSAGE_KEYS = [
  'id',
  'thread_id',
  'thread_seq',
  'sender_id',
  'role',
  'content',
  'client_message_id',
  'mentions',
  'base_seq',
  'latest_seen_seq',
  'created_at',
].sort();
