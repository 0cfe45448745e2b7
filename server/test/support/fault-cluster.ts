import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/auth/passwords.ts';
import { TcpBalancer } from '../../src/dev/tcp-balancer.ts';
import { startNatsServer, type NatsInstance } from '../../src/dev/nats-instance.ts';
import { createDatabase, freePort, startPostgres, type PostgresInstance } from '../../src/dev/postgres-instance.ts';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.ts';
import { testDataKey } from './data-key.ts';
import { startChildServer, type ChildServer } from './test-cluster.ts';
import { api } from './test-server.ts';
import { uniqueOrg } from './nats.ts';

const PASSWORD = 'a long enough password';
/** How often the balancer asks each process's /readyz in these tests. */
const BALANCER_HEALTH_INTERVAL_MS = 200;
/** How often recovery is polled (a measurement's resolution). */
const RECOVERY_POLL_MS = 20;
/** Longest a recovery may take before the test gives up waiting. */
const RECOVERY_WAIT_MS = 30_000;

export interface Session {
  token: string;
  user: { id: string };
}

/**
 * An operator's deployment in miniature, for fault injection: its OWN PostgreSQL and NATS
 * (they are stopped and started again, so never the run's shared ones), three server
 * processes, and a balancer in front that routes by `/readyz`. Two users share a thread.
 */
export interface FaultCluster {
  /** The processes by index; null once stopped or killed. */
  servers: (ChildServer | null)[];
  /** The balancer's base URL (http://127.0.0.1:<port>). */
  url: string;
  wsUrl: string;
  sender: Session;
  reader: Session;
  threadId: string;
  /** Fast shutdown of PostgreSQL (its data stays); {@link startPostgresAgain} brings it back on the same port. */
  stopPostgres(): Promise<void>;
  startPostgresAgain(): Promise<void>;
  /** SIGKILL of nats-server; {@link startNatsAgain} starts a new one on the same port. */
  killNats(): Promise<void>;
  startNatsAgain(): Promise<void>;
  /** SIGTERM to one server process (a rolling restart's stop); resolves when it exited, with its exit code. */
  terminate(index: number): Promise<number | null>;
  /**
   * Milliseconds from now until every live process answers `path` (`/readyz`, or an API read
   * with `token`) with 200, asked of each process directly.
   */
  timeUntilAllAnswer(path: string, token?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startFaultCluster(processes = 3): Promise<FaultCluster> {
  const baseDir = mkdtempSync(join(tmpdir(), 'ama2-faults-pg-'));
  const pgPort = await freePort();
  let postgres: PostgresInstance | null = await startPostgres({ baseDir, port: pgPort });
  let nats: NatsInstance | null = await startNatsServer();
  const natsPort = nats.port;
  const servers: (ChildServer | null)[] = [];
  let balancer: TcpBalancer | undefined;
  const close = async () => {
    await balancer?.close();
    await Promise.all(servers.map(async (server) => server?.kill()));
    await nats?.stop();
    await postgres?.stop();
    rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    const databaseUrl = await createDatabase(postgres.url);
    const storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    const passwordHash = await hashPassword(PASSWORD);
    const emails = ['sender', 'reader'].map((name) => `${name}-${randomUUID()}@example.com`);
    for (const [index, email] of emails.entries()) {
      await storage.users.create({ id: randomUUID(), email, name: index === 0 ? 'Sender' : 'Reader', avatarUrl: null, passwordHash });
    }
    await storage.close();
    const env = {
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      NATS_ORG: uniqueOrg(),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      DEMO_DATA: 'false',
      RATE_LIMIT_MESSAGES_PER_MIN: '100000',
      RATE_LIMIT_SOCKETS_PER_MIN: '100000',
      RATE_LIMIT_LOGINS_PER_MIN: '100000',
    };
    servers.push(await startChildServer(env));
    servers.push(...(await Promise.all(Array.from({ length: processes - 1 }, () => startChildServer(env)))));
    balancer = new TcpBalancer(
      servers.map((server) => ({ host: '127.0.0.1', port: Number(new URL(server!.url).port) })),
      Date.now,
      { healthCheckPath: '/readyz', healthCheckIntervalMs: BALANCER_HEALTH_INTERVAL_MS },
    );
    const url = `http://127.0.0.1:${await balancer.listen(0)}`;
    const [sender, reader] = await Promise.all(
      emails.map(async (email) => {
        const login = await api({ url }, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
        if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
        return login.body as Session;
      }),
    );
    const created = await api({ url }, 'POST', '/chat/threads', {
      token: sender!.token,
      body: { target_user_ids: [reader!.user.id], title: 'faults' },
    });
    if (created.status !== 201) throw new Error(`thread not created: ${created.status}`);

    return {
      servers,
      url,
      wsUrl: url.replace('http', 'ws'),
      sender: sender!,
      reader: reader!,
      threadId: created.body.id as string,
      async stopPostgres() {
        await postgres?.stop();
        postgres = null;
      },
      async startPostgresAgain() {
        postgres = await startPostgres({ baseDir, port: pgPort });
      },
      async killNats() {
        process.kill(nats!.pid, 'SIGKILL');
        await nats!.stop();
        nats = null;
      },
      async startNatsAgain() {
        nats = await startNatsServer({ port: natsPort });
      },
      async terminate(index) {
        const child = servers[index]!.process;
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        const code = await exited;
        await servers[index]!.kill();
        servers[index] = null;
        return code;
      },
      async timeUntilAllAnswer(path, token) {
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const started = performance.now();
        const live = servers.filter((server): server is ChildServer => server !== null);
        // Asked of each process directly: the balancer would hide one that is not back.
        const pending = new Set(live);
        while (pending.size > 0) {
          if (performance.now() - started > RECOVERY_WAIT_MS) throw new Error(`not ready after ${RECOVERY_WAIT_MS} ms`);
          await Promise.all(
            [...pending].map(async (server) => {
              const ready = await fetch(`${server.url}${path}`, { headers }).catch(() => null);
              if (ready?.status === 200) pending.delete(server);
              await ready?.body?.cancel();
            }),
          );
          if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, RECOVERY_POLL_MS));
        }
        return Math.round(performance.now() - started);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
