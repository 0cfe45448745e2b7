/**
 * The hidden-tab part of `npm run bench:ui` (in its tabs section): two inbox tabs of one user
 * in one browser context, both on one thread; the leader in front, the other hidden. Another
 * user sends 50 messages a second; each tab's work meanwhile is read from the Chrome DevTools
 * Protocol (`Performance.getMetrics`), and the hidden tab's is given as a share of the visible
 * leader's. The goal is on CPU time of the main thread (`ThreadTime`): the wall time of its
 * tasks (`TaskDuration`, also shown) counts the time a task waits for a core, which on a busy
 * two-core machine is mostly the leader's rendering, not the hidden tab's work. A hidden tab keeps its state (it
 * hears every relayed frame) but renders nothing, so its share should be small.
 *
 * Headless Chromium reports every page as visible: the hidden tab is hidden by an init script
 * that overrides `document.visibilityState`/`hidden` and fires `visibilitychange`, as the
 * browser does for a background tab (e2e/tabs-notifications.spec.ts does the same).
 *
 * BENCH_HIDDEN_DETAIL=<folder> tells where the hidden tab's time goes, at the cost of slowing
 * it: what it hears per message (by topic and kind), a CPU profile of its first round
 * (hidden.cpuprofile) and a Chromium trace of its second (hidden-trace.json), both for
 * Chrome DevTools' Performance panel.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { median, sleep } from '../../server/bench/spawn-server.ts';
import { UserSockets } from '../support/user-sockets.ts';
import { benchContext, leaderOf, ok, openTabs, type TabsBenchInput } from './tabs-bench.ts';
import { openThread } from './ui-bench-probes.ts';

const RATE_PER_S = 50;
const MESSAGES_PER_ROUND = 200;
const CPU_SHARE_GOAL = 0.1;
/** Time for the last relayed frames to be handled before the metrics are read. */
const DRAIN_MS = 1_000;
/** Where the details go, when asked for (see above). */
const DETAIL_DIR = process.env.BENCH_HIDDEN_DETAIL;

const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8'];

/** Lets the test hide the page: `window.__hide()`. Visible until then (it must render to sign in and open the thread). */
const HIDE_SHIM = `
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.__hidden });
  window.__hide = () => { window.__hidden = true; document.dispatchEvent(new Event('visibilitychange')); };
`;

/** Counts what the tab hears from the others, by topic and kind (details only: it is work of its own). */
const HEARD_SHIM = `
  // What the tab hears from the others, by topic and kind: what its work is made of.
  window.__heard = {};
  const NativeChannel = window.BroadcastChannel;
  window.BroadcastChannel = class extends NativeChannel {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ({ data }) => {
        const key = (data && data.topic) + '/' + (data && data.body && (data.body.kind ?? data.body.type ?? data.body.frame?.type) || '?');
        window.__heard[key] = (window.__heard[key] ?? 0) + 1;
      });
    }
  };
`;

/** A page's counters from `Performance.getMetrics`, in ms. */
interface Work {
  /** CPU time of its main thread (`ThreadTime`): what the goal is about. */
  cpu: number;
  /** CPU time of its whole renderer process (`ProcessTime`, 10 ms steps): compositing and rastering too. */
  process: number;
  /** Wall time of its main thread's tasks (`TaskDuration`): grows when the machine is busy and the tab waits for a core. */
  task: number;
  /** Wall time running script (`ScriptDuration`). */
  script: number;
}

const WORK_METRICS = { cpu: 'ThreadTime', process: 'ProcessTime', task: 'TaskDuration', script: 'ScriptDuration' } as const;
type WorkKind = keyof typeof WORK_METRICS;
const WORK_KINDS = Object.keys(WORK_METRICS) as WorkKind[];

/** The page's work so far, in ms. */
async function workOf(cdp: CDPSession): Promise<Work> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
  return { cpu: value('ThreadTime'), process: value('ProcessTime'), task: value('TaskDuration'), script: value('ScriptDuration') };
}

/** The work done between two readings. */
const spent = (before: Work, after: Work): Work =>
  Object.fromEntries(WORK_KINDS.map((kind) => [kind, after[kind] - before[kind]])) as unknown as Work;

