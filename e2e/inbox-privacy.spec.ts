import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { expectAccessible } from './support/axe.ts';
import { ALICE, BOB, conversation, openThread, peerURL, rowsWith, signIn, syncHealth } from './support/inbox.ts';

/**
 * Privacy operations in the inbox (CONTRACT §14), end to end on the real server: deleting a
 * message shows "Message deleted" in every open inbox; an owner exports a visitor (the file
 * holds the conversation) and erases them while another inbox has the conversation open.
 */

/** A live update (the user socket) reaches another page within this. */
const LIVE_MS = 20_000;

const messageMenu = (page: Page, sender: string) => conversation(page).getByRole('button', { name: `Message from ${sender}: actions` });
const threadMenu = (page: Page) => conversation(page).getByRole('button', { name: 'Thread options' });

/** Opens a thread by its address (a visitor's thread need not be in the first page of the list). */
async function openById(page: Page, threadId: string): Promise<void> {
  await page.goto(`/#/thread/${threadId}`);
  await expect(syncHealth(page)).toHaveText('Synced', { timeout: LIVE_MS });
}

/** A visitor of the demo agent with one message, through the public API (CONTRACT §7). */
async function visitorWithMessage(request: APIRequestContext, tag: string, text: string): Promise<{ threadId: string }> {
  const base = `${peerURL() ?? ''}/api/v1/chat/public/demo`;
  const resolved = await request.post(`${base}/threads`, { data: { email: `erin-${tag}@example.com`, name: `Erin ${tag}` } });
  expect(resolved.status(), await resolved.text()).toBe(201);
  const { thread_id: threadId, visitor_token: token } = (await resolved.json()) as { thread_id: string; visitor_token: string };
  const sent = await request.post(`${base}/threads/${threadId}/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { content: text, client_message_id: `erin-${tag}` },
  });
  expect(sent.status(), await sent.text()).toBeLessThan(300);
  return { threadId };
}

test('a deleted message reads "Message deleted" in every open inbox', async ({ page, browser, alice, startThread, tag }) => {
  test.setTimeout(90_000);
  const thread = await startThread('Delete');
  const secret = `Delete me ${tag}`;
  await alice.send(thread.id, secret);

  const bobContext = await browser.newContext();
  try {
    const bobPage = await bobContext.newPage();
    await signIn(bobPage, BOB);
    await openThread(bobPage, thread.title);
    await expect(rowsWith(bobPage, secret)).toHaveCount(1);

    await signIn(page, ALICE);
    await openThread(page, thread.title);
    await messageMenu(page, 'You').click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this message?' });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, 'delete message dialog', { include: ['dialog[open]'] });
    await dialog.getByRole('button', { name: 'Delete message' }).click();

    await expect(dialog).toBeHidden({ timeout: LIVE_MS });
    for (const inbox of [page, bobPage]) {
      await expect(conversation(inbox).getByText('Message deleted')).toBeVisible({ timeout: LIVE_MS });
      await expect(conversation(inbox).getByText(secret)).toHaveCount(0);
    }
    await expect(messageMenu(page, 'You')).toHaveCount(0);
    // The menu left with the message: the keyboard user is on the line that replaced it, not back at the top.
    await expect(conversation(page).getByText('Message deleted')).toBeFocused();
    const events = await alice.events(thread.id);
    expect(events.map((event) => event.content)).not.toContain(secret);
    expect(events.some((event) => event.event_type === 'message_deleted')).toBe(true);
  } finally {
    await bobContext.close();
  }
});

test('an owner exports a visitor: the downloaded file holds the conversation', async ({ page, request, tag }) => {
  test.setTimeout(90_000);
  const text = `My order number is ${tag}`;
  const { threadId } = await visitorWithMessage(request, tag, text);

  await signIn(page, ALICE);
  await openById(page, threadId);

  // Export: the download is the server's JSON, holding this thread's message.
  await threadMenu(page).click();
  await page.getByRole('menuitem', { name: 'Export this visitor’s data' }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export this visitor’s data' });
  await expect(exportDialog.getByText(`Erin ${tag}`)).toBeVisible({ timeout: LIVE_MS });
  await expectAccessible(page, 'export visitor dialog', { include: ['dialog[open]'] });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    exportDialog.getByRole('button', { name: 'Export this visitor’s data' }).click(),
  ]);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    visitor: { id: string };
    threads: { id: string; events: { content: string | null }[] }[];
  };
  expect(exported.threads.map((thread) => thread.id)).toContain(threadId);
  expect(exported.threads.find((thread) => thread.id === threadId)!.events.map((event) => event.content)).toContain(text);
  await expect(exportDialog.getByText(/^Downloaded .+\.json\.$/)).toBeVisible();
  await exportDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(exportDialog).toBeHidden();
});

test('an owner erases a visitor while another inbox has the conversation open, and both say it was deleted', async ({
  page,
  browser,
  request,
  tag,
}) => {
  test.setTimeout(90_000);
  const text = `Please forget me ${tag}`;
  const { threadId } = await visitorWithMessage(request, tag, text);

  const otherContext = await browser.newContext();
  try {
    const other = await otherContext.newPage();
    await signIn(other, ALICE);
    await openById(other, threadId);
    // The demo agent's reply quotes it: the visitor's message is the first row with the text.
    await expect(rowsWith(other, text).first()).toBeVisible();

    await signIn(page, ALICE);
    await openById(page, threadId);

    // Erase: the confirmation names who and how much; the other inbox learns of it live.
    await threadMenu(page).click();
    await page.getByRole('menuitem', { name: 'Erase this visitor…' }).click();
    const eraseDialog = page.getByRole('dialog', { name: 'Erase this visitor?' });
    await expect(eraseDialog.getByText(`Erin ${tag} (erin-${tag}@example.com) and their 1 conversation will be erased`)).toBeVisible({
      timeout: LIVE_MS,
    });
    await expectAccessible(page, 'erase visitor dialog', { include: ['dialog[open]'] });
    await eraseDialog.getByRole('button', { name: 'Erase visitor' }).click();

    const deleted = 'This conversation was deleted. Nothing of it can be shown any more.';
    await expect(other.getByText(deleted)).toBeVisible({ timeout: LIVE_MS });
    await expect(other.getByText(text)).toHaveCount(0);
    await expect(page.getByText(deleted)).toBeVisible({ timeout: LIVE_MS });
  } finally {
    await otherContext.close();
  }
});
