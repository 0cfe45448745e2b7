/**
 * The page side of `npm run bench:ui`'s core section (ui-bench.ts): signing in, opening a
 * thread, and the probes each measure installs in the page (first render, scrolling, live
 * latency, a streamed reply). Each probe keeps its samples on `window` for the bench to read.
 */
import type { Page } from '@playwright/test';
import { sleep } from '../../server/bench/spawn-server.ts';

/** How far the list scrolls per frame in the scroll measure. */
const SCROLL_STEP_PX = 120;

/** Signs in through the sign-in page at `base`; resolves once the thread list is shown. */
export async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Threads' }).waitFor();
}

/** Opens a thread from the list; resolves once it is synced. */
export async function openThread(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Threads' }).getByRole('button', { name: title }).click();
  await page
    .getByTestId('sync-health')
    .filter({ hasText: /^Synced/ })
    .waitFor({ timeout: 60_000 });
}

/** Clicks the thread in the list and times until its latest message is on screen (same page clock). */
export async function timeFirstRender(page: Page, base: string, title: string, latest: string): Promise<number> {
  await page.goto(`${base}/`);
  await page.getByRole('navigation', { name: 'Threads' }).getByRole('button', { name: title }).waitFor();
  await sleep(300);
  return page.evaluate(
    ({ title, latest }) =>
      new Promise<number>((resolve, reject) => {
        const button = [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Threads"] button')].find((b) =>
          b.textContent?.includes(title),
        );
        if (!button) return reject(new Error(`no thread button for ${title}`));
        const start = performance.now();
        button.click();
        const check = () => {
          const scroller = document.querySelector('[data-testid="message-scroller"]');
          const row = scroller && [...scroller.querySelectorAll('[data-row-kind="message"]')].find((r) => r.textContent?.includes(latest));
          if (scroller && row) {
            const box = row.getBoundingClientRect();
            const view = scroller.getBoundingClientRect();
            if (box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1) return resolve(performance.now() - start);
          }
          if (performance.now() - start > 30_000) return reject(new Error('the latest message never showed'));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { title, latest },
  );
}

/** Scrolls to the top until the whole thread is loaded ("This is the beginning of the thread."). */
export async function loadWholeThread(page: Page): Promise<void> {
  await page.getByTestId('message-scroller').evaluate(async (element) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const deadline = performance.now() + 120_000;
    while (!element.textContent?.includes('This is the beginning of the thread.')) {
      if (performance.now() > deadline) throw new Error('the thread did not load to its beginning');
      element.scrollTop = 0;
      await frame();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  });
}

export interface ScrollRun {
  frames: number[];
  longTasks: number[];
  maxNodes: number;
}

/** Scrolls the whole loaded list by SCROLL_STEP_PX per frame, down or up; frame intervals and long tasks. */
export function scrollRun(page: Page, direction: 'down' | 'up'): Promise<ScrollRun> {
  return page.getByTestId('message-scroller').evaluate(
    async (element, { step, direction }) => {
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      element.scrollTop = direction === 'down' ? 0 : element.scrollHeight;
      await frame();
      await frame();
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
      observer.observe({ type: 'longtask' });
      const frames: number[] = [];
      let maxNodes = 0;
      let last = await frame();
      for (let n = 0; ; n++) {
        const done = direction === 'down' ? element.scrollTop + element.clientHeight >= element.scrollHeight - 1 : element.scrollTop <= 0;
        if (done || n > 5_000) break;
        element.scrollTop += direction === 'down' ? step : -step;
        const now = await frame();
        frames.push(now - last);
        last = now;
        if (n % 30 === 0) maxNodes = Math.max(maxNodes, document.querySelectorAll('*').length);
      }
      await frame();
      observer.disconnect();
      maxNodes = Math.max(maxNodes, document.querySelectorAll('*').length);
      return { frames, longTasks, maxNodes };
    },
    { step: SCROLL_STEP_PX, direction },
  );
}

/**
 * Notes when each socket frame with `lat:<epoch ms>` in it arrives (installed before the app
 * loads; the app's one WebSocket is this subclass).
 */
export const SOCKET_PROBE = `
  window.__socketAt = new Map();
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const data = typeof event.data === 'string' ? event.data : '';
        if (!data.includes('lat:')) return;
        const at = performance.timeOrigin + performance.now();
        for (const match of data.matchAll(/lat:(\\d+\\.\\d+)/g)) if (!window.__socketAt.has(match[1])) window.__socketAt.set(match[1], at);
      });
    }
  };`;

export interface LatencySample {
  sent: number;
  socket: number;
  dom: number;
  frame: number;
}

/**
 * For each message whose text has `lat:<epoch ms>`: when its socket frame came, when its row
 * was in the DOM (mutation observer), and when the first animation frame callback after
 * that ran (the frame's own timestamp can be older than the mutation on a busy machine).
 */
export async function installLatencyProbe(page: Page): Promise<void> {
  await page.getByTestId('message-scroller').evaluate((element) => {
    const socketAt = (window as unknown as { __socketAt: Map<string, number> }).__socketAt;
    const state = { samples: [] as LatencySample[], seen: new Set<string>() };
    (window as unknown as { __latency: typeof state }).__latency = state;
    new MutationObserver(() => {
      const dom = performance.timeOrigin + performance.now();
      for (const row of element.querySelectorAll('[data-row-kind="message"]')) {
        const match = /lat:(\d+\.\d+)/.exec(row.textContent ?? '');
        if (!match || state.seen.has(match[1]!)) continue;
        state.seen.add(match[1]!);
        const sample = { sent: Number(match[1]), socket: socketAt.get(match[1]!) ?? Number.NaN, dom, frame: Number.NaN };
        requestAnimationFrame(() => {
          sample.frame = performance.timeOrigin + performance.now();
          state.samples.push(sample);
        });
      }
    }).observe(element, { childList: true, subtree: true, characterData: true });
  });
}

export interface StreamRun {
  /** Mutation observer callbacks (one per DOM commit) between two animation frames. */
  perFrame: number[];
  /** The same, counting only commits that changed content (not only style attributes). */
  contentPerFrame: number[];
  longTasks: number[];
  frames: number[];
}

export async function startStreamProbe(page: Page): Promise<void> {
  await page.getByTestId('message-scroller').evaluate((element) => {
    const state = {
      running: true,
      perFrame: [] as number[],
      contentPerFrame: [] as number[],
      frames: [] as number[],
      longTasks: [] as number[],
      count: 0,
      content: 0,
      last: 0,
    };
    (window as unknown as { __stream: typeof state }).__stream = state;
    const mutations = new MutationObserver((records) => {
      state.count++;
      if (records.some((record) => record.type !== 'attributes')) state.content++;
    });
    mutations.observe(element, { childList: true, subtree: true, characterData: true, attributes: true });
    const tasks = new PerformanceObserver((list) => state.longTasks.push(...list.getEntries().map((entry) => entry.duration)));
    tasks.observe({ type: 'longtask' });
    const tick = (time: number) => {
      if (state.last) {
        state.perFrame.push(state.count);
        state.contentPerFrame.push(state.content);
        state.frames.push(time - state.last);
      }
      state.count = 0;
      state.content = 0;
      state.last = time;
      if (state.running) requestAnimationFrame(tick);
      else {
        mutations.disconnect();
        tasks.disconnect();
      }
    };
    requestAnimationFrame(tick);
  });
}

export async function stopStreamProbe(page: Page): Promise<StreamRun> {
  return page.evaluate(async () => {
    const state = (window as unknown as { __stream: StreamRun & { running: boolean } }).__stream;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    state.running = false;
    return { perFrame: state.perFrame, contentPerFrame: state.contentPerFrame, frames: state.frames, longTasks: state.longTasks };
  });
}

/**
 * Opens the search dialog, finds `word` (one result), presses Enter and times from there to the
 * found message shown highlighted in view; also counts the reads of the thread's log meanwhile.
 */
export async function timeSearchOpen(page: Page, base: string, threadId: string, word: string): Promise<{ ms: number; reads: number }> {
  await page.goto(`${base}/`);
  await page.getByRole('navigation', { name: 'Threads' }).waitFor();
  await page.keyboard.press('ControlOrMeta+k');
  const dialog = page.getByRole('dialog', { name: 'Search messages, notes and threads' });
  await dialog.getByRole('combobox', { name: 'Search' }).fill(word);
  await dialog.getByRole('listbox', { name: 'Results' }).getByRole('option').first().waitFor();
  await sleep(300);
  let reads = 0;
  const count = (request: { url(): string }) => {
    if (new URL(request.url()).pathname.endsWith(`/chat/threads/${threadId}/events`)) reads++;
  };
  page.on('request', count);
  const ms = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        const check = () => {
          const scroller = document.querySelector('[data-testid="message-scroller"]');
          const hit = scroller?.querySelector('[data-search-hit]');
          if (scroller && hit) {
            const box = hit.getBoundingClientRect();
            const view = scroller.getBoundingClientRect();
            if (box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1) return resolve(performance.now() - start);
          }
          if (performance.now() - start > 30_000) return reject(new Error('the search hit never showed'));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  page.off('request', count);
  return { ms, reads };
}
