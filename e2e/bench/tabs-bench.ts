/**
 * The one-connection-per-browser part of `npm run bench:ui` (BENCH_SECTIONS=tabs runs it alone):
 *
 *   1. user sockets held with 1, 3 and 10 inbox tabs open in one browser context;
 *   2. message arrival → paint in a follower tab and in the leader tab, p50/p95 (both tabs on
 *      the thread; another user sends at a steady rate with `lat:<epoch ms>` in the text);
 *   3. leader hand-over: from closing the leader tab to a message sent right after being on
 *      screen in every remaining tab (a new leader connected and every tab caught up), median of 5.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { median, percentile, sleep } from '../../server/bench/spawn-server.ts';
import { UserSockets } from '../support/user-sockets.ts';

const FRAME_MS = 1000 / 60;
const TAB_COUNTS = [1, 3, 10];
const HANDOVER_ROUNDS = 5;
const HANDOVER_GOAL_MS = 2_000;
const PAINT_MESSAGES_PER_ROUND = 100;
const PAINT_RATE_PER_S = 20;
/** Time for the tabs to elect and connect before sockets are counted. */
const SETTLE_MS = 3_000;

export interface TabsBenchInput {
  browser: Browser;
  base: string;
  rounds: number;
  alice: { token: string };
  bob: { token: string; user: { id: string } };
  createThread(token: string, body: Record<string, unknown>): Promise<{ id: string }>;
  post(token: string, threadId: string, content: string): Promise<unknown>;
  log(line: string): void;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const ok = (pass: boolean) => (pass ? 'yes' : 'NO');

async function openTabs(context: BrowserContext, sockets: UserSockets, base: string, count: number): Promise<Page[]> {
  const first = sockets.watch(await context.newPage());
  await first.goto(`${base}/`);
  await first.getByLabel('Email').fill('alice@example.com');
  await first.getByLabel('Password').fill('password123');
  await first.getByRole('button', { name: 'Sign in' }).click();
  await first.getByRole('navigation', { name: 'Threads' }).waitFor();
  const pages = [first];
  for (let i = 1; i < count; i++) {
    const page = sockets.watch(await context.newPage());
    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Threads' }).waitFor();
    pages.push(page);
  }
  return pages;
}

async function openThread(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Threads' }).getByRole('button', { name: title }).click();
  await page
    .getByTestId('sync-health')
    .filter({ hasText: /^Synced/ })
    .waitFor({ timeout: 60_000 });
}

async function leaderOf(sockets: UserSockets): Promise<Page> {
  for (let i = 0; i < 200; i++) {
    const holders = sockets.holders();
    if (holders.length === 1) return holders[0]!;
    await sleep(50);
  }
  throw new Error(`expected one tab holding the socket, found ${sockets.holders().length}`);
}

/** Notes, for each row with `lat:<epoch ms>`, the first animation frame after it entered the DOM. */
async function installPaintProbe(page: Page): Promise<void> {
  await page.getByTestId('message-scroller').evaluate((element) => {
    const state = { samples: [] as { text: string; ms: number }[], seen: new Set<string>() };
    (window as unknown as { __paint: typeof state }).__paint = state;
    new MutationObserver(() => {
      for (const row of element.querySelectorAll('[data-row-kind="message"]')) {
        const match = /lat:(\d+\.\d+)/.exec(row.textContent ?? '');
        if (!match || state.seen.has(match[1]!)) continue;
        state.seen.add(match[1]!);
        const sent = Number(match[1]);
        const text = row.textContent ?? '';
        requestAnimationFrame(() => state.samples.push({ text, ms: performance.timeOrigin + performance.now() - sent }));
      }
    }).observe(element, { childList: true, subtree: true, characterData: true });
  });
}

/** The latencies of the rows whose text has `label` in it. */
const paintSamples = (page: Page, label: string) =>
  page.evaluate(
    (label) =>
      (window as unknown as { __paint: { samples: { text: string; ms: number }[] } }).__paint.samples
        .filter((sample) => sample.text.includes(label))
        .map((sample) => sample.ms),
    label,
  );

/** Resolves with the epoch ms at which a row with `text` first showed (checked every frame). */
function watchFor(page: Page, text: string): Promise<number> {
  return page.getByTestId('message-scroller').evaluate(
    (element, text) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const check = () => {
          const row = [...element.querySelectorAll('[data-row-kind="message"]')].find((r) => r.textContent?.includes(text));
          if (row) return resolve(performance.timeOrigin + performance.now());
          if (performance.now() - start > 30_000) return reject(new Error(`"${text}" never showed`));
          requestAnimationFrame(check);
        };
        check();
      }),
    text,
  );
}

