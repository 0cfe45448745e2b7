/**
 * `npm run bench:server` — measures the local server as a separate process, over real
 * sockets, and prints one table:
 *
 *   1. committed messages per second through REST with 50 concurrent senders;
 *   2. WebSocket fan-out latency (commit → receipt) for one thread with 1,000 sockets;
 *   3. resident memory per idle socket.
 *
 * Each measurement runs several rounds and reports the median; this machine is shared and
 * noisy, so single runs mean little. Not a test: nothing here asserts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';
import { jsonRequest, median, percentile, printTable, rssBytes, sleep, startServer, stopServer } from './spawn-server.ts';

const SENDERS = 50;
const THROUGHPUT_SECONDS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `throughput` or `fanout` runs only that part (handy with BENCH_SERVER_NODE_ARGS=--cpu-prof). */
const ONLY = process.env.BENCH_ONLY;
const SOCKETS = 1_000;
const FANOUT_MESSAGES = 60;
/** Messages sent and discarded before measuring: the first few after start run cold (JIT). */
const FANOUT_WARMUP_MESSAGES = 10;
/** Pause between fan-out messages, so each is measured alone rather than queued behind the last. */
const FANOUT_GAP_MS = 20;
/**
 * The receiving sockets live in this many child processes. In production each socket is
 * another browser; one event loop reading 1,000 sockets in turn would add its own queueing
 * to every receipt and measure the load generator instead of the server.
 */
const RECEIVER_WORKERS = 2;
/** Set in the receiver processes this script forks. */
const RECEIVER_ENV = 'BENCH_RECEIVER';

const GOALS = { throughput: 3_000, fanoutP99Ms: 25, bytesPerSocket: 40 * 1024 };

const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS + 10 });
const request = <T = unknown>(port: number, method: string, path: string, token: string | null, body?: unknown) =>
  jsonRequest<T>(agent, port, method, path, token, body);

async function throughputRound(port: number, token: string, threadId: string): Promise<number> {
  let committed = 0;
  let failed = 0;
  const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, sender) => {
      let n = 0;
      while (performance.now() < deadline) {
        const response = await request(port, 'POST', `/chat/threads/${threadId}/messages`, token, {
          content: `bench message ${sender}/${n++}`,
          client_message_id: randomUUID(),
        });
        if (response.status === 201) committed++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failed > 0) console.error(`  (${failed} sends failed in this round)`);
  return committed / seconds;
}

