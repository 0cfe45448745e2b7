import { expect, test, type Page } from '@playwright/test';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  pasteScreenshot,
  PageWatch,
  messageBox,
  openPanel,
  panel,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * A visitor sends files from the widget (CONTRACT §13) against the real server of the
 * Playwright config: a pasted screenshot, an upload that outlives going offline and a reload,
 * and files refused before any upload. The demo agent names what it received (§9).
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

/** Drops files made in the page onto the composer (a real drop event with a DataTransfer). */
async function dropFiles(page: Page, files: { name: string; type: string; bytes: number }[]): Promise<void> {
  await messageBox(page).evaluate((box, files) => {
    const data = new DataTransfer();
    for (const file of files) data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
    const form = box.closest('form')!;
    form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
  }, files);
}

const tray = (page: Page) => panel(page).getByRole('list', { name: 'Files to send' });

test('a visitor pastes a screenshot, sees its thumbnail, sends it without text, and the demo agent names it and its pixel size', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  await page.goto(host.page());
  await startChat(page, `paste-${tag}@example.com`);
  await expect(panel(page).getByRole('button', { name: 'Attach a file' })).toBeVisible();

  await pasteScreenshot(page, `screenshot-${tag}.png`, 320, 200);
  await expect(tray(page).getByRole('listitem')).toHaveCount(1);
  await expect(tray(page)).toContainText(`screenshot-${tag}.png`);
  // Drawn into a canvas (attach-tray.tsx): the screenshot's blue, opaque, in its middle pixel.
  const thumbnail = tray(page).locator('canvas');
  await expect(thumbnail).toBeVisible();
  await expect(thumbnail).toHaveAttribute('data-drawn', '');
  const middle = await thumbnail.evaluate((canvas: HTMLCanvasElement) => [
    ...canvas.getContext('2d')!.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data,
  ]);
  expect(middle).toEqual([0x3b, 0x82, 0xf6, 255]);

  await messageBox(page).press('Enter');
  await expect(tray(page)).toHaveCount(0);
  await expect(widgetConversation(page).getByText('320 × 200 pixels')).toBeVisible({ timeout: 30_000 });
  await expect(widgetConversation(page).getByText(`screenshot-${tag}.png`).first()).toBeVisible();

  // The server has the message once, carrying the file.
  const { threadId } = await visitorRecord(page);
  const alice = await UserApi.login(request, ALICE);
  const events = await alice.events(threadId!);
  const carrying = events.filter(
    (event) =>
      event.event_type === 'message_committed' &&
      ((event.data as { attachments?: { name: string }[] }).attachments ?? []).some((file) => file.name === `screenshot-${tag}.png`),
  );
  expect(carrying).toHaveLength(1);
  await watch.expectClean();
});

test('files over the agent’s limit or of a kind it does not take are refused before any upload, with the reason in words', async ({
  page,
}) => {
  const tag = uniqueTag();
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/attachments')) uploads.push(request.url());
  });
  await page.goto(host.page());
  await startChat(page, `refused-${tag}@example.com`);
  // The demo agent keeps the defaults: 10 MiB, images and PDF.
  await dropFiles(page, [
    { name: 'huge.png', type: 'image/png', bytes: Math.round(14.2 * 1024 * 1024) },
    { name: 'report.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: 2_000 },
  ]);
  const alert = panel(page).getByRole('alert');
  await expect(alert).toContainText('huge.png is 14.2 MB; the limit is 10 MB');
  await expect(alert).toContainText('report.docx: this chat accepts images and PDF files');
  await expect(tray(page)).toHaveCount(0);
  // Nothing to send, and nothing went up.
  await expect(panel(page).getByRole('button', { name: 'Send' })).toBeDisabled();
  expect(uploads).toEqual([]);
});

test('a file sent while offline goes up after going online and a reload, and the message arrives once', async ({
  page,
  context,
  request,
}) => {
  const tag = uniqueTag();
  await page.goto(host.page());
  await startChat(page, `offline-${tag}@example.com`);
  const { threadId } = await visitorRecord(page);

  // Attached online (the tray loads on first use), sent offline.
  await pasteScreenshot(page, `offline-${tag}.png`, 64, 48);
  await expect(tray(page).getByRole('listitem')).toHaveCount(1);
  await context.setOffline(true);
  await expect(panel(page).getByRole('status')).toContainText('You are offline', { timeout: 20_000 });
  await messageBox(page).fill(`with a file ${tag}`);
  await messageBox(page).press('Enter');
  await expect(widgetConversation(page).getByText(`with a file ${tag}`)).toBeVisible();
  // The message and its file are stored; the page goes away before (or while) it goes up.
  await page.waitForTimeout(500);
  await context.setOffline(false);
  await page.reload();

  await expect(widgetConversation(page).getByText('64 × 48 pixels')).toBeVisible({ timeout: 30_000 });
  const alice = await UserApi.login(request, ALICE);
  await expect
    .poll(async () => (await alice.messageContents(threadId!)).filter((content) => content === `with a file ${tag}`).length)
    .toBe(1);
  const sent = (await alice.events(threadId!)).find((event) => event.content === `with a file ${tag}`);
  expect((sent?.data as { attachments?: { name: string }[] }).attachments?.map((file) => file.name)).toEqual([`offline-${tag}.png`]);
  await page.waitForTimeout(1_000);
  expect((await alice.messageContents(threadId!)).filter((content) => content === `with a file ${tag}`)).toHaveLength(1);
});

