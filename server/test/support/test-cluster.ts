import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.ts';
import { uniqueOrg } from './nats.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { TEST_DATA_KEY, testDataKey, withDataKey } from './data-key.ts';

/** How long a child server may take to start. */
const CHILD_START_TIMEOUT_MS = 60_000;

/** Several servers on one NATS and one storage, as separate processes would be, in this test process. */
export interface TestCluster {
  servers: TestServer[];
  /** The settings every member shares (NATS_URL, NATS_ORG, JWT_SECRET, DATA_ENCRYPTION_KEY, DATABASE_PATH). */
  env: NodeJS.ProcessEnv;
  storage: SqliteStorage;
  close(): Promise<void>;
}

/**
 * Starts `count` apps, each with its own NATS connection, on the same nats-server and one
 * shared storage object (the first one seeds the demo data). Tokens work on every member.
 */
export async function startTestCluster(natsUrl: string, count: number): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-cluster-'));
  const databasePath = join(dir, 'db.sqlite');
  const storage = new SqliteStorage(databasePath, testDataKey());
  const env = {
    NATS_URL: natsUrl,
    NATS_ORG: uniqueOrg(),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    DATABASE_PATH: databasePath,
  };
  const servers: TestServer[] = [];
  for (let index = 0; index < count; index++) {
    servers.push(await startTestServer(env, { storage, seed: index === 0 }));
  }
  return {
    servers,
    env,
    storage,
    async close() {
      await Promise.all(servers.map((server) => server.close()));
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server in a child process of its own, to be killed like a real one. */
export interface ChildServer {
  url: string;
  wsUrl: string;
  process: ChildProcess;
  /** SIGKILL: no socket closes, no goodbye on NATS. */
  kill(): Promise<void>;
}

/** Starts `child-server.ts` in its own Node process on the cluster's NATS and database file. */
export async function startChildServer(env: NodeJS.ProcessEnv): Promise<ChildServer> {
  const logFile = join(inject('logDir'), `${randomUUID()}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child-server.ts')], {
    env: withDataKey({ ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', STATIC_DIR: '/nonexistent-static-dir' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child server did not start:\n${out}`)), CHILD_START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^LISTENING (\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited (${code}) before it listened:\n${out}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    wsUrl: url.replace('http', 'ws'),
    process: child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      log.end();
    },
  };
}
