import { expect, test, type Page } from '@playwright/test';
import { ALICE, BOB, composer, openThread, rowsWith, signIn, uniqueTag, UserApi, write } from './support/inbox.ts';
import { onOwnServer, type OnOwnServer } from './support/own-server.ts';

/** This spec's own servers' ports: E2E_PORT's range (the shared servers use its first three). */
const OWN_PORT = Number(process.env.E2E_PORT ?? 8799) + 50;
/** A server's ATTACHMENT_MAX_BYTES far under its 25 MiB default, and one above it. */
const SMALL_MAX_BYTES = 64 * 1024;
const MIB = 1024 * 1024;
const LARGE_MAX_BYTES = 40 * MIB;

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

/** Alice and Bob's new thread on the test's own server, open in Alice's inbox; `uploads` collects the page's upload requests. */
async function openTestThread({ server, request, context }: OnOwnServer, title: string) {
  const alice = await UserApi.login(request, ALICE, server.baseURL);
  const bob = await UserApi.login(request, BOB, server.baseURL);
  const tag = uniqueTag();
  const thread = await alice.createThread({ with: [bob], title: `${title} ${tag}` });
  const page = await context.newPage();
  const uploads: string[] = [];
  page.on('request', (sent) => sent.url().includes('/attachments?') && uploads.push(sent.url()));
  await signIn(page, ALICE);
  await openThread(page, `${title} ${tag}`);
  return { alice, tag, thread, page, uploads };
}

/**
 * A user's size limit (CONTRACT §13) is the server's ATTACHMENT_MAX_BYTES, which no call
 * publishes: the first file over it is refused by the server's 413 (before the body is read,
 * naming `max_bytes`), and the message fails with the file and the limit in words while its
 * text is not lost; from then on the inbox refuses a larger file in the tray, before any upload.
 */
test('on a server set below the default, the first file over its limit fails in words, the text goes without it, and later ones are refused before upload', async ({
  browser,
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.name === 'cluster', 'its own server, the same in both projects');
  await onOwnServer(
    browser,
    playwright.request,
    { env: { ATTACHMENT_MAX_BYTES: String(SMALL_MAX_BYTES) }, port: OWN_PORT },
    async (own) => {
      const { alice, tag, thread, page, uploads } = await openTestThread(own, 'Limits');

      // (a) The server has said no limit yet: the file goes up, and its 413 names the file and the limit.
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
      expect(committed.map((event) => [event.content, (event.data as { attachments?: unknown[] }).attachments ?? []])).toEqual([
        [text, []],
      ]);
      expect(uploads).toHaveLength(1);
      await expect(composer(page)).toHaveValue('');

      // (b) The limit the server said: a larger file is refused in the tray, nothing uploaded; a smaller one is taken.
      await choosePdf(page, `video-${tag}.pdf`, 200 * 1024);
      await expect(page.getByRole('alert').filter({ hasText: `video-${tag}.pdf` })).toHaveText(
        `video-${tag}.pdf is 200 KB; the limit is 64 KB`,
      );
      await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
      await choosePdf(page, `note-${tag}.pdf`, 32 * 1024);
      await expect(page.getByRole('list', { name: 'Files to send' })).toContainText(`note-${tag}.pdf`);
      expect(uploads).toHaveLength(1);
    },
  );
});

/** A server set above the 25 MiB default takes a larger file: the inbox does not refuse it on a fixed number. */
test('on a server set above the 25 MiB default, a 30 MiB file is taken, uploaded once and sent with its message', async ({
  browser,
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.name === 'cluster', 'its own server, the same in both projects');
  await onOwnServer(
    browser,
    playwright.request,
    { env: { ATTACHMENT_MAX_BYTES: String(LARGE_MAX_BYTES) }, port: OWN_PORT + 1 },
    async (own) => {
      const { alice, tag, thread, page, uploads } = await openTestThread(own, 'Large');

      const name = `archive-${tag}.pdf`;
      await choosePdf(page, name, 30 * MIB);
      await expect(page.getByRole('list', { name: 'Files to send' })).toContainText(name);
      await expect(page.getByRole('alert').filter({ hasText: name })).toHaveCount(0);
      const text = `The archive ${tag}`;
      await write(page, text);
      await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 60_000 });
      await expect(rowsWith(page, text, 'pending_message')).toHaveCount(0, { timeout: 60_000 });
      const committed = (await alice.events(thread.id)).filter((event) => event.event_type === 'message_committed');
      expect(
        committed.map((event) => [
          event.content,
          ((event.data as { attachments?: { name: string; size: number }[] }).attachments ?? []).map((file) => [file.name, file.size]),
        ]),
      ).toEqual([[text, [[name, 30 * MIB]]]]);
      expect(uploads).toHaveLength(1);
    },
  );
});
