import { expect, test, type Page } from '@playwright/test';
import { ALICE, BOB, composer, openThread, rowsWith, signIn, uniqueTag, UserApi, write } from './support/inbox.ts';
import { OwnServer } from './support/own-server.ts';

/** This spec's own server's port: E2E_PORT's range (the shared servers use its first three). */
const OWN_PORT = Number(process.env.E2E_PORT ?? 8799) + 50;
/** The server's ATTACHMENT_MAX_BYTES here: far under the default the inbox checks before an upload. */
const SERVER_MAX_BYTES = 64 * 1024;
const MIB = 1024 * 1024;

/**
 * Chooses a PDF of `bytes` bytes (its header, then spaces) with the attach button's input. Made
 * in the page: tens of megabytes through Playwright's protocol would take longer than the test.
 */
async function choosePdf(page: Page, name: string, bytes: number): Promise<void> {
  await page.locator('input[data-attach-input]').evaluate(
    (input: HTMLInputElement, { name, bytes }) => {
      const body = new Uint8Array(bytes).fill(0x20);
      body.set(new TextEncoder().encode('%PDF-1.4\n'));
      const chosen = new DataTransfer();
      chosen.items.add(new File([body], name, { type: 'application/pdf' }));
      input.files = chosen.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { name, bytes },
  );
}

/**
 * A user's size limit (CONTRACT §13): over the default 25 MiB a file is refused in the tray
 * before any upload; under it but over a server's smaller ATTACHMENT_MAX_BYTES, the server's 413
 * (answered before the body is read, naming `max_bytes`) fails the message with the file and the
 * limit in words, and the text is not lost: it is sent without the file.
 */
test('a file over the default limit is refused before upload; one over the server’s smaller limit fails in words and the text goes without it', async ({
  browser,
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.name === 'cluster', 'its own server, the same in both projects');
  const server = await OwnServer.create({ ATTACHMENT_MAX_BYTES: String(SERVER_MAX_BYTES) }, OWN_PORT);
  await server.start();
  const request = await playwright.request.newContext({ baseURL: server.baseURL });
  const context = await browser.newContext({ baseURL: server.baseURL });
  try {
    const alice = await UserApi.login(request, ALICE, server.baseURL);
    const bob = await UserApi.login(request, BOB, server.baseURL);
    const tag = uniqueTag();
    const thread = await alice.createThread({ with: [bob], title: `Limits ${tag}` });
    const page = await context.newPage();
    const uploads: string[] = [];
    page.on('request', (sent) => sent.url().includes('/attachments?') && uploads.push(sent.url()));
    await signIn(page, ALICE);
    await openThread(page, `Limits ${tag}`);

    // (a) Over the default 25 MiB: refused in the tray, nothing uploaded.
    await choosePdf(page, `video-${tag}.pdf`, 26 * MIB);
    await expect(page.getByRole('alert')).toContainText(`video-${tag}.pdf is 26 MB; the limit is 25 MB`);
    await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);

    // (b) Under the default, over the server's limit: the 413 names the file and the limit.
    const name = `scan-${tag}.pdf`;
    await choosePdf(page, name, 4 * MIB);
    await expect(page.getByRole('list', { name: 'Files to send' })).toContainText(name);
    const text = `The scan is attached ${tag}`;
    await write(page, text);
    const row = rowsWith(page, text, 'pending_message');
    await expect(row.getByRole('alert').filter({ hasText: name })).toHaveText(`${name} is 4 MB; the limit is 64 KB`);
    expect(uploads).toHaveLength(1);
    expect(await alice.messageContents(thread.id)).toEqual([]);

    // The text is not lost: sent on its own, once.
    await row.getByRole('button', { name: `Send without ${name}` }).click();
    await expect(rowsWith(page, text)).toHaveCount(1);
    await expect(rowsWith(page, text, 'pending_message')).toHaveCount(0);
    const committed = (await alice.events(thread.id)).filter((event) => event.event_type === 'message_committed');
    expect(committed.map((event) => [event.content, (event.data as { attachments?: unknown[] }).attachments ?? []])).toEqual([[text, []]]);
    expect(uploads).toHaveLength(1);
    await expect(composer(page)).toHaveValue('');
  } finally {
    await context.close();
    await request.dispose();
    await server.dispose();
  }
});
