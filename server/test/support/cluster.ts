import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.ts';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.ts';
import type { UserRecord } from '../../src/storage/storage.ts';
import { TEST_DATA_KEY, testDataKey } from './data-key.ts';
import { natsUrl, uniqueOrg } from './nats.ts';
import { freshDatabase, postgresUrl } from './postgres.ts';
import { startChildServer, type ChildServer } from './test-cluster.ts';
import { api } from './test-server.ts';

/** Whether this run has both PostgreSQL and NATS, which {@link startCluster} needs. */
export const clusterAvailable = natsUrl !== null && postgresUrl !== null;

/**
 * The settings every member of a cluster shares, on the given database: one signing secret,
 * one data key, no demo data, and (when `nats` is on) the run's nats-server with a subject
 * org of its own, so that test clusters never hear each other.
 */
export function clusterSettings(database: NodeJS.ProcessEnv, nats = true): NodeJS.ProcessEnv {
  if (nats && natsUrl === null) throw new Error('NATS is not available in this run.');
  return {
    ...database,
    ...(nats ? { NATS_URL: natsUrl!, NATS_ORG: uniqueOrg() } : {}),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    DEMO_DATA: 'false',
  };
}

export interface ClusterOptions {
  /** How many server processes to start. */
  processes: number;
  /** Settings beyond the shared ones of {@link clusterSettings} (they win over those). */
  env?: NodeJS.ProcessEnv;
  /** Settings of one process only, by its index (e.g. its own PGAPPNAME). */
  envOf?(index: number): NodeJS.ProcessEnv;
  /** Whether the processes share the run's nats-server (default true). */
  nats?: boolean;
  /**
   * Runs on the fresh, migrated database before any process starts, as `npm run admin` or a
   * previous deployment would have filled it (users, agents, demo data).
   */
  prepare?(storage: PostgresStorage): Promise<unknown>;
}

/** Real server processes on one fresh PostgreSQL database and (by default) one NATS. */
export interface Cluster {
  /** The processes in start order; {@link Cluster.start} appends. */
  servers: ChildServer[];
  /** The database every process uses. */
  databaseUrl: string;
  /** The settings every process got (without its {@link ClusterOptions.envOf} extras). */
  env: NodeJS.ProcessEnv;
  /** The test's own connection to the database, to read or change rows no process hears of. */
  sql: postgres.Sql;
  /** Starts one more process on the cluster's settings (plus `extra`); `stop` stops it too. */
  start(extra?: NodeJS.ProcessEnv): Promise<ChildServer>;
  /** Kills every process (a frozen one is woken first) and closes the database connection. */
  stop(): Promise<void>;
}

/**
 * Starts `processes` server processes on a fresh PostgreSQL database: the first alone, since
 * it migrates, then the others at once. Tokens work on every member.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const databaseUrl = await freshDatabase();
  if (options.prepare) {
    const storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    try {
      await options.prepare(storage);
    } finally {
      await storage.close();
    }
  }
  const env = { ...clusterSettings({ DATABASE_URL: databaseUrl }, options.nats ?? true), ...options.env };
  const servers: ChildServer[] = [];
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const cluster: Cluster = {
    servers,
    databaseUrl,
    env,
    sql,
    async start(extra = {}) {
      const server = await startChildServer({ ...env, ...extra });
      servers.push(server);
      return server;
    },
    async stop() {
      // A process a test froze (SIGSTOP) is woken, so that nothing of it is left stopped.
      for (const { process } of servers) if (process.exitCode === null && process.signalCode === null) process.kill('SIGCONT');
      await Promise.all(servers.map((server) => server.kill()));
      await sql.end();
    },
  };
  const extraOf = (index: number) => options.envOf?.(index) ?? {};
  try {
    if (options.processes > 0) await cluster.start(extraOf(0));
    const rest = Array.from({ length: options.processes - 1 }, (_, i) => startChildServer({ ...env, ...extraOf(i + 1) }));
    servers.push(...(await Promise.all(rest)));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** A signed-in user as `POST /auth/login` answers. */
export interface Session {
  token: string;
  user: { id: string; email: string };
}

/** Signs in through `server` and expects it to succeed. */
export async function signIn(server: { url: string }, email: string, password: string): Promise<Session> {
  const response = await api(server, 'POST', '/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return response.body as Session;
}

/** Creates users with one password, as `npm run admin -- create-user` would. */
export async function createUsers(
  storage: PostgresStorage,
  people: readonly { email: string; name: string }[],
  password: string,
): Promise<UserRecord[]> {
  const passwordHash = await hashPassword(password);
  const users: UserRecord[] = [];
  for (const { email, name } of people) {
    users.push(await storage.users.create({ id: randomUUID(), email, name, avatarUrl: null, passwordHash }));
  }
  return users;
}
