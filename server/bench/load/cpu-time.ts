/**
 * CPU time of processes and of the whole machine, read from /proc (Linux), as a profiler's
 * process view would show it: what each part of a benchmark costs, independent of how the
 * parts share the cores.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on nearly every Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): field 3 is index 0. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** CPU seconds (user + system) a live process has used; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat(5).
  return fields ? (Number(fields[11]) + Number(fields[12])) / clockTicks() : 0;
}

/**
 * CPU seconds of a process and its children, those still running and those it has reaped
 * (`cutime` + `cstime`), so a child that exits during a measurement is not lost from it.
 */
export function processTreeCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime, stime, cutime, cstime are fields 14 to 17 of stat(5).
  const own = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0) / clockTicks();
  return own + childPids(pid).reduce((sum, child) => sum + processCpuSeconds(child), 0);
}

/** The live processes whose parent is `pid` (e.g. PostgreSQL's backends and workers under the postmaster). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // ppid is field 4 of stat(5).
    if (Number(statFields(Number(name))?.[1]) === pid) children.push(Number(name));
  }
  return children;
}

/** The postmaster's pid from its data directory (under `runuser` it is not our child): its children are PostgreSQL's backends and workers. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine since boot, summed over its cores (/proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu user nice system idle iowait irq softirq steal ...
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = values[3]! + values[4]!;
  return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
}

/** CPU seconds of named parts of a benchmark, the machine's, and the wall clock, at one moment. */
export interface CpuSnapshot {
  parts: Record<string, number>;
  machine: { busy: number; total: number };
  wallSeconds: number;
}

/** Reads every part's CPU seconds (`parts` maps a name to a reader, e.g. `() => processCpuSeconds(pid)`). */
export function cpuSnapshot(parts: Record<string, () => number>): CpuSnapshot {
  return {
    parts: Object.fromEntries(Object.entries(parts).map(([name, read]) => [name, read()])),
    machine: machineCpuSeconds(),
    wallSeconds: performance.now() / 1000,
  };
}

/** What was spent between two snapshots of the same parts. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  return {
    parts: Object.fromEntries(Object.entries(after.parts).map(([name, value]) => [name, value - (before.parts[name] ?? 0)])),
    machine: { busy: after.machine.busy - before.machine.busy, total: after.machine.total - before.machine.total },
    wallSeconds: after.wallSeconds - before.wallSeconds,
  };
}

/** Adds up spent CPU (e.g. over the rounds of a measurement). */
export function cpuSum(spent: CpuSnapshot[]): CpuSnapshot {
  const parts: Record<string, number> = {};
  for (const item of spent) for (const [name, value] of Object.entries(item.parts)) parts[name] = (parts[name] ?? 0) + value;
  return {
    parts,
    machine: {
      busy: spent.reduce((sum, item) => sum + item.machine.busy, 0),
      total: spent.reduce((sum, item) => sum + item.machine.total, 0),
    },
    wallSeconds: spent.reduce((sum, item) => sum + item.wallSeconds, 0),
  };
}
