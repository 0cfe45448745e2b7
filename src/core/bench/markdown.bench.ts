/**
 * The markdown part of `npm run bench:core` (BENCH_SECTIONS=markdown runs it alone): the
 * time to parse each hostile input family (`src/markdown-core/hostile-markdown.ts`) at
 * 10,000 characters, median of several rounds, against the goal of well under 50 ms.
 * The goal is checked on CPU time: on a shared machine the wall clock also counts the time
 * other processes held the core (both are printed).
 */
import { HOSTILE_MARKDOWN } from '../../markdown-core/hostile-markdown.ts';
import { parseMarkdown } from '../../markdown-core/parse-markdown.ts';

const CHARS = 10_000;
const GOAL_MS = 50;
/** Rounds not counted: the first parses run before the JIT has compiled the parser. */
const WARM_UP_ROUNDS = 2;

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One row per family: name, characters, median CPU ms, median wall ms, goal, met. */
export function markdownBenchRows(rounds: number): string[][] {
  return Object.entries(HOSTILE_MARKDOWN).map(([family, make]) => {
    const input = make(CHARS);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
      const startedCpu = process.cpuUsage();
      const started = performance.now();
      parseMarkdown(input);
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(startedCpu);
      if (round < WARM_UP_ROUNDS) continue;
      wall.push(elapsed);
      cpu.push((used.user + used.system) / 1000);
    }
    const cpuMs = median(cpu);
    return [
      `parse ${family}`,
      input.length.toLocaleString('en-US'),
      `${cpuMs.toFixed(1)} ms`,
      `${median(wall).toFixed(1)} ms`,
      `< ${GOAL_MS} ms`,
      cpuMs < GOAL_MS ? 'met' : 'MISSED',
    ];
  });
}

/** The header of the rows above. */
export const MARKDOWN_BENCH_HEADER = ['markdown input', 'chars', 'median CPU', 'median wall', 'goal', ''];
