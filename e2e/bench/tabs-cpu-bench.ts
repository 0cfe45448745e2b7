/**
 * The hidden-tab part of `npm run bench:ui` (in its tabs section): two inbox tabs of one user
 * in one browser context, both on one thread; the leader in front, the other hidden. Another
 * user sends 50 messages a second; each tab's main-thread work meanwhile is read from the
 * Chrome DevTools Protocol (`Performance.getMetrics`: TaskDuration and ScriptDuration), and the
 * hidden tab's is given as a share of the visible leader's. A hidden tab keeps its state (it
 * hears every relayed frame) but renders nothing, so its share should be small.
 *
 * Headless Chromium reports every page as visible: the hidden tab is hidden by an init script
 * that overrides `document.visibilityState`/`hidden` and fires `visibilitychange`, as the
 * browser does for a background tab (e2e/tabs-notifications.spec.ts does the same).
 */
import { randomUUID } from 'node:crypto';
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

/** Lets the test hide the page: `window.__hide()`. Visible until then (it must render to sign in and open the thread). */
const HIDE_SHIM = `
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.__hidden });
  window.__hide = () => { window.__hidden = true; document.dispatchEvent(new Event('visibilitychange')); };
`;

interface Work {
  task: number;
  script: number;
}

/** The page's main-thread work so far, in ms. */
async function workOf(cdp: CDPSession): Promise<Work> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
  return { task: value('TaskDuration'), script: value('ScriptDuration') };
}

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
  const context = await benchContext(browser, HIDE_SHIM);
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, sockets, base, 2);
    for (const page of pages) await openThread(page, title);
    const leader = await leaderOf(sockets);
    const hidden = pages.find((page) => page !== leader)!;
    await leader.bringToFront();
    await hidden.evaluate(() => (window as unknown as { __hide(): void }).__hide());
    const [leaderCdp, hiddenCdp] = [await metered(context, leader), await metered(context, hidden)];
    const shares: { task: number; script: number; leaderTask: number; hiddenTask: number }[] = [];
    for (let round = 0; round < input.rounds; round++) {
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
      const leaderTask = leaderAfter.task - leaderBefore.task;
      const hiddenTask = hiddenAfter.task - hiddenBefore.task;
      shares.push({
        task: hiddenTask / leaderTask,
        script: (hiddenAfter.script - hiddenBefore.script) / (leaderAfter.script - leaderBefore.script),
        leaderTask,
        hiddenTask,
      });
    }
    const task = median(shares.map((share) => share.task));
    const script = median(shares.map((share) => share.script));
    const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
    log(
      `  per round, hidden / leader TaskDuration: ${shares.map((s) => `${s.hiddenTask.toFixed(0)} / ${s.leaderTask.toFixed(0)} ms`).join(', ')}`,
    );
    return [
      [
        `CPU of a hidden tab while ${RATE_PER_S} messages/s arrive, as % of the visible leader's (CDP TaskDuration)`,
        `${pct(task)} (ScriptDuration ${pct(script)}; ${MESSAGES_PER_ROUND} messages a round)`,
        `≤ ${pct(CPU_SHARE_GOAL)}`,
        ok(task <= CPU_SHARE_GOAL),
      ],
    ];
  } finally {
    await context.close();
  }
}
