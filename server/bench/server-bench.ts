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
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { processCpuSeconds } from './load/cpu-time.ts';
import { fanOutBurst } from './load/fan-out.ts';
import { ReceiverPool } from './load/receiver-pool.ts';
import { measureThroughput } from './load/throughput.ts';
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
/** The receiving sockets live in this many child processes (see {@link ReceiverPool}). */
const RECEIVER_WORKERS = 2;

/** Issue 10's goals for one SQLite process (were 3,000 msg/s and 25 ms). */
const GOALS = { throughput: 8_000, fanoutP99Ms: 15, bytesPerSocket: 40 * 1024 };

const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS + 10 });
const request = <T = unknown>(port: number, method: string, path: string, token: string | null, body?: unknown) =>
  jsonRequest<T>(agent, port, method, path, token, body);

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
    const cpuPerMessage: number[] = [];
    for (let round = 0; round < ROUNDS && ONLY !== 'fanout'; round++) {
      const cpuBefore = processCpuSeconds(child.pid!);
      const result = await measureThroughput({
        agent,
        ports: [port],
        token: alice.token,
        threadIds: [thread.id],
        senders: SENDERS,
        seconds: THROUGHPUT_SECONDS,
      });
      if (result.failed > 0) console.error(`  (${result.failed} sends failed in this round)`);
      throughput.push(result.perSecond);
      cpuPerMessage.push(((processCpuSeconds(child.pid!) - cpuBefore) * 1e6) / result.committed);
      console.log(
        `  throughput round ${round + 1}: ${Math.round(throughput.at(-1)!)} msg/s, server CPU ${Math.round(cpuPerMessage.at(-1)!)} µs/msg`,
      );
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
      const receivers = await ReceiverPool.open({ ports: [port], token: bob.token, total: SOCKETS, workers: RECEIVER_WORKERS });
      await sleep(1500);
      const after = rssBytes(child.pid!);
      perSocket.push((after - before) / SOCKETS);
      const sendBurst = (count: number, label: string) =>
        fanOutBurst(receivers, count, FANOUT_GAP_MS, (i) =>
          request(port, 'POST', `/chat/threads/${fanoutThread.id}/messages`, alice.token, {
            content: `fan-out ${label} ${round}/${i}`,
            client_message_id: randomUUID(),
          }),
        );
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
      rows.push(row('server CPU time per committed message (all its threads)', `${Math.round(median(cpuPerMessage))} µs`, '—', true));
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
