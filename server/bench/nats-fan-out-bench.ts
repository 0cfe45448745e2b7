/**
 * `npm run bench:nats` — fan-out latency (commit → receipt) on one thread with 500 sockets:
 * one app on the in-process hub, one app on NATS, and three apps on NATS with the sockets
 * spread over them (the apps run in this process and share one storage; the sockets live in
 * a child process, so the load generator does not queue behind the servers). Prints a table;
 * asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startNatsServer } from '../src/dev/nats-instance.ts';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import { jsonRequest, percentile, printTable, sleep } from './spawn-server.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 500);
const MESSAGES = 60;
/** Sent and not measured: the first messages run cold (JIT, first NATS round trips). */
const WARMUP_MESSAGES = 10;
/** Pause between messages, so each is measured alone rather than queued behind the last. */
const GAP_MS = 20;
const RECEIVER_ENV = 'BENCH_NATS_RECEIVER';

const agent = new http.Agent({ keepAlive: true });

/** Receiver side: opens the sockets round-robin over the ports, records latencies, reports on request. */
function receiver(): void {
  const { ports, token, count } = JSON.parse(process.env[RECEIVER_ENV]!) as { ports: number[]; token: string; count: number };
  let latencies: number[] = [];
  const sockets = Array.from({ length: count }, (_, index) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ports[index % ports.length]}/api/v1/chat/ws/user/threads`, ['auth', token]);
    return { ws, ready: new Promise<void>((resolve) => ws.on('message', (data) => onFrame(data.toString(), resolve))) };
  });
  function onFrame(text: string, ready: () => void) {
    const frame = JSON.parse(text) as { type: string; data: { created_at?: string } };
    if (frame.type === 'ready') ready();
    else if (frame.type === 'thread_message' && frame.data.created_at) {
      latencies.push(performance.timeOrigin + performance.now() - Date.parse(frame.data.created_at));
    }
  }
  void Promise.all(sockets.map((socket) => socket.ready)).then(() => process.send!({ type: 'open' }));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'report') {
      process.send!({ type: 'report', latencies });
      latencies = [];
    } else if (message.type === 'close') {
      for (const { ws } of sockets) ws.terminate();
      process.disconnect();
    }
  });
}

function ask<T>(child: ChildProcess, send: string | null, expect: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== expect) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    if (send) child.send({ type: send });
  });
}

async function measure(label: string, apps: App[]): Promise<string[]> {
  const ports = apps.map((app) => (app.fastify.server.address() as { port: number }).port);
  const login = async (email: string) =>
    (
      await jsonRequest<{ token: string; user: { id: string } }>(agent, ports[0]!, 'POST', '/auth/login', null, {
        email,
        password: 'password123',
      })
    ).json;
  const alice = await login('alice@example.com');
  const bob = await login('bob@example.com');
  const thread = (
    await jsonRequest<{ id: string }>(agent, ports[0]!, 'POST', '/chat/threads', alice.token, {
      target_user_ids: [bob.user.id],
      title: `fan-out ${label}`,
    })
  ).json;
  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [RECEIVER_ENV]: JSON.stringify({ ports, token: bob.token, count: SOCKETS }) },
  });
  await ask(child, null, 'open');
  for (let i = 0; i < WARMUP_MESSAGES + MESSAGES; i++) {
    if (i === WARMUP_MESSAGES) {
      await sleep(200);
      await ask(child, 'report', 'report');
    }
    // Senders take turns over the apps, as a load balancer would spread them.
    await jsonRequest(agent, ports[i % ports.length]!, 'POST', `/chat/threads/${thread.id}/messages`, alice.token, {
      content: `fan-out ${i}`,
      client_message_id: randomUUID(),
    });
    await sleep(GAP_MS);
  }
  await sleep(500);
  const latencies = (await ask<{ latencies: number[] }>(child, 'report', 'report')).latencies.sort((x, y) => x - y);
  child.send({ type: 'close' });
  const expected = MESSAGES * SOCKETS;
  return [
    label,
    `${SOCKETS} over ${apps.length}`,
    `${latencies.length}/${expected}`,
    `${percentile(latencies, 50).toFixed(1)} ms`,
    `${percentile(latencies, 99).toFixed(1)} ms`,
  ];
}

async function withApps<T>(count: number, env: Record<string, string>, run: (apps: App[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-bench-nats-'));
  const storage = new SqliteStorage(join(dir, 'db.sqlite'));
  const base = {
    PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_PATH: join(dir, 'db.sqlite'),
    RATE_LIMIT_MESSAGES_PER_MIN: '1000000',
    STATIC_DIR: '/nonexistent',
    ...env,
  };
  const apps: App[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const app = await createApp(loadConfig(base), { storage, seed: index === 0 });
      await app.listen();
      apps.push(app);
    }
    return await run(apps);
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const nats = await startNatsServer();
  try {
    // A first pass warms up this process's server code (JIT); it is not printed.
    await withApps(1, {}, (apps) => measure('warm-up', apps));
    const rows = [
      await withApps(1, {}, (apps) => measure('in-process hub', apps)),
      await withApps(1, { NATS_URL: nats.url, NATS_ORG: 'bench1' }, (apps) => measure('NATS, 1 app', apps)),
      await withApps(3, { NATS_URL: nats.url, NATS_ORG: 'bench3' }, (apps) => measure('NATS, 3 apps', apps)),
    ];
    console.log(`\nFan-out, commit → receipt, one thread (${WARMUP_MESSAGES} warm-up then ${MESSAGES} messages, ${GAP_MS} ms apart):\n`);
    printTable(['hub', 'sockets', 'frames', 'p50', 'p99'], rows);
  } finally {
    await nats.stop();
    agent.destroy();
  }
}

if (process.env[RECEIVER_ENV]) receiver();
else await main();
