/**
 * The measure `npm run bench:topics` runs for each row: a receiver (topics-receiver.ts) opens
 * the agent socket, then events are offered at {@link RATE} a second, spread evenly in time,
 * each carrying the time it was offered; the row is events received of offered, received per
 * second and offer → receipt p50/p99. Where the events enter (the hub, or NATS as from
 * another process) is the caller's `publish`. `BENCH_TOPICS_TRACE=<path prefix>` writes each
 * row's receipts (`<prefix>-<n>.tsv`: receipt time in ms since 1970, latency in ms, in receipt
 * order), to see when in the run the slow events were (a start-up backlog, a stall).
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpuSnapshot, cpuSpent, processCpuSeconds } from './load/cpu-time.ts';
import { percentile, sleep } from './spawn-server.ts';
import { ask, forkReceiver, type ReceiverReport, type ReceiverSetup } from './topics-receiver.ts';

export const THREADS = Number(process.env.BENCH_THREADS ?? 10_000);
export const EVENTS = Number(process.env.BENCH_EVENTS ?? 60_000);
/** The offered load, events per second (issue 21's budget); set it higher to find the ceiling. */
export const RATE = Number(process.env.BENCH_RATE ?? 20_000);
/** How often the generator hands over the events that are due. */
const TICK_MS = 5;
/** Offered first and not measured (JIT, first writes). */
const WARMUP_EVENTS = 5_000;
/** After the warm-up: what is still on its way arrives before the measure. */
const SETTLE_MS = 500;
/** After the last offer, what is still on its way is waited for until none arrived for this long… */
const DRAIN_IDLE_MS = 1_000;
/** …or this long in all (a socket closed for falling behind receives nothing more). */
const DRAIN_MAX_MS = 30_000;
/** How often the drain asks the receiver for its count. */
const DRAIN_CHECK_MS = 250;
/** While the SDK's subscription is not yet in place: one probe event this often. */
const PROBE_EVERY_MS = 50;

export interface OfferHooks {
  /** Offers `count` events of the agent's threads, each with `data.t` = now (performance.timeOrigin + now()). */
  publish(count: number): void;
  /** Offers one event the agent will receive once subscribed (SDK rows: until the first is yielded). */
  probe(): void;
  /** Runs once the agent socket is subscribed, before the warm-up. */
  whenOpen?(): void;
  /**
   * Processes whose CPU time the measured offer is charged with, by name (e.g. each server's
   * `processCpuSeconds`); the receiver's and this process's (the publisher's) are added.
   */
  cpuParts?: Record<string, () => number>;
}

/** One row's measure: its cells, and each part's CPU per received event over the measured offer and drain. */
export interface OfferResult {
  /** `[events received/offered, received per second, p50, p99]`. */
  cells: string[];
  /** Microseconds of CPU (user + system) per received event, by part: a measure that load changes less than latency. */
  cpuMicrosPerEvent: Record<string, number>;
}

/** Offers `total` events at {@link RATE}: each tick, those due by then. */
async function offer(total: number, publish: (count: number) => void): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    publish(due - sent);
    sent = due;
    await sleep(TICK_MS);
  }
}

/** Waits for the events still on their way: until all arrived, none arrived for a while, or at most {@link DRAIN_MAX_MS}. */
async function drain(child: ChildProcess): Promise<void> {
  const deadline = performance.now() + DRAIN_MAX_MS;
  let count = -1;
  let changedAt = performance.now();
  while (performance.now() < deadline && performance.now() - changedAt < DRAIN_IDLE_MS) {
    await sleep(DRAIN_CHECK_MS);
    const now = (await ask<{ count: number }>(child, 'count', 'count')).count;
    if (now >= EVENTS) return;
    if (now !== count) {
      count = now;
      changedAt = performance.now();
    }
  }
}

/** Rows traced so far (`BENCH_TOPICS_TRACE`): each row's file is numbered. */
let traces = 0;

/** This process's CPU seconds (user + system). */
function ownCpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** One row's measure. */
export async function measureOffer(setup: ReceiverSetup, hooks: OfferHooks): Promise<OfferResult> {
  const child = forkReceiver(setup);
  try {
    // Listened for at once: the child may say them before the caller's threads are set up.
    const opened = ask(child, null, 'open');
    const probed = setup.sdk ? ask(child, null, 'probe') : null;
    if (probed) {
      // The SDK says nothing of when its socket and subscription are in place: events go out until one is yielded.
      await probed;
      let open = false;
      void opened.then(() => (open = true));
      while (!open) {
        hooks.probe();
        await sleep(PROBE_EVERY_MS);
      }
    } else {
      await opened;
    }
    hooks.whenOpen?.();
    await offer(WARMUP_EVENTS, hooks.publish);
    await sleep(SETTLE_MS);
    await ask(child, 'report', 'report');
    const parts = { ...hooks.cpuParts, receiver: () => processCpuSeconds(child.pid!), publisher: ownCpuSeconds };
    const cpuBefore = cpuSnapshot(parts);
    const started = performance.timeOrigin + performance.now();
    await offer(EVENTS, hooks.publish);
    await drain(child);
    const cpu = cpuSpent(cpuBefore, cpuSnapshot(parts));
    const report = await ask<ReceiverReport>(child, 'report', 'report');
    // Warm-up events still on their way after the settle (a loaded machine) arrive after the
    // receiver's reset: offered before the measure, they are not in it. The warm-up ended
    // SETTLE_MS before `started`; half of that is room for the two processes' clocks.
    const boundary = started - SETTLE_MS / 2;
    const receipts = report.receivedAt
      .map((at, i) => ({ at, latency: report.latencies[i]! }))
      .filter(({ at, latency }) => at - latency >= boundary);
    const trace = process.env.BENCH_TOPICS_TRACE;
    // Each event's receipt time and latency (tab-separated, receipt order), to see when in the run the slow ones were.
    if (trace)
      writeFileSync(`${trace}-${++traces}.tsv`, receipts.map(({ at, latency }) => `${at.toFixed(1)}\t${latency.toFixed(2)}`).join('\n'));
    const latencies = receipts.map(({ latency }) => latency).sort((x, y) => x - y);
    // Received per second, from the first offer to the last receipt: at most the offered rate.
    const seconds = (report.last - started) / 1000;
    const ms = (p: number) => (latencies.length === 0 ? 'none received' : `${percentile(latencies, p).toFixed(1)} ms`);
    const perEvent = (cpuSeconds: number) => (latencies.length === 0 ? 0 : (cpuSeconds * 1e6) / latencies.length);
    return {
      cells: [
        `${latencies.length}/${EVENTS}`,
        `${latencies.length === 0 ? 0 : Math.round(latencies.length / seconds).toLocaleString('en-US')}/s`,
        ms(50),
        ms(99),
      ],
      cpuMicrosPerEvent: Object.fromEntries(Object.entries(cpu.parts).map(([name, used]) => [name, perEvent(used)])),
    };
  } finally {
    if (child.connected) child.send({ type: 'close' });
  }
}
