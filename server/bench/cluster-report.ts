/**
 * The "where the time goes" part of `bench:cluster`: CPU time per committed message and per
 * delivered frame of every part (from /proc), the machine's share each part took, and what
 * those costs allow on a machine with more cores. Everything printed is computed from the
 * measurements of the run.
 */
import { cpuSum, type CpuSnapshot } from './load/cpu-time.ts';
import type { PostgresCounters } from './load/postgres-counters.ts';
import { median, printTable } from './spawn-server.ts';

/** CPU spent during one measured window, and how many messages (or frames) it carried. */
export type CountedCpu = CpuSnapshot & { count: number };

/** One configuration's results: medians are taken when printing. */
export interface MeasuredConfiguration {
  label: string;
  storage: 'sqlite' | 'postgres';
  processes: number;
  durable?: boolean;
  throughput: number[];
  throughputCpu: CountedCpu[];
  p50s: number[];
  p99s: number[];
  frames: string[];
  fanoutCpu: CountedCpu[];
  /** PostgreSQL's counters over the configuration's whole life, and the messages it committed. */
  postgresCounters?: { before: PostgresCounters; after: PostgresCounters; messages: number };
}

interface Costs {
  /** µs of CPU per message (or frame) of each server process, in order. */
  servers: number[];
  serversTotal: number;
  postgres: number;
  nats: number;
  load: number;
  /** Share of the machine's CPU (all cores × wall time) of each part, 0..1. */
  share: { servers: number; postgres: number; nats: number; load: number; rest: number; idle: number };
}

function costs(windows: CountedCpu[]): Costs {
  const spent = cpuSum(windows);
  const count = windows.reduce((sum, window) => sum + window.count, 0) || 1;
  const perItem = (seconds: number) => (seconds * 1e6) / count;
  const serverSeconds = Object.entries(spent.parts)
    .filter(([name]) => name.startsWith('server '))
    .map(([, seconds]) => seconds);
  const part = (name: string) => spent.parts[name] ?? 0;
  const ours = serverSeconds.reduce((sum, value) => sum + value, 0) + part('postgres') + part('nats') + part('load');
  const total = spent.machine.total || 1;
  const sum = serverSeconds.reduce((a, b) => a + b, 0);
  return {
    servers: serverSeconds.map(perItem),
    serversTotal: perItem(sum),
    postgres: perItem(part('postgres')),
    nats: perItem(part('nats')),
    load: perItem(part('load')),
    share: {
      servers: sum / total,
      postgres: part('postgres') / total,
      nats: part('nats') / total,
      load: part('load') / total,
      // Other engineers' work on this shared machine; /proc's sampling makes it a little noisy.
      rest: Math.max(0, spent.machine.busy - ours) / total,
      idle: (spent.machine.total - spent.machine.busy) / total,
    },
  };
}

/** Above this share of the CPU taken by other work, the run is called noisy. */
const NOISY_SHARE = 0.1;

const us = (value: number) => (value >= 100 ? `${Math.round(value)}` : value.toFixed(1));
const pct = (value: number) => `${Math.round(value * 100)} %`;
const all = (c: Costs) => c.serversTotal + c.postgres + c.nats + c.load;

/** Prints the CPU tables and the explanation of the throughput curve. */
export function printTimeReport(results: MeasuredConfiguration[], cores: number): void {
  const measured = results.filter((result) => result.throughputCpu.length > 0);
  if (measured.length === 0) return;
  const byConfig = new Map(measured.map((result) => [result, costs(result.throughputCpu)]));

  console.log('\nWhere the time goes — throughput rounds, CPU time per committed message (µs), from /proc/<pid>/stat:\n');
  printTable(
    ['configuration', 'each server process', 'servers', 'PostgreSQL', 'NATS', 'load generator', 'all parts'],
    measured.map((result) => {
      const c = byConfig.get(result)!;
      return [result.label, c.servers.map(us).join(' + '), us(c.serversTotal), us(c.postgres), us(c.nats), us(c.load), us(all(c))];
    }),
  );

  console.log(`\nShare of the machine's CPU (${cores} cores × wall time) during the throughput rounds:\n`);
  printTable(
    ['configuration', 'servers', 'PostgreSQL', 'NATS', 'load generator', 'rest of the machine', 'idle'],
    measured.map((result) => {
      const { share } = byConfig.get(result)!;
      return [result.label, pct(share.servers), pct(share.postgres), pct(share.nats), pct(share.load), pct(share.rest), pct(share.idle)];
    }),
  );

  const fanned = results.filter((result) => result.fanoutCpu.length > 0);
  if (fanned.length) {
    console.log('\nFan-out rounds, CPU time per delivered frame (µs):\n');
    printTable(
      ['configuration', 'servers', 'PostgreSQL', 'NATS', 'receivers + sender'],
      fanned.map((result) => {
        const c = costs(result.fanoutCpu);
        return [result.label, us(c.serversTotal), us(c.postgres), us(c.nats), us(c.load)];
      }),
    );
  }

  const counted = results.filter((result) => result.postgresCounters);
  if (counted.length) {
    console.log(
      "\nPostgreSQL's own counters per committed message (over each configuration's whole run: setup, throughput and fan-out):\n",
    );
    printTable(
      ['configuration', 'transactions', 'WAL records', 'WAL bytes', 'WAL fsyncs'],
      counted.map((result) => {
        const { before, after, messages } = result.postgresCounters!;
        const per = (key: keyof PostgresCounters) => (after[key] - before[key]) / (messages || 1);
        return [
          result.label,
          per('transactions').toFixed(2),
          per('walRecords').toFixed(1),
          `${Math.round(per('walBytes'))}`,
          per('walSyncs').toFixed(3),
        ];
      }),
    );
  }

  printCurve(measured, byConfig, cores);
}