async function metered(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** Runs the hidden-tab rounds; returns the table's row. */
export async function hiddenCpuBench(input: TabsBenchInput): Promise<string[][]> {
  const { browser, base, log } = input;
  log(`CPU of a hidden tab against the visible leader, ${RATE_PER_S}/s…`);
  const title = `Bench tabs hidden ${randomUUID().slice(0, 6)}`;
  const thread = await input.createThread(input.alice.token, { target_user_ids: [input.bob.user.id], title });
  if (DETAIL_DIR) mkdirSync(DETAIL_DIR, { recursive: true });
  const context = await benchContext(browser, DETAIL_DIR ? HIDE_SHIM + HEARD_SHIM : HIDE_SHIM);
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, sockets, base, 2);
    for (const page of pages) await openThread(page, title);
    const leader = await leaderOf(sockets);
    const hidden = pages.find((page) => page !== leader)!;
    await leader.bringToFront();
    await hidden.evaluate(() => (window as unknown as { __hide(): void }).__hide());
    const [leaderCdp, hiddenCdp] = [await metered(context, leader), await metered(context, hidden)];
    // What each tab does with no messages, over as long as a round lasts: timers and heartbeats.
    const [leaderIdle, hiddenIdle] = [await workOf(leaderCdp), await workOf(hiddenCdp)];
    await sleep((MESSAGES_PER_ROUND * 1000) / RATE_PER_S + DRAIN_MS);
    const idle = { leader: spent(leaderIdle, await workOf(leaderCdp)), hidden: spent(hiddenIdle, await workOf(hiddenCdp)) };
    log(`  idle for a round's length, hidden / leader main-thread CPU: ${idle.hidden.cpu.toFixed(0)} / ${idle.leader.cpu.toFixed(0)} ms`);
    const rounds: { leader: Work; hidden: Work }[] = [];
    for (let round = 0; round < input.rounds; round++) {
      const profiled = DETAIL_DIR !== undefined && round === 0;
      const traced = DETAIL_DIR !== undefined && round === 1;
      if (profiled) await hiddenCdp.send('Profiler.enable').then(() => hiddenCdp.send('Profiler.start'));
      if (traced) await browser.startTracing(hidden, { path: path.join(DETAIL_DIR, 'hidden-trace.json'), categories: TRACE_CATEGORIES });
      const [leaderBefore, hiddenBefore] = [await workOf(leaderCdp), await workOf(hiddenCdp)];
      const start = performance.now();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < MESSAGES_PER_ROUND; i++) {
        const wait = start + (i * 1000) / RATE_PER_S - performance.now();
        if (wait > 0) await sleep(wait);
        sends.push(input.post(input.bob.token, thread.id, `hidden ${round}/${i}`));
      }
      await Promise.all(sends);
      await sleep(DRAIN_MS);
      const [leaderAfter, hiddenAfter] = [await workOf(leaderCdp), await workOf(hiddenCdp)];
      if (profiled) {
        const { profile } = (await hiddenCdp.send('Profiler.stop')) as { profile: unknown };
        writeFileSync(path.join(DETAIL_DIR, 'hidden.cpuprofile'), JSON.stringify(profile));
      }
      if (traced) await browser.stopTracing();
      rounds.push({ leader: spent(leaderBefore, leaderAfter), hidden: spent(hiddenBefore, hiddenAfter) });
    }
    if (DETAIL_DIR) {
      const heard = await hidden.evaluate(() => (window as unknown as { __heard: Record<string, number> }).__heard);
      const perMessage = Object.entries(heard)
        .sort((a, b) => b[1] - a[1])
        .map(([key, count]) => `${key} ${(count / (MESSAGES_PER_ROUND * input.rounds)).toFixed(2)}`);
      log(`  heard by the hidden tab per message sent (from its start): ${perMessage.join(', ')}`);
      log(`  the hidden tab's profile and trace: ${DETAIL_DIR}`);
    }
    const share = (kind: WorkKind) => median(rounds.map((round) => round.hidden[kind] / round.leader[kind]));
    const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
    for (const kind of WORK_KINDS) {
      const perRound = rounds.map((round) => `${round.hidden[kind].toFixed(0)} / ${round.leader[kind].toFixed(0)}`);
      log(`  per round, hidden / leader ${WORK_METRICS[kind]}: ${perRound.join(', ')} ms`);
    }
    const cpu = share('cpu');
    return [
      [
        `CPU of a hidden tab while ${RATE_PER_S} messages/s arrive, as % of the visible leader's (main-thread CPU time, CDP ThreadTime; median of ${rounds.length} rounds of ${MESSAGES_PER_ROUND})`,
        `${pct(cpu)} (whole renderer ProcessTime ${pct(share('process'))}; wall TaskDuration ${pct(share('task'))}, ScriptDuration ${pct(share('script'))})`,
        `≤ ${pct(CPU_SHARE_GOAL)}`,
        ok(cpu <= CPU_SHARE_GOAL),
      ],
    ];
  } finally {
    await context.close();
  }
}
