import { expect, test } from './fixtures/alice-and-bob.ts';
import { ALICE, composer, conversation, openThread, rowsWith, signIn, write, type UserApi } from './support/inbox.ts';
import { openTabs } from './support/inbox-tabs.ts';
import { MIN_TARGET, PHONE } from './support/touch-targets.ts';

/** A minimal one-page PDF: the server decides the type by these bytes (CONTRACT §13). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The committed messages with this text, each as its files' `[name, content_type]` (Alice reads the thread). */
async function filesOf(alice: UserApi, threadId: string, text: string) {
  return (await alice.events(threadId))
    .filter((event) => event.event_type === 'message_committed' && event.content === text)
    .map((event) =>
      ((event.data as { attachments?: { name: string; content_type: string }[] }).attachments ?? []).map((file) => [
        file.name,
        file.content_type,
      ]),
    );
}

/**
 * An operator sends a file from the inbox (CONTRACT §13) against the real server: chosen with
 * the attach button, shown in the tray, sent with a line of text; the message arrives once,
 * carrying the file.
 */
test('an operator attaches a PDF with the button and sends it; the message arrives once with the file', async ({
  page,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Files');
  await signIn(page, ALICE);
  await openThread(page, `Files ${tag}`);

  const attach = page.getByRole('button', { name: 'Attach files' });
  await expect(attach).toBeVisible();
  await page.locator('input[data-attach-input]').setInputFiles({ name: `invoice-${tag}.pdf`, mimeType: 'application/pdf', buffer: PDF });
  const tray = page.getByRole('list', { name: 'Files to send' });
  await expect(tray.getByRole('listitem')).toHaveCount(1);
  await expect(tray).toContainText(`invoice-${tag}.pdf`);

  // A kind the server does not take is refused before any upload, in words.
  await page
    .locator('input[data-attach-input]')
    .setInputFiles({ name: 'report.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
  await expect(page.getByRole('alert')).toContainText('report.docx: this chat accepts images, PDF files and text files');
  await expect(tray.getByRole('listitem')).toHaveCount(1);

  const text = `The invoice ${tag}`;
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(tray).toHaveCount(0);
  await expect(conversation(page).getByText(text)).toBeVisible();

  await expect.poll(() => filesOf(alice, thread.id, text)).toEqual([[[`invoice-${tag}.pdf`, 'application/pdf']]]);
});

/**
 * A screenshot pasted into the composer (CONTRACT §13) against the real server: opening the
 * thread focuses the composer, which fetches the upload tray's chunk before anything is pasted
 * (so the thumbnail does not wait for it: paste → thumbnail, issue 19); the paste shows the
 * image as a thumbnail with its pixels, keeps the text typed, and the message arrives once with
 * the image.
 */
test('opening a thread fetches the upload tray; a pasted screenshot shows as a thumbnail and arrives once with the text', async ({
  page,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Paste');
  const trayChunks: string[] = [];
  page.on('request', (request) => /\/assets\/attach-tray-[^/]+\.js$/.test(request.url()) && trayChunks.push(request.url()));
  await signIn(page, ALICE);
  await openThread(page, `Paste ${tag}`);
  await expect(composer(page)).toBeFocused();
  await expect.poll(() => trayChunks.length).toBe(1);
  expect(await page.getByRole('list', { name: 'Files to send' }).count()).toBe(0);

  const text = `The screenshot ${tag}`;
  await composer(page).fill(text);
  const name = `screenshot-${tag}.png`;
  await composer(page).evaluate(async (box, name) => {
    const canvas = document.createElement('canvas');
    canvas.width = 120;
    canvas.height = 80;
    canvas.getContext('2d')!.fillRect(0, 0, 60, 40);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], name, { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, name);
  const tray = page.getByRole('list', { name: 'Files to send' });
  await expect(tray.getByRole('listitem')).toHaveCount(1);
  await expect(tray).toContainText(name);
  // Drawn into a canvas (attach-tray.tsx), cover-cropped: the middle of the 120 × 80 picture
  // is its black quarter's corner, so the thumbnail's upper left is black and its lower right clear.
  const thumbnail = tray.locator('canvas');
  await expect(thumbnail).toHaveAttribute('data-drawn', '');
  const corners = await thumbnail.evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    return [[...context.getImageData(1, 1, 1, 1).data], [...context.getImageData(canvas.width - 2, canvas.height - 2, 1, 1).data]];
  });
  expect(corners).toEqual([
    [0, 0, 0, 255],
    [0, 0, 0, 0],
  ]);
  await expect(composer(page)).toHaveValue(text);

  await composer(page).press('Enter');
  await expect(tray).toHaveCount(0);
  await expect(conversation(page).getByText(text)).toBeVisible();
  await expect.poll(() => filesOf(alice, thread.id, text)).toEqual([[[name, 'image/png']]]);
  expect(trayChunks).toHaveLength(1);
});

/**
 * A sent message whose file is still going up shows its progress (an accessible value) and a
 * Cancel in every tab; cancelling from the keyboard in one tab aborts the upload and drops the
 * message everywhere, and nothing is sent (not even after a reload).
 */
test('a message whose file is still uploading shows its progress in every tab; Cancel drops it everywhere and nothing is sent', async ({
  browser,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Upload cancel');
  const context = await browser.newContext();
  try {
    // The uploads are held (never answered) so the message stays mid-upload for as long as the test looks at it.
    await context.route('**/api/v1/chat/threads/*/attachments?**', () => {});
    const [leader, follower] = await openTabs(context, 2, { thread: thread.title });
    const name = `contract-${tag}.pdf`;
    await follower!.locator('input[data-attach-input]').setInputFiles({ name, mimeType: 'application/pdf', buffer: PDF });
    await expect(follower!.getByRole('list', { name: 'Files to send' })).toContainText(name);
    const text = `The contract ${tag}`;
    await write(follower!, text);

    for (const page of [leader!, follower!]) {
      const row = rowsWith(page, text, 'pending_message');
      const bar = row.getByRole('progressbar', { name: `Uploading ${name}` });
      await expect(bar).toBeVisible();
      await expect(bar).toHaveAttribute('aria-valuetext', new RegExp(` of ${PDF.length} B$`));
      await expect(row.getByRole('button', { name: `Cancel sending ${name}` })).toBeVisible();
    }

    // At a phone's width the Cancel is a finger's size.
    await follower!.setViewportSize(PHONE);
    const cancel = rowsWith(follower!, text, 'pending_message').getByRole('button', { name: `Cancel sending ${name}` });
    const box = (await cancel.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(MIN_TARGET);

    // From the keyboard, in the tab that is not uploading: the leader aborts and every tab drops the message.
    await cancel.focus();
    await follower!.keyboard.press('Enter');
    for (const page of [leader!, follower!]) await expect(rowsWith(page, text, 'pending_message')).toHaveCount(0);

    await context.unroute('**/api/v1/chat/threads/*/attachments?**');
    await leader!.reload();
    await openThread(leader!, thread.title);
    await write(leader!, `After the cancel ${tag}`);
    await expect.poll(() => alice.messageContents(thread.id)).toEqual([`After the cancel ${tag}`]);
    await expect(rowsWith(leader!, text, 'pending_message')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

/**
 * An operator's file is kept like their text (CONTRACT §13, the outbox): attached and sent while
 * offline, it waits through a reload (the message and its Blob are in IndexedDB) and goes up
 * once the connection is back; the message arrives once, carrying the file once.
 */
test('a file attached and sent while offline survives a reload and arrives once, with its message, when back online', async ({
  browser,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Offline files');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // Uploads the server answered (one refused in the browser, offline, is no upload).
    const uploads: string[] = [];
    page.on('requestfinished', (sent) => sent.url().includes('/attachments?') && uploads.push(sent.url()));
    await signIn(page, ALICE);
    await openThread(page, `Offline files ${tag}`);

    // The tray loads on first use: once online (a file chosen and removed), as in a working session.
    // (Before it ever loaded, a file chosen offline is added once online: a case of its own.)
    await page.locator('input[data-attach-input]').setInputFiles({ name: `warm-${tag}.pdf`, mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: `Remove warm-${tag}.pdf` }).click();
    await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);

    await context.setOffline(true);
    await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible({ timeout: 20_000 });
    const name = `offline-${tag}.pdf`;
    await page.locator('input[data-attach-input]').setInputFiles({ name, mimeType: 'application/pdf', buffer: PDF });
    await expect(page.getByRole('list', { name: 'Files to send' })).toContainText(name);
    const text = `Sent offline with a file ${tag}`;
    await write(page, text);
    await expect(rowsWith(page, text, 'pending_message')).toHaveCount(1);

    // A reload needs the page itself: the browser comes back, but the chat's uploads and sends still
    // fail in the browser, as on a dead network, until the connection is back for them too.
    const unreachable = [/\/api\/v1\/chat\/threads\/[^/]+\/attachments\?/, /\/api\/v1\/chat\/threads\/[^/]+\/messages$/];
    for (const path of unreachable) await context.route(path, (route) => route.abort('internetdisconnected'));
    await context.setOffline(false);
    await page.reload();
    await expect(rowsWith(page, text, 'pending_message')).toHaveCount(1, { timeout: 20_000 });
    await expect(rowsWith(page, text, 'pending_message')).toContainText(name);
    expect(await alice.messageContents(thread.id)).toEqual([]);

    for (const path of unreachable) await context.unroute(path);
    await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 45_000 });
    await expect(rowsWith(page, text, 'pending_message')).toHaveCount(0, { timeout: 45_000 });
    const sent = () => filesOf(alice, thread.id, text);
    await expect.poll(sent).toEqual([[[name, 'application/pdf']]]);
    // The browser reports a finished request a little after the page read its answer, so this is polled.
    await expect.poll(() => uploads.length).toBe(1);
    // Another reload sends nothing again.
    await page.reload();
    await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 20_000 });
    expect(await sent()).toEqual([[[name, 'application/pdf']]]);
    expect(uploads).toHaveLength(1);
  } finally {
    await context.close();
  }
});
