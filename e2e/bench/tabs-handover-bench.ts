/**
 * The leader hand-over part of `npm run bench:ui` (in its tabs section): three inbox tabs of
 * one user in one browser context, all visible and on one thread; the leader tab is closed and
 * another user sends a message right after. Measured: close → the new leader's socket open, and
 * close → that message on screen in every remaining tab (a new leader connected and every tab
 * caught up), median and p95 over the rounds.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { median, percentile } from '../../server/bench/spawn-server.ts';
import { UserSockets } from '../support/user-sockets.ts';
import { benchContext, fmt, leaderOf, ok, openTabs, sorted, type TabsBenchInput } from './tabs-bench.ts';
import { openThread } from './ui-bench-probes.ts';

/** Hand-overs measured: enough for a p95 that is not just the slowest one. */
const HANDOVER_ROUNDS = 12;
const TABS = 3;
const HANDOVER_MEDIAN_GOAL_MS = 2_000;
const HANDOVER_P95_GOAL_MS = 500;
/** A row that has not shown by then never will: the round fails loudly. */
const SHOW_TIMEOUT_MS = 30_000;

/** Resolves with the epoch ms at which a row with `text` entered the page's message list. */
function watchFor(page: Page, text: string): Promise<number> {
  return page.getByTestId('message-scroller').evaluate(
    (element, { text, timeout }) =>
      new Promise<number>((resolve, reject) => {
        // On every DOM change, not every frame: a page not in front gets about one frame a
        // second in headless Chromium, which would time the browser, not the app.
        const shown = () => [...element.querySelectorAll('[data-row-kind="message"]')].some((r) => r.textContent?.includes(text));
        const finish = (error?: Error) => {
          observer.disconnect();
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(performance.timeOrigin + performance.now());
        };
        const observer = new MutationObserver(() => shown() && finish());
        const timer = setTimeout(() => finish(new Error(`"${text}" never showed`)), timeout);
        observer.observe(element, { childList: true, subtree: true, characterData: true });
        if (shown()) finish();
      }),
    { text, timeout: SHOW_TIMEOUT_MS },
  );
}

/** Runs the hand-overs; returns the table's rows. */
export async function handoverBench(input: TabsBenchInput): Promise<string[][]> {
  const { browser, base, log } = input;
  log(`leader hand-over, ${HANDOVER_ROUNDS} rounds…`);
  const title = `Bench tabs hand-over ${randomUUID().slice(0, 6)}`;
  const thread = await input.createThread(input.alice.token, { target_user_ids: [input.bob.user.id], title });
  const caughtUp: number[] = [];
  const connected: number[] = [];
  for (let round = 0; round < HANDOVER_ROUNDS; round++) {
    const context = await benchContext(browser);
    const sockets = new UserSockets();
    const pages = await openTabs(context, sockets, base, TABS);
    for (const page of pages) await openThread(page, title);
    const leader = await leaderOf(sockets);
    const others = pages.filter((page) => page !== leader);
    const marker = `hand-over ${title} round ${round}`;
    const seen = others.map((page) => watchFor(page, marker));
    const closedAt = Date.now();
    await sockets.close(leader);
    await input.post(input.bob.token, thread.id, marker);
    const times = await Promise.all(seen);
    caughtUp.push(Math.max(...times) - closedAt);
    await leaderOf(sockets);
    connected.push(sockets.lastOpenedAt - closedAt);
    await context.close();
  }
  const runs = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
  const p95 = percentile(sorted(caughtUp), 95);
  return [
    [
      `leader hand-over: close → new socket open, median of ${HANDOVER_ROUNDS}`,
      `${fmt(median(connected))} (runs: ${runs(connected)})`,
      '',
      '',
    ],
    [
      `leader hand-over: close → message sent after it on screen in every other tab, median of ${HANDOVER_ROUNDS}`,
      `${fmt(median(caughtUp))} (runs: ${runs(caughtUp)})`,
      `≤ ${HANDOVER_MEDIAN_GOAL_MS} ms`,
      ok(median(caughtUp) <= HANDOVER_MEDIAN_GOAL_MS),
    ],
    [
      `tab hand-over p95: close the leader tab → a new message on screen in every other visible tab (${TABS} tabs, ${HANDOVER_ROUNDS} hand-overs)`,
      fmt(p95),
      `≤ ${HANDOVER_P95_GOAL_MS} ms`,
      ok(p95 <= HANDOVER_P95_GOAL_MS),
    ],
  ];
}