/** Runs the three measures; returns the table's rows. */
export async function tabsBench(input: TabsBenchInput): Promise<string[][]> {
  const { browser, base, log } = input;
  const tag = randomUUID().slice(0, 6);
  const rows: string[][] = [];
  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with a `__name` helper that the functions sent to the page call.
    await context.addInitScript({ content: 'window.__name = (fn) => fn;' });
    return context;
  };

  // 1. Sockets held.
  const held: string[] = [];
  let allOne = true;
  for (const count of TAB_COUNTS) {
    log(`sockets with ${count} tab(s)…`);
    const context = await newContext();
    const sockets = new UserSockets();
    await openTabs(context, sockets, base, count);
    await sleep(SETTLE_MS);
    held.push(`${count} tab${count === 1 ? '' : 's'}: ${sockets.count} (most at once ${sockets.max})`);
    allOne &&= sockets.count === 1 && sockets.max === 1;
    await context.close();
  }
  rows.push(['user WebSockets held with 1 / 3 / 10 tabs open', held.join('; '), '1', ok(allOne)]);

  // 2. Arrival → paint, follower vs leader.
  log(`arrival → paint in the leader and a follower, ${PAINT_RATE_PER_S}/s…`);
  const paintTitle = `Bench tabs paint ${tag}`;
  const paint = await input.createThread(input.alice.token, { target_user_ids: [input.bob.user.id], title: paintTitle });
  {
    const context = await newContext();
    const sockets = new UserSockets();
    const pages = await openTabs(context, sockets, base, 2);
    for (const page of pages) await openThread(page, paintTitle);
    const leader = await leaderOf(sockets);
    const follower = pages.find((page) => page !== leader)!;
    for (const page of pages) await installPaintProbe(page);
    // Each tab is measured while it is the tab in front (as the one a person looks at); the
    // other tab is in the background meanwhile, as it would be.
    const rounds: { leader: number[]; follower: number[] }[] = [];
    for (let round = 0; round < input.rounds; round++) {
      const result = { leader: [] as number[], follower: [] as number[] };
      for (const which of ['leader', 'follower'] as const) {
        const page = which === 'leader' ? leader : follower;
        await page.bringToFront();
        await sleep(300);
        const start = performance.now();
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < PAINT_MESSAGES_PER_ROUND; i++) {
          const wait = start + (i * 1000) / PAINT_RATE_PER_S - performance.now();
          if (wait > 0) await sleep(wait);
          const sentAt = (performance.timeOrigin + performance.now()).toFixed(3);
          sends.push(input.post(input.bob.token, paint.id, `paint ${which}-${round}/${i} lat:${sentAt}`));
        }
        await Promise.all(sends);
        const deadline = Date.now() + 20_000;
        let samples: number[] = [];
        while (Date.now() < deadline) {
          samples = await paintSamples(page, `paint ${which}-${round}/`);
          if (samples.length >= PAINT_MESSAGES_PER_ROUND) break;
          await sleep(200);
        }
        result[which] = samples;
        await sleep(500);
      }
      rounds.push(result);
    }
    const stat = (which: 'leader' | 'follower', p: number) => median(rounds.map((round) => percentile(sorted(round[which]), p)));
    const seen = (which: 'leader' | 'follower') => rounds.map((round) => round[which].length).join('/');
    const [l50, l95, f50, f95] = [stat('leader', 50), stat('leader', 95), stat('follower', 50), stat('follower', 95)];
    rows.push(
      [
        `arrival → paint, leader tab, p50 / p95 (${PAINT_RATE_PER_S}/s)`,
        `${fmt(l50)} / ${fmt(l95)} (seen ${seen('leader')} of ${PAINT_MESSAGES_PER_ROUND})`,
        '(reference)',
        '',
      ],
      [
        `arrival → paint, follower tab, p50 / p95`,
        `${fmt(f50)} / ${fmt(f95)} (seen ${seen('follower')}; +${fmt(f50 - l50)} / +${fmt(f95 - l95)} over the leader)`,
        `≤ leader + ${FRAME_MS.toFixed(1)} ms`,
        ok(f50 - l50 <= FRAME_MS && f95 - l95 <= FRAME_MS),
      ],
    );
    await context.close();
  }

  // 3. Hand-over.
  log(`leader hand-over, ${HANDOVER_ROUNDS} rounds…`);
  const handTitle = `Bench tabs hand-over ${tag}`;
  const hand = await input.createThread(input.alice.token, { target_user_ids: [input.bob.user.id], title: handTitle });
  const caughtUp: number[] = [];
  const connected: number[] = [];
  for (let round = 0; round < HANDOVER_ROUNDS; round++) {
    const context = await newContext();
    const sockets = new UserSockets();
    const pages = await openTabs(context, sockets, base, 3);
    for (const page of pages) await openThread(page, handTitle);
    const leader = await leaderOf(sockets);
    const others = pages.filter((page) => page !== leader);
    const marker = `hand-over ${tag} round ${round}`;
    const seen = others.map((page) => watchFor(page, marker));
    const closedAt = Date.now();
    await leader.close();
    await input.post(input.bob.token, hand.id, marker);
    const times = await Promise.all(seen);
    caughtUp.push(Math.max(...times) - closedAt);
    await leaderOf(sockets);
    connected.push(sockets.lastOpenedAt - closedAt);
    await context.close();
  }
  rows.push(
    [
      `leader hand-over: close → new socket open, median of ${HANDOVER_ROUNDS}`,
      `${fmt(median(connected))} (runs: ${connected.map((ms) => ms.toFixed(0)).join(', ')})`,
      '',
      '',
    ],
    [
      `leader hand-over: close → message sent after it on screen in every other tab, median of ${HANDOVER_ROUNDS}`,
      `${fmt(median(caughtUp))} (runs: ${caughtUp.map((ms) => ms.toFixed(0)).join(', ')})`,
      `≤ ${HANDOVER_GOAL_MS} ms`,
      ok(median(caughtUp) <= HANDOVER_GOAL_MS),
    ],
  );
  return rows;
}
