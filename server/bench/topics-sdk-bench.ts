/**
 * The SDK rows of `npm run bench:topics` (issue 21 step 3): end to end through
 * `ThreadRuntimeClient.subscribe`, from a REST commit to the event the iterator yields. Real
 * server processes (`server/src/main.ts`): one on SQLite, and three on PostgreSQL + NATS.
 * `BENCH_SDK_SENDERS` callers post messages one after the other as Bob into the agent's
 * threads, spread over the processes; the SDK's one agent socket is on the first process,
 * subscribed to `events.<org>.chat.thread.message_committed.*`. Each message carries the time
 * its POST was sent, so the latency is POST sent → yielded (the commit included). The rate is
 * what the iterator yielded per second: with REST commits it is bounded by the commit rate
 * (`bench:server`'s figure), not by the socket. Asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';
import { ThreadRuntimeClient } from '../../src/core/api/thread-runtime-client.ts';
import type { WebSocketConstructor } from '../../src/core/connection/websocket-transport.ts';
import { startNatsServer, type NatsInstance } from '../src/dev/nats-instance.ts';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { jsonRequest, percentile, sleep, startServer, startServersInto, stopServer, type SpawnedServer } from './spawn-server.ts';

const SENDERS = Number(process.env.BENCH_SDK_SENDERS ?? 64);
const SECONDS = Number(process.env.BENCH_SDK_SECONDS ?? 10);
/** The agent's threads the messages go to (round robin per sender). */
const SDK_THREADS = Number(process.env.BENCH_SDK_THREADS ?? 200);
const SERVER_ENV = {
  RATE_LIMIT_THREADS_PER_MIN: '1000000',
  RATE_LIMIT_MESSAGES_PER_MIN: '1000000',
  RATE_LIMIT_SOCKETS_PER_MIN: '1000000',
};
const POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', max_connections: '300' };
/** The first commits run cold (JIT, first NATS round trips): not measured. */
const WARMUP_SECONDS = 2;

const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS + 10 });
type Session = { token: string; user: { id: string } };

async function measureOn(servers: SpawnedServer[], org: string): Promise<string[]> {
  const [first] = servers as [SpawnedServer];
  const login = async (email: string) =>
    (await jsonRequest<Session>(agent, first.port, 'POST', '/auth/login', null, { email, password: 'password123' })).json;
  const alice = await login('alice@example.com');
  const bob = await login('bob@example.com');
  const token = (await jsonRequest<{ token: string }>(agent, first.port, 'POST', '/agents/demo/tokens', alice.token, {})).json.token;
  const threads: string[] = [];
  for (let index = 0; index < SDK_THREADS; index++) {
    const made = await jsonRequest<{ id: string }>(agent, first.port, 'POST', '/chat/threads', token, {
      target_user_ids: [bob.user.id],
      participation_mode: 'invocation_only',
    });
    threads.push(made.json.id);
  }
  const client = new ThreadRuntimeClient({
    baseURL: `http://127.0.0.1:${first.port}`,
    socketBaseURLs: servers.map((server) => `http://127.0.0.1:${server.port}`),
    token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  const iterator = client.subscribe(`events.${org}.chat.thread.message_committed.*`);
  let measuring = false;
  let latencies: number[] = [];
  let lastYield = 0;
  const reading = (async () => {
    for await (const { event } of iterator) {
      const now = performance.timeOrigin + performance.now();
      const sentAt = Number(/^t=(\d+(?:\.\d+)?)/u.exec(String(event.content))?.[1]);
      if (measuring && Number.isFinite(sentAt)) {
        latencies.push(now - sentAt);
        lastYield = now;
      }
    }
  })();
  // Until a message is yielded, the subscription may not be in place yet.
  await jsonRequest(agent, first.port, 'POST', `/chat/threads/${threads[0]}/messages`, bob.token, {
    content: 'hello',
    client_message_id: `probe-${randomBytes(8).toString('hex')}`,
  });
  await sleep(500);

  const send = async (seconds: number) => {
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, sender) => {
        const server = servers[sender % servers.length]!;
        for (let count = 0; performance.now() < deadline; count++) {
          const threadId = threads[(sender + count * SENDERS) % threads.length]!;
          await jsonRequest(agent, server.port, 'POST', `/chat/threads/${threadId}/messages`, bob.token, {
            content: `t=${performance.timeOrigin + performance.now()}`,
            client_message_id: `b-${sender}-${count}-${randomBytes(4).toString('hex')}`,
          });
        }
      }),
    );
  };
  await send(WARMUP_SECONDS);
  await sleep(500);
  measuring = true;
  latencies = [];
  const started = performance.timeOrigin + performance.now();
  await send(SECONDS);
  await sleep(1_000);
  measuring = false;
  await iterator.return?.();
  await reading;
  const sorted = latencies.sort((x, y) => x - y);
  const seconds = (lastYield - started) / 1000;
  return [
    `${servers.length === 1 ? 'one process, SQLite' : `${servers.length} processes, PostgreSQL + NATS`}`,
    sorted.length.toLocaleString('en-US'),
    `${Math.round(sorted.length / seconds).toLocaleString('en-US')}/s`,
    `${percentile(sorted, 50).toFixed(1)} ms`,
    `${percentile(sorted, 99).toFixed(1)} ms`,
  ];
}

/** The SDK rows: one process on SQLite, then three on PostgreSQL + NATS. */
export async function sdkRows(): Promise<string[][]> {
  const rows: string[][] = [];
  try {
    const single = await startServer(SERVER_ENV);
    try {
      rows.push(await measureOn([single], 'local'));
    } finally {
      await stopServer(single);
    }
    const postgresServer = await startPostgres({ settings: POSTGRES_SETTINGS });
    const servers: SpawnedServer[] = [];
    let nats: NatsInstance | undefined;
    try {
      nats = await startNatsServer();
      const env = {
        DATABASE_URL: await postgresServer.createDatabase(),
        NATS_URL: nats.url,
        NATS_ORG: 'bench',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        DEMO_DATA: 'true',
        ...SERVER_ENV,
      };
      // The first alone: it migrates and seeds.
      servers.push(await startServer(env));
      await startServersInto(servers, 2, env);
      rows.push(await measureOn(servers, 'bench'));
    } finally {
      await Promise.all(servers.map((server) => stopServer(server)));
      await nats?.stop();
      await postgresServer.stop();
    }
  } finally {
    agent.destroy();
  }
  return rows;
}

export const SDK_BENCH_DESCRIPTION = `${SENDERS} senders posting by REST for ${SECONDS} s into ${SDK_THREADS} of the agent's threads, spread over the processes; POST sent → yielded by ThreadRuntimeClient.subscribe (one agent socket on the first process)`;
