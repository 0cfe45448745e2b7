import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import {
  HostPageServer,
  pasteScreenshot,
  PageWatch,
  messageBox,
  panel,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';
import { ALICE, UserApi, composer, conversation, signIn, threadList, uniqueTag } from './support/inbox.ts';

/**
 * Files both ways in one conversation (CONTRACT §13, issue 19), against the real server of the
 * Playwright config: a visitor pastes a screenshot into the widget and sends it, the demo agent
 * describes it, the operator sees its thumbnail in the inbox and opens it, and sends a PDF back
 * that the visitor downloads, byte for byte.
 */

const LIVE_MS = 20_000;
/** A minimal one-page PDF: the server decides the type by these bytes. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('a visitor pastes a screenshot, the agent describes it, the operator opens it and sends a PDF back that the visitor downloads', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const tag = uniqueTag();
  const name = `Pia ${tag}`;
  const screenshot = `screenshot-${tag}.png`;
  const watch = new PageWatch(page);
  await page.goto(host.page());
  await startChat(page, `pia-${tag}@example.com`, name);

  // The visitor pastes a screenshot and sends it with a line of text.
  await pasteScreenshot(page, screenshot, 640, 400);
  await expect(panel(page).getByRole('list', { name: 'Files to send' })).toContainText(screenshot);
  await messageBox(page).fill(`This error shows up ${tag}`);
  await messageBox(page).press('Enter');
  // The demo agent names the file, its type and its pixel size.
  await expect(widgetConversation(page).getByText('640 × 400 pixels')).toBeVisible({ timeout: LIVE_MS });
  const { threadId } = await visitorRecord(page);

  const operatorContext = await browser.newContext();
  try {
    const inbox = await operatorContext.newPage();
    await signIn(inbox, ALICE);
    const item = threadList(inbox).getByRole('button').filter({ hasText: name });
    await expect(item).toBeVisible({ timeout: LIVE_MS });
    await item.click();

    // The operator sees the screenshot as a thumbnail (640 × 400 in the inbox's 320 × 240 box) and opens it.
    const thumbnail = conversation(inbox).getByRole('button', { name: `Open image ${screenshot}` });
    await expect(thumbnail).toBeVisible({ timeout: LIVE_MS });
    expect(await thumbnail.boundingBox()).toMatchObject({ width: 320, height: 200 });
    await thumbnail.focus();
    await inbox.keyboard.press('Enter');
    const viewer = inbox.getByRole('dialog', { name: screenshot });
    await expect(viewer.getByRole('img', { name: screenshot })).toHaveJSProperty('naturalWidth', 640);
    await inbox.keyboard.press('Escape');
    await expect(viewer).toBeHidden();

    // The operator answers with a PDF, chosen with the attach button's file input.
    const invoice = `invoice-${tag}.pdf`;
    await inbox.locator('input[data-attach-input]').setInputFiles({ name: invoice, mimeType: 'application/pdf', buffer: PDF });
    await expect(inbox.getByRole('list', { name: 'Files to send' })).toContainText(invoice);
    await composer(inbox).fill(`Here is your invoice ${tag}`);
    await composer(inbox).press('Enter');

    // The visitor sees it as a card and downloads exactly those bytes.
    const card = panel(page).getByRole('button', { name: `Download ${invoice} (PDF document, ${PDF.length} B)` });
    await expect(card).toBeVisible({ timeout: LIVE_MS });
    const [download] = await Promise.all([page.waitForEvent('download'), card.click()]);
    expect(download.suggestedFilename()).toBe(invoice);
    expect((await readFile(await download.path())).equals(PDF)).toBe(true);

    // The log holds each file once, on the message that carried it.
    const alice = await UserApi.login(request, ALICE);
    const files = (await alice.events(threadId!))
      .filter((event) => event.event_type === 'message_committed')
      .flatMap((event) => ((event.data as { attachments?: { name: string }[] }).attachments ?? []).map((file) => file.name));
    expect(files).toEqual([screenshot, invoice]);
  } finally {
    await operatorContext.close();
  }
  await watch.expectClean();
});
