/**
 * The one-connection-per-browser part of `npm run bench:ui` (BENCH_SECTIONS=tabs runs it alone):
 *
 *   1. user sockets held with 1, 3 and 10 inbox tabs open in one browser context;
 *   2. message arrival → paint in a follower tab and in the leader tab, p50/p95 (both tabs on
 *      the thread; another user sends at a steady rate with `lat:<epoch ms>` in the text), each
 *      tab measured while in front; the follower's delay split into its parts (send → the
 *      leader's socket, → relayed, → heard by the follower, → DOM, → frame), and the leader's
 *      long animation frames counted meanwhile;
 *
 * The leader hand-over is in tabs-handover-bench.ts, a hidden tab's CPU in tabs-cpu-bench.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { median, percentile, sleep } from '../../server/bench/spawn-server.ts';
import { UserSockets } from '../support/user-sockets.ts';
import { openThread, signIn } from './ui-bench-probes.ts';

const FRAME_MS = 1000 / 60;
const TAB_COUNTS = [1, 3, 10];
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

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
/** A difference with its sign: "+5.9 ms" or "−2.0 ms". */
const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${fmt(Math.abs(ms))}`;
export const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
export const ok = (pass: boolean) => (pass ? 'yes' : 'NO');

/** A fresh browser context for a measure, with `probe` (a script) run in each of its pages before they load. */
export async function benchContext(browser: Browser, probe = ''): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx keeps function names with a `__name` helper that the functions sent to the page call.
  await context.addInitScript({ content: `window.__name = (fn) => fn;${probe}` });
  return context;
}

/** Opens `count` inbox tabs of Alice in `context` (the first signs in), each watched by `sockets`. */
export async function openTabs(context: BrowserContext, sockets: UserSockets, base: string, count: number): Promise<Page[]> {
  const first = sockets.watch(await context.newPage());
  await signIn(first, base, 'alice@example.com');
  const pages = [first];
  for (let i = 1; i < count; i++) {
    const page = sockets.watch(await context.newPage());
    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Threads' }).waitFor();
    pages.push(page);
  }
  return pages;
}

export async function leaderOf(sockets: UserSockets): Promise<Page> {
  for (let i = 0; i < 200; i++) {
    const holders = sockets.holders();
    if (holders.length === 1) return holders[0]!;
    await sleep(50);
  }
  throw new Error(`expected one tab holding the socket, found ${sockets.holders().length}`);
}

/**
 * Stamps, per `lat:<epoch ms>` key, when a page's user socket delivered the frame, when it
 * posted it to the other tabs and when it heard it from another tab (epoch ms): the parts of
 * a follower's delay. Installed before the page loads (it wraps WebSocket and BroadcastChannel).
 */
const RELAY_PROBE = `(() => {
  const stamps = { socket: {}, post: {}, heard: {}, hidden: {}, long: [] };
  window.__relay = stamps;
  // Long animation frames (over 50 ms): when this tab's main thread was blocked.
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        stamps.long.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, blocking: entry.blockingDuration ?? 0 });
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {}
  const now = () => performance.timeOrigin + performance.now();
  const keyOf = (text) => /lat:(\\d+\\.\\d+)/.exec(text)?.[1];
  const note = (table, text) => {
    const key = keyOf(text);
    if (key && !(key in table)) table[key] = now();
    return key;
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        const key = note(stamps.socket, event.data);
        if (key && document.visibilityState === 'hidden') stamps.hidden[key] = true;
      });
    }
  };
  const NativeChannel = window.BroadcastChannel;
  const post = NativeChannel.prototype.postMessage;
  // A relayed frame: the tab hub's envelope on its conn topic.
  const relayed = (message) => (message && message.topic === 'conn' && message.body && message.body.kind === 'frame' ? message.body.frame : null);
  NativeChannel.prototype.postMessage = function (message) {
    const frame = relayed(message);
    if (frame) note(stamps.post, JSON.stringify(frame));
    return post.call(this, message);
  };
  window.BroadcastChannel = class extends NativeChannel {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const frame = relayed(event.data);
        if (frame) note(stamps.heard, JSON.stringify(frame));
      });
    }
  };
})();`;

interface RelayStamps {
  socket: Record<string, number>;
  post: Record<string, number>;
  heard: Record<string, number>;
  /** The keys whose frame came while this tab was hidden. */
  hidden: Record<string, true>;
  /** Long animation frames: start (epoch ms), duration, blocking duration. */
  long: { at: number; ms: number; blocking: number }[];
}

interface PaintSample {
  key: string;
  text: string;
  /** Epoch ms: the row entered the DOM, and the next animation frame after that. */
  dom: number;
  frame: number;
}

/** Notes, for each row with `lat:<epoch ms>`, the first animation frame after it entered the DOM. */
async function installPaintProbe(page: Page): Promise<void> {
  await page.getByTestId('message-scroller').evaluate((element) => {
    const state = { samples: [] as { key: string; text: string; dom: number; frame: number }[], seen: new Set<string>() };
    (window as unknown as { __paint: typeof state }).__paint = state;
    const now = () => performance.timeOrigin + performance.now();
    new MutationObserver(() => {
      for (const row of element.querySelectorAll('[data-row-kind="message"]')) {
        const match = /lat:(\d+\.\d+)/.exec(row.textContent ?? '');
        if (!match || state.seen.has(match[1]!)) continue;
        const key = match[1]!;
        state.seen.add(key);
        const text = row.textContent ?? '';
        const dom = now();
        requestAnimationFrame(() => state.samples.push({ key, text, dom, frame: now() }));
      }
    }).observe(element, { childList: true, subtree: true, characterData: true });
  });
}

const WHICH = ['leader', 'follower'] as const;
type Which = (typeof WHICH)[number];

interface TabRun {
  /** Send → paint, ms. */
  latency: number[];
  /** The same split into its parts (ms each), in order. */
  parts: Record<string, number[]>;
  /** Of the frames the leader's socket delivered, how many came while the leader tab was hidden. */
  leaderHidden: number;
  /** The leader tab's long animation frames while these messages came. */
  leaderLong: { count: number; longest: number; blocked: number };
}

/** Splits each sample's send → paint into its parts, from the stamps of both tabs. */
function tabRun(which: Which, samples: PaintSample[], leader: RelayStamps, follower: RelayStamps): TabRun {
  const parts: Record<string, number[]> = {};
  const add = (part: string, ms: number) => (parts[part] ??= []).push(ms);
  for (const sample of samples) {
    const sent = Number(sample.key);
    const socket = leader.socket[sample.key] ?? Number.NaN;
    add('send → leader socket', socket - sent);
    if (which === 'follower') {
      const posted = leader.post[sample.key] ?? Number.NaN;
      const heard = follower.heard[sample.key] ?? Number.NaN;
      add('→ relayed', posted - socket);
      add('→ heard', heard - posted);
      add('→ DOM', sample.dom - heard);
    } else add('→ DOM', sample.dom - socket);
    add('→ frame', sample.frame - sample.dom);
  }
  const latency = samples.map((sample) => sample.frame - Number(sample.key));
  const keys = samples.map((sample) => Number(sample.key));
  const [from, to] = [Math.min(...keys), Math.max(...keys) + 1_000];
  const long = leader.long.filter((frame) => frame.at >= from && frame.at <= to);
  return {
    latency,
    parts,
    leaderHidden: samples.filter((sample) => leader.hidden[sample.key]).length,
    leaderLong: {
      count: long.length,
      longest: long.reduce((max, frame) => Math.max(max, frame.ms), 0),
      blocked: long.reduce((sum, frame) => sum + frame.blocking, 0),
    },
  };
}

/** The samples of the rows whose text has `label` in it. */
const paintSamples = (page: Page, label: string) =>
  page.evaluate(
    (label) =>
      (window as unknown as { __paint: { samples: PaintSample[] } }).__paint.samples.filter((sample) => sample.text.includes(label)),
    label,
  );

const relayStamps = (page: Page) => page.evaluate(() => (window as unknown as { __relay: RelayStamps }).__relay);

/** Runs the first two measures; returns the table's rows (tabs-handover-bench.ts and tabs-cpu-bench.ts add theirs). */
export async function tabsBench(input: TabsBenchInput): Promise<string[][]> {
  const { browser, base, log } = input;
  const tag = randomUUID().slice(0, 6);
  const rows: string[][] = [];
  const newContext = (probe = '') => benchContext(browser, probe);

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
    const context = await newContext(RELAY_PROBE);
    const sockets = new UserSockets();
    const pages = await openTabs(context, sockets, base, 2);
    for (const page of pages) await openThread(page, paintTitle);
    const leader = await leaderOf(sockets);
    const follower = pages.find((page) => page !== leader)!;
    for (const page of pages) await installPaintProbe(page);
    // Each tab is measured while it is the tab in front (the one a person looks at). Both
    // tabs' stamps are kept, to split the follower's delay into its parts. A page that is not
    // in front stays "visible" in headless Chromium but gets about one animation frame a
    // second, so its own paint times say nothing: they are not compared.
    const runs: { front: Which; leader: TabRun; follower: TabRun }[] = [];
    for (let round = 0; round < input.rounds; round++) {
      for (const front of WHICH) {
        await (front === 'leader' ? leader : follower).bringToFront();
        await sleep(300);
        const label = `paint ${front}-${round}/`;
        const start = performance.now();
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < PAINT_MESSAGES_PER_ROUND; i++) {
          const wait = start + (i * 1000) / PAINT_RATE_PER_S - performance.now();
          if (wait > 0) await sleep(wait);
          const sentAt = (performance.timeOrigin + performance.now()).toFixed(3);
          sends.push(input.post(input.bob.token, paint.id, `${label}${i} lat:${sentAt}`));
        }
        await Promise.all(sends);
        const deadline = Date.now() + 20_000;
        let samples: Record<Which, PaintSample[]> = { leader: [], follower: [] };
        while (Date.now() < deadline) {
          samples = { leader: await paintSamples(leader, label), follower: await paintSamples(follower, label) };
          if (WHICH.every((which) => samples[which].length >= PAINT_MESSAGES_PER_ROUND)) break;
          await sleep(200);
        }
        const [leaderStamps, followerStamps] = [await relayStamps(leader), await relayStamps(follower)];
        runs.push({
          front,
          leader: tabRun('leader', samples.leader, leaderStamps, followerStamps),
          follower: tabRun('follower', samples.follower, leaderStamps, followerStamps),
        });
        await sleep(500);
      }
    }
    const own = (which: Which) => runs.filter((run) => run.front === which).map((run) => run[which]);
    const stat = (which: Which, p: number, part?: string) =>
      median(own(which).map((run) => percentile(sorted(part ? run.parts[part]! : run.latency), p)));
    const seen = (which: Which) =>
      own(which)
        .map((run) => run.latency.length)
        .join('/');
    const parts = (which: Which, p: number) =>
      `p${p} parts: ${Object.keys(own(which)[0]!.parts)
        .map((part) => `${part} ${fmt(stat(which, p, part))}`)
        .join(', ')}`;
    const hidden = own('follower')
      .map((run) => `${run.leaderHidden}/${run.latency.length}`)
      .join(', ');
    const long = (front: Which) =>
      runs
        .filter((run) => run.front === front)
        .map(
          (run) =>
            `${run.leader.leaderLong.count} (longest ${run.leader.leaderLong.longest.toFixed(0)} ms, ${run.leader.leaderLong.blocked.toFixed(0)} ms blocked)`,
        )
        .join(', ');
    const [l50, l95, f50, f95] = [stat('leader', 50), stat('leader', 95), stat('follower', 50), stat('follower', 95)];
    for (const which of WHICH) log(`  ${which} in front: ${parts(which, 50)}; ${parts(which, 95)}`);
    log(`  frames the leader's socket delivered while the leader tab was hidden, per follower run: ${hidden}`);
    log(`  the leader's long animation frames per run, leader in front: ${long('leader')}; follower in front: ${long('follower')}`);
    rows.push(
      [
        `arrival → paint, leader tab, p50 / p95 (${PAINT_RATE_PER_S}/s)`,
        `${fmt(l50)} / ${fmt(l95)} (seen ${seen('leader')} of ${PAINT_MESSAGES_PER_ROUND}; ${parts('leader', 50)})`,
        '(reference)',
        '',
      ],
      [
        `arrival → paint, follower tab, p50 / p95`,
        `${fmt(f50)} / ${fmt(f95)} (seen ${seen('follower')}; ${signed(f50 - l50)} / ${signed(f95 - l95)} against the leader; ${parts('follower', 50)}; ${parts('follower', 95)})`,
        `≤ leader + ${FRAME_MS.toFixed(1)} ms`,
        ok(f50 - l50 <= FRAME_MS && f95 - l95 <= FRAME_MS),
      ],
    );
    await context.close();
  }

  return rows;
}
