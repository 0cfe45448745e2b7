import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/axe.ts';
import { uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  launcher,
  messageBox,
  openPanel,
  panel,
  sendFromWidget,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * Consent mode (issue 20, CONTRACT §14): with `data-consent="required"` the loader draws the
 * launcher and nothing else. Counted by the browser: no request to the chat server (but
 * widget.js itself) and no touch of localStorage, sessionStorage, IndexedDB or cookies until
 * the visitor opens the chat or the page calls `AMA2Chat.consent()`; then the chat works.
 */

const CHAT_ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 8799}`;

/**
 * Counts every touch of the page's storage, whoever makes it: the `localStorage` and
 * `sessionStorage` getters (the loader reads `localStorage[key]` without getItem), their
 * methods, `indexedDB` and `document.cookie`.
 */
const COUNT_STORAGE = `
window.__storageTouches = [];
const touched = (what) => window.__storageTouches.push(what);
for (const name of ['localStorage', 'sessionStorage', 'indexedDB']) {
  const own = Object.getOwnPropertyDescriptor(window, name) ? window : Window.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(own, name);
  Object.defineProperty(window, name, { configurable: true, get() { touched(name); return descriptor.get.call(window); } });
}
for (const method of ['getItem', 'setItem', 'removeItem', 'clear', 'key']) {
  const original = Storage.prototype[method];
  Storage.prototype[method] = function (...args) { touched('Storage.' + method); return original.apply(this, args); };
}
const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
Object.defineProperty(document, 'cookie', {
  configurable: true,
  get() { touched('cookie read'); return cookie.get.call(document); },
  set(value) { touched('cookie write'); cookie.set.call(document, value); },
});
`;

const storageTouches = (page: Page) => page.evaluate(() => (window as unknown as { __storageTouches: string[] }).__storageTouches);

/** Requests to the chat server other than the script tag's own widget.js, as the browser made them. */
function chatRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === CHAT_ORIGIN && url.pathname !== '/widget.js') urls.push(`${request.method()} ${url.pathname}`);
  });
  return urls;
}

/**
 * Gives the loader every chance it has to reach out before any choice: the visitor hovers over
 * and tabs to the launcher, and the browser goes idle (the loader's own idle callback, with its
 * time limit, was asked for before this one).
 */
async function everyChanceBeforeAChoice(page: Page): Promise<void> {
  await expect(launcher(page)).toBeVisible();
  await launcher(page).hover();
  await launcher(page).focus();
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => setTimeout(resolve, 500), { timeout: 5_000 })));
}

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('without data-consent the loader reads storage and fetches the panel before any click (what consent mode stops)', async ({ page }) => {
  await page.addInitScript(COUNT_STORAGE);
  const requests = chatRequests(page);
  await page.goto(host.page({ widget: { agent: 'demo' } }));
  await everyChanceBeforeAChoice(page);
  expect(await storageTouches(page)).toContain('localStorage');
  expect(requests.length).toBeGreaterThan(0);
});

test('data-consent="required": no request and no storage until the visitor opens the chat, then it works', async ({ page }) => {
  await page.addInitScript(COUNT_STORAGE);
  const watch = new PageWatch(page);
  const requests = chatRequests(page);
  await page.goto(host.page({ widget: { agent: 'demo', consent: 'required' } }));
  await everyChanceBeforeAChoice(page);
  await expectAccessible(page, 'consent mode, launcher only');
  expect(requests).toEqual([]);
  expect(await storageTouches(page)).toEqual([]);

  // The visitor opens the chat: that is their choice, and it works as without the attribute.
  await openPanel(page);
  const tag = uniqueTag();
  const question = `After consent ${tag}`;
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
  expect(requests.length).toBeGreaterThan(0);
  expect(await storageTouches(page)).toContain('Storage.setItem');
  await watch.expectClean();
});

test('AMA2Chat.consent() from the page does the same without a click', async ({ page }) => {
  await page.addInitScript(COUNT_STORAGE);
  const requests = chatRequests(page);
  await page.goto(host.page({ widget: { agent: 'demo', consent: 'required' } }));
  await everyChanceBeforeAChoice(page);
  expect(requests).toEqual([]);
  expect(await storageTouches(page)).toEqual([]);

  await page.evaluate(() => (window as unknown as { AMA2Chat: { consent(): void } }).AMA2Chat.consent());
  // The panel is fetched (the hover asked for it) and storage read, with no click.
  await expect.poll(() => requests.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(() => storageTouches(page)).toContain('localStorage');

  await openPanel(page);
  const question = `Consented by the page ${uniqueTag()}`;
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
});

test('an unknown data-consent value warns in words and is taken as "required" (the safe choice)', async ({ page }) => {
  await page.addInitScript(COUNT_STORAGE);
  const watch = new PageWatch(page);
  const requests = chatRequests(page);
  await page.goto(host.page({ widget: { agent: 'demo', consent: 'later' } }));
  await everyChanceBeforeAChoice(page);
  expect(watch.warnings).toContain('[AMA2Chat] data-consent must be "required"; consent is required.');
  expect(requests).toEqual([]);
  expect(await storageTouches(page)).toEqual([]);
});

test('consent mode on a phone in dark mode: the launcher only, accessible', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    await page.addInitScript(COUNT_STORAGE);
    const requests = chatRequests(page);
    await page.goto(host.page({ widget: { agent: 'demo', consent: 'required', theme: 'auto' } }));
    await expect(launcher(page)).toBeVisible();
    const box = await launcher(page).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(44);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await expectAccessible(page, 'consent mode, phone, dark');
    expect(requests).toEqual([]);
    expect(await storageTouches(page)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('"Delete this conversation": asked in words, erased on the server, forgotten here; a reload starts fresh and the old thread is 404', async ({
  page,
  request,
}) => {
  const watch = new PageWatch(page);
  await page.goto(host.page({ widget: { agent: 'demo' } }));
  await openPanel(page);
  const question = `To be deleted ${uniqueTag()}`;
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
  const before = await visitorRecord(page);
  const history = `${CHAT_ORIGIN}/api/v1/chat/public/demo/threads/${before.threadId}/events?last_thread_seq=0`;
  expect((await request.get(history, { headers: { authorization: `Bearer ${before.visitorToken}` } })).status()).toBe(200);

  await panel(page).getByRole('button', { name: 'Delete this conversation' }).click();
  const confirm = panel(page).getByRole('alertdialog', { name: 'Delete this conversation?' });
  await expect(confirm).toContainText(
    'This conversation and everything in it (your messages, the replies and any files) will be deleted from the server and from this device. This cannot be undone.',
  );
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete' }).click();

  await expect(panel(page).getByRole('status').filter({ hasText: 'Your conversation was deleted.' })).toBeVisible({ timeout: 20_000 });
  await expect(panel(page).getByRole('button', { name: 'Start a new conversation' })).toBeFocused();
  await expectAccessible(page, 'conversation deleted');
  await expect(widgetConversation(page)).toHaveCount(0);
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`)).toBeNull();
  // On the server: the token is refused, and with a new visitor's token the old thread does not exist.
  expect((await request.get(history, { headers: { authorization: `Bearer ${before.visitorToken}` } })).status()).toBe(401);

  await page.reload();
  await openPanel(page);
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await expect(panel(page).getByText(question, { exact: true })).toHaveCount(0);
  await expect(panel(page).getByRole('button', { name: 'Start a new conversation' })).toHaveCount(0);
  const next = `A new start ${uniqueTag()}`;
  await sendFromWidget(page, next);
  await expect(widgetConversation(page).getByText(demoReplyTo(next))).toBeVisible({ timeout: 20_000 });
  const after = await visitorRecord(page);
  expect(after.threadId).not.toBe(before.threadId);
  const old = `${CHAT_ORIGIN}/api/v1/chat/public/demo/threads/${before.threadId}/events?last_thread_seq=0`;
  expect((await request.get(old, { headers: { authorization: `Bearer ${after.visitorToken}` } })).status()).toBe(404);
  await watch.expectClean();
});
