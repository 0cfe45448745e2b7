import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext } from '@playwright/test';
import sharp from 'sharp';
import { expectAccessible } from './support/axe.ts';
import { HostPageServer, panel, startChat, visitorRecord } from './support/host-page.ts';
import { ALICE, BOB, UserApi, conversation, openThread, signIn, uniqueTag } from './support/inbox.ts';

/**
 * A message's files as the operator and the visitor see them (CONTRACT §13), against the real
 * server: files uploaded and sent through the API, then shown, opened and downloaded in Chromium.
 */

/** Uploads `bytes` into a thread as a user and sends them in one message (`content` may be empty). */
async function sendFiles(
  request: APIRequestContext,
  token: string,
  threadId: string,
  files: { name: string; bytes: Buffer }[],
  content = '',
) {
  const ids: string[] = [];
  for (const file of files) {
    const uploaded = await request.post(`/api/v1/chat/threads/${threadId}/attachments?name=${encodeURIComponent(file.name)}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      data: file.bytes,
    });
    expect(uploaded.status(), await uploaded.text()).toBe(201);
    ids.push(((await uploaded.json()) as { id: string }).id);
  }
  const sent = await request.post(`/api/v1/chat/threads/${threadId}/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { content, client_message_id: randomUUID(), attachment_ids: ids },
  });
  expect(sent.status(), await sent.text()).toBe(201);
}

/** A 1000 × 500 PNG: its thumbnail box in the inbox (at most 320 × 240) is 320 × 160. */
const widePng = () =>
  sharp({ create: { width: 1000, height: 500, channels: 3, background: { r: 30, g: 90, b: 160 } } })
    .png()
    .toBuffer();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

test('the operator sees an image at its final size before it loads, opens it with the keyboard, and Esc gives the focus back', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  const alice = await UserApi.login(request, ALICE);
  const bob = await UserApi.login(request, BOB);
  const title = `Files ${tag}`;
  const thread = await alice.createThread({ with: [bob], title });
  const name = `wide-${tag}.png`;
  await sendFiles(request, bob.me.token, thread.id, [{ name, bytes: await widePng() }]);

  // The thumbnail's bytes wait until the reserved box has been measured.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const thumbnailUrls: string[] = [];
  await page.route(/\/attachments\/[^/?]+\?variant=thumbnail$/, async (route) => {
    thumbnailUrls.push(route.request().url());
    await released;
    await route.continue();
  });

  await signIn(page, ALICE);
  await openThread(page, title);
  const files = conversation(page).getByRole('list', { name: 'Attached file' });
  const placeholder = files.locator('[data-thumbnail-state="loading"]');
  await expect(placeholder).toBeVisible();
  expect(await placeholder.boundingBox()).toMatchObject({ width: 320, height: 160 });
  // A message of files only: no empty text bubble beside them.
  await expect(conversation(page).locator('p.whitespace-pre-wrap:empty')).toHaveCount(0);
  // Fetched once, with the token in a header: never in the URL.
  expect(thumbnailUrls).toHaveLength(1);
  expect(thumbnailUrls[0]).not.toContain(alice.me.token);

  release();
  const thumbnail = files.getByRole('button', { name: `Open image ${name}` });
  await expect(thumbnail).toBeVisible();
  expect(await thumbnail.boundingBox()).toMatchObject({ width: 320, height: 160 });
  await expect(thumbnail.getByRole('img', { name })).toHaveJSProperty('complete', true);

  await thumbnail.focus();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('heading', { name })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(viewer.getByRole('button', { name: 'Download' })).toBeEnabled();
  await expect(viewer.getByRole('img', { name })).toHaveJSProperty('naturalWidth', 1000);
  await expectAccessible(page, 'image viewer');

  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(thumbnail).toBeFocused();

  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page, 'a message with an image, dark');
});

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('the visitor sees a PDF the operator sent as a card, downloading it gives the exact bytes, and an image opens in the viewer', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  await page.goto(host.page());
  await startChat(page, `visitor-${tag}@example.com`);
  const { threadId } = await visitorRecord(page);
  expect(threadId).not.toBeNull();

  const alice = await UserApi.login(request, ALICE);
  const name = `invoice-${tag}.pdf`;
  await sendFiles(request, alice.me.token, threadId!, [{ name, bytes: PDF }], 'Here is your invoice.');

  const card = panel(page).getByRole('button', { name: `Download ${name} (PDF document, 77 B)` });
  await expect(card).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText(name);
  await expect(card).toContainText('PDF document · 77 B');

  const [download] = await Promise.all([page.waitForEvent('download'), card.click()]);
  expect(download.suggestedFilename()).toBe(name);
  expect((await readFile(await download.path())).equals(PDF)).toBe(true);

  // An image opens in the panel's viewer with the keyboard; Esc closes the viewer (not the panel) and the focus is back.
  const imageName = `photo-${tag}.png`;
  await sendFiles(request, alice.me.token, threadId!, [{ name: imageName, bytes: await widePng() }]);
  const thumbnail = panel(page).getByRole('button', { name: `Open image ${imageName}` });
  await expect(thumbnail).toBeVisible({ timeout: 20_000 });
  // 1000 × 500 in the widget's 220 × 180 box.
  expect(await thumbnail.boundingBox()).toMatchObject({ width: 220, height: 110 });
  await thumbnail.focus();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: imageName });
  await expect(viewer).toBeInViewport();
  await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(viewer.getByRole('img', { name: imageName })).toHaveJSProperty('naturalWidth', 1000);
  await expectAccessible(page, 'widget image viewer');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(panel(page)).toBeVisible();
  await expect(thumbnail).toBeFocused();

  await expectAccessible(page, 'widget with a PDF card');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page, 'widget with a PDF card, dark');
});