/** Worker side: opens its share of the sockets, records receipt latencies, reports on request. */
function receiverWorker(): void {
  const { port, token, count } = JSON.parse(process.env[RECEIVER_ENV]!) as { port: number; token: string; count: number };
  const send = (message: unknown) => process.send!(message);
  const sockets: WebSocket[] = [];
  let latencies: number[] = [];
  const opened = Array.from({ length: count }, () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/chat/ws/user/threads`, ['auth', token]);
    sockets.push(ws);
    return new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; data: { created_at?: string } };
        if (frame.type === 'ready') resolve();
        else if (frame.type === 'thread_message' && frame.data.created_at) {
          // Same machine, same clock: receipt time minus the server's commit timestamp.
          latencies.push(performance.timeOrigin + performance.now() - Date.parse(frame.data.created_at));
        }
      });
      ws.on('error', reject);
    });
  });
  void Promise.all(opened).then(() => send({ type: 'open' }));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'report') {
      send({ type: 'report', latencies });
      latencies = [];
    } else if (message.type === 'close') {
      let left = sockets.length;
      for (const ws of sockets) {
        ws.once('close', () => {
          if (--left === 0) {
            send({ type: 'closed' });
            process.disconnect();
          }
        });
        ws.close();
      }
    }
  });
}

type ReceiverMessage = { type: 'open' } | { type: 'report'; latencies: number[] } | { type: 'closed' };

class ReceiverPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  static async open(port: number, token: string, total: number): Promise<ReceiverPool> {
    const workers = Array.from({ length: RECEIVER_WORKERS }, (_, index) =>
      fork(new URL(import.meta.url).pathname, [], {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          [RECEIVER_ENV]: JSON.stringify({
            port,
            token,
            count: Math.floor(total / RECEIVER_WORKERS) + (index < total % RECEIVER_WORKERS ? 1 : 0),
          }),
        },
      }),
    );
    const pool = new ReceiverPool(workers);
    await pool.ask('open', 'open');
    return pool;
  }

  private ask(send: string | null, expect: ReceiverMessage['type']): Promise<ReceiverMessage[]> {
    return Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<ReceiverMessage>((resolve, reject) => {
            const onMessage = (message: ReceiverMessage) => {
              if (message.type !== expect) return;
              worker.off('message', onMessage);
              resolve(message);
            };
            worker.on('message', onMessage);
            worker.once('error', reject);
            if (send) worker.send({ type: send });
          }),
      ),
    );
  }

  async latencies(): Promise<number[]> {
    const reports = await this.ask('report', 'report');
    return reports.flatMap((report) => (report.type === 'report' ? report.latencies : []));
  }

  async close(): Promise<void> {
    await this.ask('close', 'closed');
  }
}

function row(name: string, value: string, goal: string, met: boolean): string[] {
  return [name, value, goal, met ? 'met' : 'MISSED'];
}

async function main(): Promise<void> {
  console.log(`bench:server — ${ROUNDS} rounds each, server in its own process (LOG_LEVEL=warn), node ${process.version}`);
  const { child, port, dir } = await startServer();
  try {
    type Session = { token: string; user: { id: string } };
    const alice = (await request<Session>(port, 'POST', '/auth/login', null, { email: 'alice@example.com', password: 'password123' })).json;
    const bob = (await request<Session>(port, 'POST', '/auth/login', null, { email: 'bob@example.com', password: 'password123' })).json;
    const thread = (
      await request<{ id: string }>(port, 'POST', '/chat/threads', alice.token, { target_user_ids: [bob.user.id], title: 'bench' })
    ).json;

    const throughput: number[] = [];
    for (let round = 0; round < ROUNDS && ONLY !== 'fanout'; round++) {
      throughput.push(await throughputRound(port, alice.token, thread.id));
      console.log(`  throughput round ${round + 1}: ${Math.round(throughput.at(-1)!)} msg/s`);
    }

    const p50s: number[] = [];
    const p99s: number[] = [];
    const perSocket: number[] = [];
    const coldP99s: number[] = [];
    const fanoutThread = (
      await request<{ id: string }>(port, 'POST', '/chat/threads', alice.token, { target_user_ids: [bob.user.id], title: 'fan-out' })
    ).json;
    for (let round = 0; round < ROUNDS && ONLY !== 'throughput'; round++) {
      await sleep(500);
      const before = rssBytes(child.pid!);
      const receivers = await ReceiverPool.open(port, bob.token, SOCKETS);
      await sleep(1500);
      const after = rssBytes(child.pid!);
      perSocket.push((after - before) / SOCKETS);
      const sendBurst = async (count: number, label: string) => {
        for (let i = 0; i < count; i++) {
          await request(port, 'POST', `/chat/threads/${fanoutThread.id}/messages`, alice.token, {
            content: `fan-out ${label} ${round}/${i}`,
            client_message_id: randomUUID(),
          });
          await sleep(FANOUT_GAP_MS);
        }
        await sleep(500);
        return (await receivers.latencies()).sort((a, b) => a - b);
      };
      const cold = await sendBurst(FANOUT_WARMUP_MESSAGES, 'warm-up');
      coldP99s.push(percentile(cold, 99));
      const latencies = await sendBurst(FANOUT_MESSAGES, 'measured');
      const expected = SOCKETS * FANOUT_MESSAGES;
      if (latencies.length !== expected) console.error(`  fan-out round ${round + 1}: got ${latencies.length} of ${expected} frames`);
      p50s.push(percentile(latencies, 50));
      p99s.push(percentile(latencies, 99));
      console.log(
        `  fan-out round ${round + 1}: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
          `${Math.round(((after - before) / SOCKETS / 1024) * 10) / 10} KiB/socket`,
      );
      await receivers.close();
    }

    console.log('');
    console.log(
      `(fan-out: ${FANOUT_WARMUP_MESSAGES} warm-up then ${FANOUT_MESSAGES} measured messages a round, ${FANOUT_GAP_MS} ms apart; ` +
        `receivers in ${RECEIVER_WORKERS} processes)`,
    );
    const rows: string[][] = [];
    if (throughput.length) {
      const value = median(throughput);
      rows.push(
        row(
          `committed messages/s (REST, ${SENDERS} concurrent senders)`,
          `${Math.round(value)}`,
          `≥ ${GOALS.throughput}`,
          value >= GOALS.throughput,
        ),
      );
    }
    if (p99s.length) {
      rows.push(row(`fan-out p50, 1 thread × ${SOCKETS} sockets`, `${median(p50s).toFixed(1)} ms`, '—', true));
      rows.push(
        row(
          `fan-out p99, 1 thread × ${SOCKETS} sockets`,
          `${median(p99s).toFixed(1)} ms`,
          `≤ ${GOALS.fanoutP99Ms} ms`,
          median(p99s) <= GOALS.fanoutP99Ms,
        ),
      );
      rows.push(
        row(
          `fan-out p99 of the ${FANOUT_WARMUP_MESSAGES} warm-up messages (cold)`,
          `${median(coldP99s).toFixed(1)} ms`,
          '— (not measured above)',
          true,
        ),
      );
      const bytes = median(perSocket);
      rows.push(
        row(
          'resident memory per idle socket',
          `${(bytes / 1024).toFixed(1)} KiB`,
          `≤ ${GOALS.bytesPerSocket / 1024} KiB`,
          bytes <= GOALS.bytesPerSocket,
        ),
      );
    }
    printTable(['measure', 'median of rounds', 'goal', ''], rows);
  } finally {
    agent.destroy();
    await stopServer({ child, dir });
  }
}

if (!process.env[RECEIVER_ENV]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  receiverWorker();
}
