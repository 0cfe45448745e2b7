import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { ALICE, fillSignIn, openThread, threadButton, threadList, titleUnread } from './support/inbox.ts';

/**
 * One user, one browser context, three inbox tabs: one desktop notification per message for
 * all of them, none while a tab shows the thread, none for a muted thread (the mute kept across
 * a reload and shown in every tab), and tab titles that agree.
 *
 * Visibility and focus are emulated per page by an init script: headless Chromium reports
 * every page of a context as visible, and has no way to hide one tab or move the focus
 * between tabs of one window (`page.bringToFront()` changes neither `visibilityState` nor
 * `hasFocus()` of the others). The script overrides `document.visibilityState`, `hidden` and
 * `hasFocus()` and fires `visibilitychange`/`focus`/`blur` when the test changes them, so the
 * app sees exactly what a real hidden or background tab would show it. The same script
 * wraps `window.Notification` to count every notification a page constructs.
 *
 * A hidden tab does not render (its state keeps changing; its page shows it when shown), so
 * the test shows a tab, as a user would, before it reads or clicks that tab's page.
 */

const PAGE_SHIMS = `
  window.__tab = { visible: false, focused: false };
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__tab.visible ? 'visible' : 'hidden') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => !window.__tab.visible });
  Document.prototype.hasFocus = function () { return window.__tab.visible && window.__tab.focused; };
  window.__setTab = (visible, focused) => {
    window.__tab = { visible, focused };
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
  };
  window.__notifications = [];
  if ('Notification' in window) {
    const Real = window.Notification;
    class Counted extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
      }
    }
    Object.defineProperty(Counted, 'permission', { get: () => Real.permission });
    Counted.requestPermission = (...args) => Real.requestPermission(...args);
    window.Notification = Counted;
  }
`;

interface Shown {
  title: string;
  body: string;
  tag: string;
}

const shownIn = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: Shown[] }).__notifications);

/** Every notification any of the tabs showed. */
async function allShown(pages: Page[]): Promise<Shown[]> {
  return (await Promise.all(pages.map(shownIn))).flat();
}

/** How many notifications (over all tabs) have a body containing `text`. */
async function countShown(pages: Page[], text: string): Promise<number> {
  return (await allShown(pages)).filter((shown) => shown.body.includes(text)).length;
}

const setTab = (page: Page, visible: boolean, focused = false) =>
  page.evaluate(([v, f]) => (window as unknown as { __setTab(v: boolean, f: boolean): void }).__setTab(v, f), [visible, focused] as const);

/**
 * Brings `page` to front (visible and focused), as a user would before reading or clicking it,
 * runs `act` on it, then puts the tab back as it was.
 */
async function onScreen<T>(page: Page, act: () => Promise<T>): Promise<T> {
  const was = await page.evaluate(() => ({ ...(window as unknown as { __tab: { visible: boolean; focused: boolean } }).__tab }));
  await setTab(page, true, true);
  try {
    return await act();
  } finally {
    await setTab(page, was.visible, was.focused);
  }
}

interface ExpectedState {
  visible: boolean;
  focused: boolean;
  threadId: string | null;
}

/**
 * Waits until the tabs, heard on the app's own tab channel, beat exactly these states: then
 * every tab's list of live tabs holds them too (same channel, same order), and a message sent
 * now is decided on with them.
 */
