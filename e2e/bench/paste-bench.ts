/**
 * The paste → thumbnail part of `npm run bench:ui` (BENCH_SECTIONS=paste runs it alone): issue
 * 19's budget, "paste → thumbnail on screen in the composer ≤ 100 ms for a 2 MB screenshot",
 * measured in the inbox the way bench:widget measures it in the widget (widget-bench.ts,
 * section 4). Signed in as Alice in a fresh browser context (empty HTTP cache) on a thread with
 * Bob on the real local server, a ~2 MB PNG (random pixels, so PNG cannot compress them) is
 * pasted into the composer as a real `ClipboardEvent` carrying a `DataTransfer`, and timed from
 * the dispatch to the first animation frame after the tray's thumbnail has its pixels (paste-probe.ts),
 * with the main thread's CPU for each paste (CDP `TaskDuration` in thread time, read around it). The first
 * paste of a page is counted apart from the later pastes of the same page (the tray shown
 * before): the tray's chunk is fetched when the composer gets focus, which opening the thread
 * gives it, so a first paste no longer loads it (src/composer/composer.tsx). The file is made
 * before the clock starts.
 */
import { randomUUID } from 'node:crypto';
import { median, percentile, sleep } from '../../server/bench/spawn-server.ts';
import { benchContext, fmt, ok, sorted, type TabsBenchInput } from './tabs-bench.ts';
import { pasteProbe } from './paste-probe.ts';
import { openThread, signIn } from './ui-bench-probes.ts';

/** Issue 19's budget. */
const PASTE_GOAL_MS = 100;
/** The screenshot pasted (issue 19: a 2 MB screenshot), in bytes of PNG. */
const SCREENSHOT_BYTES = 2 * 1024 * 1024;
/** Pages (fresh contexts), each with one first paste: enough for a p95 that is not just one run. */
const PASTE_PAGES = 7;
/** Pastes after the first on each page; the tray holds at most 10 files (CONTRACT §13). */
const LATER_PASTES = 3;
/** A paste whose thumbnail has not shown by then never will: the run fails loudly. */
const SHOW_TIMEOUT_MS = 20_000;

/** Between making the pasted file and the paste: the PNG encoder's last callbacks are done by then. */
const PASTE_SETTLE_MS = 300;

type Probe = {
  __pasteReady(bytes: number, name: string): Promise<number>;
  __pasteShot(bytes: number, name: string, nth: number, timeout: number): Promise<{ ms: number; size: number }>;
};

/** The probe (paste-probe.ts), in the inbox's light DOM. */
const PASTE_PROBE = pasteProbe('document', 'textarea[data-composer]', true);

/** Runs the pastes; returns the table's rows. */
export async function pasteBench(input: TabsBenchInput): Promise<string[][]> {
  const { browser, base, log } = input;
  log(`paste → thumbnail in the composer, ${PASTE_PAGES} pages × ${1 + LATER_PASTES} pastes…`);
  const title = `Bench paste ${randomUUID().slice(0, 6)}`;
  await input.createThread(input.alice.token, { target_user_ids: [input.bob.user.id], title });
  const first: number[] = [];
  const later: number[] = [];
  /** The main thread's CPU per paste (CDP `TaskDuration` in thread time), ms. */
  const firstCpu: number[] = [];
  const laterCpu: number[] = [];
  let bytes = 0;
  for (let round = 0; round < PASTE_PAGES; round++) {
    const context = await benchContext(browser, PASTE_PROBE);
    try {
      const page = await context.newPage();
      await signIn(page, base, 'alice@example.com');
      await openThread(page, title);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      const taskMs = async () =>
        ((await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
      for (let nth = 0; nth <= LATER_PASTES; nth++) {
        const name = `screenshot-${nth + 1}.png`;
        // The file is made first, so the CPU read around the paste is the paste's alone.
        await page.evaluate(([bytes, name]) => (window as unknown as Probe).__pasteReady(bytes, name), [SCREENSHOT_BYTES, name] as const);
        await sleep(PASTE_SETTLE_MS);
        const before = await taskMs();
        const run = await page.evaluate(
          ([bytes, name, nth, timeout]) => (window as unknown as Probe).__pasteShot(bytes, name, nth, timeout),
          [SCREENSHOT_BYTES, name, nth, SHOW_TIMEOUT_MS] as const,
        );
        (nth === 0 ? first : later).push(run.ms);
        (nth === 0 ? firstCpu : laterCpu).push((await taskMs()) - before);
        bytes = run.size;
      }
    } finally {
      await context.close();
    }
  }
  const runs = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
  log(`  first: ${runs(first)}`);
  log(`  later: ${runs(later)}`);
  log(`  main-thread CPU, first: ${runs(firstCpu)}; later: ${runs(laterCpu)}`);
  const mb = `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  const row = (label: string, values: number[], cpu: number[]) => {
    const p50 = median(values);
    const p95 = percentile(sorted(values), 95);
    return [
      `${label}, median / p95 of ${values.length}`,
      `${fmt(p50)} / ${fmt(p95)}, main-thread CPU ${fmt(median(cpu))} (runs: ${runs(values)})`,
      `≤ ${PASTE_GOAL_MS} ms`,
      ok(p50 <= PASTE_GOAL_MS),
    ];
  };
  return [
    row(`paste → thumbnail in the inbox composer, a ${mb} PNG screenshot, first paste of a page (fresh context)`, first, firstCpu),
    row(`paste → thumbnail in the inbox composer, a later paste (${LATER_PASTES} per page)`, later, laterCpu),
  ];
}