test('a first-time visitor attaches a screenshot to their very first message: the conversation starts, the file goes up once, and the agent names it', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  await page.goto(host.page());
  await openPanel(page);
  // Nobody is known yet and there is no thread: the first run's composer takes files too.
  expect((await visitorRecord(page)).threadId ?? null).toBeNull();
  await expect(panel(page).getByRole('button', { name: 'Attach a file' })).toBeVisible();
  await pasteScreenshot(page, `first-${tag}.png`, 240, 160);
  await expect(tray(page)).toContainText(`first-${tag}.png`);
  const text = `My first message, with a screenshot ${tag}`;
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');

  await expect(widgetConversation(page).getByText('240 × 160 pixels')).toBeVisible({ timeout: 30_000 });
  const { threadId } = await visitorRecord(page);
  const alice = await UserApi.login(request, ALICE);
  const committed = (await alice.events(threadId!)).filter((event) => event.event_type === 'message_committed' && event.content === text);
  expect(
    committed.map((event) => ((event.data as { attachments?: { name: string }[] }).attachments ?? []).map((file) => file.name)),
  ).toEqual([[`first-${tag}.png`]]);
  await watch.expectClean();
});

/**
 * Holds the server's answers that start a conversation (`POST …/threads`): the server makes the
 * thread, but the page never hears of it, so it is still starting. `held` turns true at each
 * answer held; `release` lets later ones through.
 */
async function holdThreadAnswers(page: Page): Promise<{ held: boolean; release(): Promise<void> }> {
  const path = /\/chat\/public\/[^/]+\/threads$/;
  const answers = {
    held: false,
    release: () => page.unroute(path),
  };
  await page.route(path, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await route.fetch().catch(() => undefined);
    answers.held = true;
  });
  return answers;
}

/** The files' names of each message committed in the thread with exactly this text, as Alice reads it. */
async function committedFiles(alice: UserApi, threadId: string, text: string): Promise<string[][]> {
  return (await alice.events(threadId))
    .filter((event) => event.event_type === 'message_committed' && event.content === text)
    .map((event) => ((event.data as { attachments?: { name: string }[] }).attachments ?? []).map((file) => file.name));
}

test('a reload while the first conversation starts keeps the first message and its file: both arrive once, in the thread the visitor ends up in', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  await page.goto(host.page());
  await openPanel(page);
  expect((await visitorRecord(page)).threadId ?? null).toBeNull();
  // The server makes the thread, but its answer never reaches this page: the conversation is still starting at the reload.
  const answers = await holdThreadAnswers(page);
  await pasteScreenshot(page, `reload-${tag}.png`, 180, 90);
  await expect(tray(page)).toContainText(`reload-${tag}.png`);
  const text = `First words, then a reload ${tag}`;
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  await expect.poll(() => answers.held).toBe(true);
  await expect(panel(page).getByText(text)).toBeVisible();
  // Reloaded while the conversation still starts (the answer is held again): the kept message shows with its file's name.
  answers.held = false;
  await page.reload();
  await expect.poll(() => answers.held).toBe(true);
  await expect(panel(page).getByText(text)).toBeVisible();
  await expect(panel(page).getByText(`📎 reload-${tag}.png`, { exact: true })).toBeVisible();
  await answers.release();
  await page.reload();

  await expect(widgetConversation(page).getByText('180 × 90 pixels')).toBeVisible({ timeout: 30_000 });
  const { threadId } = await visitorRecord(page);
  const alice = await UserApi.login(request, ALICE);
  const sentOnce = () => committedFiles(alice, threadId!, text);
  expect(await sentOnce()).toEqual([[`reload-${tag}.png`]]);
  await expect(widgetConversation(page).getByText(text, { exact: true })).toHaveCount(1);
  // Nothing is sent again by a later page load: the kept copy is gone once the outbox had it.
  await page.reload();
  await expect(widgetConversation(page).getByText('180 × 90 pixels')).toBeVisible({ timeout: 30_000 });
  expect(await sentOnce()).toEqual([[`reload-${tag}.png`]]);
});