async function waitForTabStates(page: Page, userId: string, expected: ExpectedState[]): Promise<void> {
  const key = (state: ExpectedState) => JSON.stringify([state.visible, state.focused, state.threadId]);
  const want = expected.map(key).sort();
  await expect
    .poll(
      () =>
        page.evaluate(
          ({ name, count }) =>
            new Promise<string[]>((resolve) => {
              const channel = new BroadcastChannel(name);
              const seen = new Map<string, string>();
              const probe = 'e2e-probe';
              let finished = false;
              const done = () => {
                if (finished) return;
                finished = true;
                channel.postMessage({ v: 1, topic: 'hub', from: probe, body: { kind: 'gone' } });
                channel.close();
                resolve([...seen.values()].sort());
              };
              channel.onmessage = (event: MessageEvent) => {
                const data = event.data as {
                  topic?: string;
                  body?: { kind?: string; beat?: { tabId: string; visible: boolean; focused: boolean; threadId: string | null } };
                };
                const beat = data?.topic === 'hub' && data.body?.kind === 'beat' ? data.body.beat : undefined;
                if (!beat || beat.tabId === probe) return;
                seen.set(beat.tabId, JSON.stringify([beat.visible, beat.focused, beat.threadId]));
                if (seen.size >= count) done();
              };
              // A tab new to them (hidden, on no thread, gone again at once): every tab answers with its beat.
              const beat = {
                tabId: probe,
                visible: false,
                focused: false,
                threadId: null,
                leader: false,
                follow: [],
                focus: [],
                cursors: [],
              };
              channel.postMessage({ v: 1, topic: 'hub', from: probe, body: { kind: 'beat', beat } });
              setTimeout(done, 1_000);
            }),
          { name: `ama2:${userId}`, count: expected.length },
        ),
      { message: 'the tabs announce the expected states' },
    )
    .toEqual(want);
}

/** Opens three inbox tabs of Alice in one context, notifications allowed, each synced on `thread`. */
async function threeTabs(context: BrowserContext, thread: string): Promise<Page[]> {
  await context.grantPermissions(['notifications']);
  await context.addInitScript({ content: PAGE_SHIMS });
  const pages = [await context.newPage(), await context.newPage(), await context.newPage()];
  // Each page is shown once loaded (a navigation makes a new, hidden document).
  await pages[0]!.goto('/');
  await onScreen(pages[0]!, () => fillSignIn(pages[0]!, ALICE));
  for (const page of pages.slice(1)) {
    await page.goto('/');
    await onScreen(page, () => expect(threadList(page)).toBeVisible());
  }
  // Each tab synced on a thread: its connection (or the leader's) is up before anything is sent.
  for (const page of pages) await onScreen(page, () => openThread(page, thread));
  return pages;
}

const toList = (page: Page) => page.evaluate(() => (location.hash = ''));