/** The explanation, in numbers: why the curve is what it is here, and what the costs allow with more cores. */
function printCurve(measured: MeasuredConfiguration[], byConfig: Map<MeasuredConfiguration, Costs>, cores: number): void {
  const lines: string[] = [];
  const sqlite = measured.find((result) => result.storage === 'sqlite');
  const cluster = measured.filter((result) => result.storage === 'postgres' && !result.durable).sort((a, b) => a.processes - b.processes);
  const single = cluster.find((result) => result.processes === 1);
  if (sqlite && single) {
    const s = byConfig.get(sqlite)!;
    const p = byConfig.get(single)!;
    const counters = single.postgresCounters;
    const transactions = counters && (counters.after.transactions - counters.before.transactions) / (counters.messages || 1);
    lines.push(
      `- A committed message costs ${us(all(s))} µs of CPU on SQLite (server ${us(s.serversTotal)}, load generator ${us(s.load)}) ` +
        `and ${us(all(p))} µs on PostgreSQL + NATS with one process (server ${us(p.serversTotal)}, PostgreSQL ${us(p.postgres)}, ` +
        `NATS ${us(p.nats)}, load generator ${us(p.load)}): ${(all(p) / all(s)).toFixed(1)}× the CPU, while the throughput ratio is ` +
        `${(median(sqlite.throughput) / median(single.throughput)).toFixed(1)}×. SQLite answers inside the server's process; ` +
        'with PostgreSQL every statement is a round trip: the driver encodes and parses it, the kernel carries it over a ' +
        "socket (in the server's CPU time too), a backend executes it" +
        (transactions
          ? `, and a message takes ${transactions.toFixed(1)} transactions (its grouped commit and the request's lone reads)`
          : '') +
        '; NATS adds a publish per event.',
    );
  }
  for (const result of measured) {
    const c = byConfig.get(result)!;
    const ceiling = (cores * 1e6) / all(c);
    lines.push(
      `- ${result.label}: ${Math.round(median(result.throughput))} msg/s with the machine ${pct(1 - c.share.idle)} busy; ` +
        `${cores} cores at ${us(all(c))} µs a message allow at most ${Math.round(ceiling)} msg/s` +
        (c.share.rest > NOISY_SHARE ? ` (other work on the machine took ${pct(c.share.rest)} of it)` : '') +
        '.',
    );
  }
  if (cluster.length > 1) {
    const first = byConfig.get(cluster[0]!)!;
    const last = byConfig.get(cluster.at(-1)!)!;
    const busy = measured.map((result) => 1 - byConfig.get(result)!.share.idle);
    const rest = measured.map((result) => byConfig.get(result)!.share.rest);
    lines.push(
      `- Throughput with ${cluster.map((result) => result.processes).join(', ')} processes: ` +
        cluster.map((result) => `${(median(result.throughput) / median(cluster[0]!.throughput)).toFixed(2)}×`).join(', ') +
        ` of ${cluster[0]!.processes}. The servers' CPU per message goes from ${us(first.serversTotal)} to ${us(last.serversTotal)} µs ` +
        `and PostgreSQL's from ${us(first.postgres)} to ${us(last.postgres)} µs` +
        (last.serversTotal > first.serversTotal * 1.05
          ? ' (each process carries a part of the load, so fewer requests share one event-loop turn, socket write, commit ' +
            'group and NATS flush, and more processes than cores preempt one another)'
          : '') +
        `. The machine was ${pct(Math.min(...busy))}–${pct(Math.max(...busy))} busy: on ${cores} cores more processes share ` +
        'the same CPU, so throughput can only follow the CPU per message (the "allow at most" figures above), not the process count.',
    );
    if (Math.max(...rest) > NOISY_SHARE)
      lines.push(
        `- Other work on this shared machine took up to ${pct(Math.max(...rest))} of the CPU during the rounds: the throughput ` +
          'ratios are noisy; the CPU time per message, which other load changes less, is the firmer figure.',
      );
    lines.push(
      '- On a machine with a core for every server process, the load generator elsewhere and PostgreSQL on cores of its own, ' +
        "the server CPU alone would allow (processes ÷ servers' CPU per message), with the PostgreSQL cores that rate needs:",
    );
  }
  console.log('\nThe curve, from these numbers:\n');
  for (const line of lines) console.log(line);
  if (cluster.length > 1) {
    console.log('');
    printTable(
      ['processes', 'measured msg/s', 'server CPU ceiling, a core each', 'PostgreSQL cores needed', 'NATS cores needed'],
      cluster.map((result) => {
        const c = byConfig.get(result)!;
        const rate = (result.processes * 1e6) / c.serversTotal;
        return [
          `${result.processes}`,
          `${Math.round(median(result.throughput))}`,
          `${Math.round(rate)} msg/s`,
          ((rate * c.postgres) / 1e6).toFixed(1),
          ((rate * c.nats) / 1e6).toFixed(1),
        ];
      }),
    );
    console.log(
      '\n(A ceiling from CPU time, not a measurement. It leaves out what CPU time does not show: with every sender on one ' +
        "thread (BENCH_THREADS=1) each commit takes that thread's row lock, so commits from different processes wait for " +
        'one another, and with synchronous_commit = on every group waits for a WAL flush.)',
    );
  }
}