test('a first message whose files a reload lost before they were kept is not sent without them: its text waits in the composer, the panel says why, and it goes once with the files attached again', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  // On the first page, IndexedDB never finishes writing the first message's files: the page reloads before it has them.
  await page.addInitScript(() => {
    if (sessionStorage.getItem('e2e-reloaded')) return;
    sessionStorage.setItem('e2e-reloaded', '1');
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      return this.transaction.db.name.startsWith('ama2-first-') ? ({} as IDBRequest<IDBValidKey>) : put.apply(this, args);
    };
  });
  await page.goto(host.page());
  await openPanel(page);
  await pasteScreenshot(page, `lost-${tag}.png`, 120, 80);
  await expect(tray(page)).toContainText(`lost-${tag}.png`);
  const text = `Words with a file a reload lost ${tag}`;
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  // The message waits for its files to be kept before its conversation starts; the page reloads meanwhile.
  await expect(panel(page).getByText(`📎 lost-${tag}.png`, { exact: true })).toBeVisible();
  expect((await visitorRecord(page)).threadId ?? null).toBeNull();
  await page.reload();

  // The conversation starts, the message does not: its text is in the message box, and the panel says why.
  await expect(
    panel(page)
      .getByRole('status')
      .filter({ hasText: `Your message was not sent: the page reloaded before lost-${tag}.png could be kept.` }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(messageBox(page)).toHaveValue(text);
  const { threadId } = await visitorRecord(page);
  const alice = await UserApi.login(request, ALICE);
  const sent = () => committedFiles(alice, threadId!, text);
  expect(await sent()).toEqual([]);

  // Attached again and sent: once, with the file; the note goes.
  await pasteScreenshot(page, `lost-${tag}.png`, 120, 80);
  await expect(tray(page)).toContainText(`lost-${tag}.png`);
  await messageBox(page).press('Enter');
  await expect(widgetConversation(page).getByText('120 × 80 pixels')).toBeVisible({ timeout: 30_000 });
  expect(await sent()).toEqual([[`lost-${tag}.png`]]);
  await expect(panel(page).getByText('Your message was not sent', { exact: false })).toHaveCount(0);
  // A later load brings nothing back.
  await page.reload();
  await expect(widgetConversation(page).getByText('120 × 80 pixels')).toBeVisible({ timeout: 30_000 });
  await expect(messageBox(page)).toHaveValue('');
  expect(await sent()).toEqual([[`lost-${tag}.png`]]);
});

test('a reload while the first conversation starts keeps a first message without files: it is committed once and shown once, also after a second reload', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  await page.goto(host.page());
  await openPanel(page);
  expect((await visitorRecord(page)).threadId ?? null).toBeNull();
  // The server makes the thread, but its answer never reaches this page: the conversation is still starting at the reload.
  const answers = await holdThreadAnswers(page);
  const text = `Only words, then a reload ${tag}`;
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  await expect.poll(() => answers.held).toBe(true);
  await expect(panel(page).getByText(text)).toBeVisible();
  await answers.release();
  await page.reload();

  // Sent into the thread the visitor ends up in, once, and shown once.
  await expect.poll(async () => (await visitorRecord(page)).threadId ?? null).not.toBeNull();
  const { threadId } = await visitorRecord(page);
  const alice = await UserApi.login(request, ALICE);
  const committed = async () =>
    (await alice.events(threadId!)).filter((event) => event.event_type === 'message_committed' && event.content === text).length;
  await expect.poll(committed, { timeout: 30_000 }).toBe(1);
  await expect(widgetConversation(page).getByText(text, { exact: true })).toHaveCount(1);
  // Nothing is sent again by a later page load: the kept copy is gone once the outbox had it.
  await page.reload();
  await expect(widgetConversation(page).getByText(text, { exact: true })).toHaveCount(1);
  expect(await committed()).toBe(1);
});

/** The widget's upload tray chunk (loaded on demand). */
const TRAY_CHUNK = /\/widget-attach-tray-[^/]+\.js$/;

test('a screenshot pasted while offline, before the upload tray ever loaded, is kept and added once online, then sent', async ({
  page,
}) => {
  const tag = uniqueTag();
  // The tray's chunk does not arrive (its load as the message box gets focus fails), then the page goes offline.
  await page.route(TRAY_CHUNK, (route) => route.abort());
  await page.goto(host.page());
  await startChat(page, `offline-tray-${tag}@example.com`);
  await page.context().setOffline(true);
  await pasteScreenshot(page, `offline-${tag}.png`, 200, 120);
  await expect(panel(page).getByRole('alert')).toHaveText('The chat cannot be reached: your files are kept and added once you are online.');
  await expect(tray(page)).toHaveCount(0);

  await page.unroute(TRAY_CHUNK);
  await page.context().setOffline(false);
  await expect(tray(page).getByRole('listitem')).toHaveCount(1);
  await expect(tray(page)).toContainText(`offline-${tag}.png`);
  await expect(panel(page).getByRole('alert')).toHaveCount(0);
  await messageBox(page).press('Enter');
  await expect(widgetConversation(page).getByText('200 × 120 pixels')).toBeVisible({ timeout: 30_000 });
});

test('the upload tray loads as the message box gets focus: a screenshot pasted after going offline shows at once', async ({ page }) => {
  const tag = uniqueTag();
  const trayLoaded = page.waitForResponse(TRAY_CHUNK);
  await page.goto(host.page());
  await startChat(page, `tray-focus-${tag}@example.com`);
  await messageBox(page).focus();
  await trayLoaded;
  await page.context().setOffline(true);
  await pasteScreenshot(page, `focus-${tag}.png`, 160, 100);
  await expect(tray(page)).toContainText(`focus-${tag}.png`);
  await expect(panel(page).getByRole('alert')).toHaveCount(0);
});