test('three tabs: one notification per message, none on screen or muted, the mute kept and shared, titles agree', async ({
  browser,
  alice,
  bob,
  tag,
  startThread,
}) => {
  // The title's count is compared below: start it from zero, whatever earlier specs left unread.
  await alice.markAllRead();
  const notify = await startThread('Notify');
  const other = await startThread('Other');
  const context = await browser.newContext();
  try {
    const pages = await threeTabs(context, `Other ${tag}`);
    const [a, b, c] = pages as [Page, Page, Page];
    const userId = alice.me.user.id;

    // a: hidden on "Other"; b: hidden on the list; c: visible but not focused, on the list.
    await toList(b);
    await toList(c);
    await setTab(c, true, false);
    await waitForTabStates(a, userId, [
      { visible: false, focused: false, threadId: other.id },
      { visible: false, focused: false, threadId: null },
      { visible: true, focused: false, threadId: null },
    ]);

    // Two messages: one notification each, over all three tabs, in plain text and cut short.
    await bob.send(notify.id, `**Hello** _from_ [Bob](https://example.com) ${tag}`);
    await expect.poll(() => countShown(pages, `Hello from Bob ${tag}`)).toBe(1);
    const long = `Long ${tag} ${'word '.repeat(60)}`;
    await bob.send(notify.id, long);
    await expect.poll(() => countShown(pages, `Long ${tag}`)).toBe(1);
    const shown = await allShown(pages);
    expect(shown.filter((item) => item.body.includes(tag))).toEqual([
      { title: `Bob in Notify ${tag}`, body: `Hello from Bob ${tag}`, tag: notify.id },
      { title: `Bob in Notify ${tag}`, body: expect.stringMatching(/…$/) as unknown as string, tag: notify.id },
    ]);
    const cut = Array.from(shown.find((item) => item.body.startsWith(`Long ${tag}`))!.body);
    expect(cut.length).toBeLessThanOrEqual(140);
    expect(cut.length).toBeGreaterThan(130);

    // b shows "Notify" (visible, not focused): nothing for a message there; "Other" still notifies.
    await setTab(b, true, false);
    await openThread(b, `Notify ${tag}`);
    await waitForTabStates(a, userId, [
      { visible: false, focused: false, threadId: other.id },
      { visible: true, focused: false, threadId: notify.id },
      { visible: true, focused: false, threadId: null },
    ]);
    await bob.send(notify.id, `Seen on screen ${tag}`);
    await bob.send(other.id, `Sentinel one ${tag}`);
    await expect.poll(() => countShown(pages, `Sentinel one ${tag}`)).toBe(1);
    expect(await countShown(pages, `Seen on screen ${tag}`)).toBe(0);
    await setTab(b, false, false);

    // Mute "Notify" from a's thread menu, with the keyboard: the other tabs show it at once.
    // a leaves "Other" before it is shown (shown there, it would read Bob's sentinel).
    await toList(a);
    await onScreen(a, async () => {
      await openThread(a, `Notify ${tag}`);
      const menuButton = a.getByRole('button', { name: 'Thread options' });
      await menuButton.focus();
      await menuButton.press('Enter');
      await expect(a.getByRole('menuitem', { name: 'Mute notifications' })).toBeFocused();
      await a.keyboard.press('Enter');
      await expect(a.getByRole('menu')).toHaveCount(0);
      await expect(menuButton).toBeFocused();
    });
    for (const page of pages)
      await onScreen(page, () =>
        expect(threadButton(page, `Notify ${tag}`).getByRole('img', { name: 'Notifications muted' })).toBeVisible(),
      );
    await onScreen(a, () => expect(threadButton(a, `Other ${tag}`).getByRole('img', { name: 'Notifications muted' })).toHaveCount(0));

    // Kept across a reload, and the menu now offers to unmute.
    await c.reload();
    await onScreen(c, async () => {
      await expect(threadButton(c, `Notify ${tag}`).getByRole('img', { name: 'Notifications muted' })).toBeVisible();
      await openThread(c, `Notify ${tag}`);
      await c.getByRole('button', { name: 'Thread options' }).click();
      await expect(c.getByRole('menuitem', { name: 'Unmute notifications' })).toBeVisible();
      await c.keyboard.press('Escape');
      await toList(c);
    });

    // Everyone hidden or elsewhere: a muted thread stays quiet, an unmuted one does not.
    await waitForTabStates(a, userId, [
      { visible: false, focused: false, threadId: notify.id },
      { visible: false, focused: false, threadId: notify.id },
      { visible: false, focused: false, threadId: null },
    ]);
    await bob.send(notify.id, `Muted one ${tag}`);
    await bob.send(other.id, `Sentinel two ${tag}`);
    await expect.poll(() => countShown(pages, `Sentinel two ${tag}`)).toBe(1);
    expect(await countShown(pages, `Muted one ${tag}`)).toBe(0);
    // Each message was shown once in all: no tab repeated another's.
    const bodies = (await allShown(pages)).map((item) => item.body).filter((body) => body.includes(tag));
    expect(bodies).toHaveLength(4);

    // The titles agree in all tabs; "Other" has Bob's two sentinels unread.
    // a leaves "Notify" before it is shown (shown there, it would read Bob's muted message).
    await toList(a);
    await onScreen(a, () => expect(threadButton(a, `Other ${tag}`).getByLabel('2 unread')).toBeVisible());
    // The title follows the list's cache (rendered or not): wait for it, then for the others to agree.
    await expect.poll(() => titleUnread(a)).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => new Set(await Promise.all(pages.map((page) => page.title()))).size).toBe(1);
    const before = await titleUnread(a);
    expect(before).toBeGreaterThanOrEqual(2);

    // Reading "Other" in one tab clears it in every tab: the list, the title and the server.
    await setTab(a, true, true);
    await openThread(a, `Other ${tag}`);
    // The titles first: b, shown on "Notify", reads it there (as it would for a user).
    for (const page of pages) await expect.poll(() => titleUnread(page)).toBe(before - 2);
    for (const page of pages) await onScreen(page, () => expect(threadButton(page, `Other ${tag}`).getByLabel(/unread/)).toHaveCount(0));
    await expect.poll(async () => new Set(await Promise.all(pages.map((page) => page.title()))).size).toBe(1);
    await expect.poll(async () => (await alice.thread(other.id)).unread_count).toBe(0);
  } finally {
    await context.close();
  }
});
