import { expect, test } from '@playwright/test';
import { uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  messageBox,
  panel,
  sendFromWidget,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * `AMA2Chat.reset()` on a shared computer (issue 15): a visitor chats on a customer's site,
 * the site's sign-out calls reset(), the panel starts fresh for whoever comes next, and the
 * chat server refuses the old visitor token.
 */

const CHAT_ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 8799}`;

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('reset(): the panel starts fresh, the stored visitor is gone, and the server refuses the old token', async ({ page, request }) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  await page.goto(host.page({}));
  await startChat(page, `shared-${tag}@example.com`, `Shared ${tag}`);
  const question = `Before sign-out ${tag}`;
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
  const before = await visitorRecord(page);
  expect(before.visitorToken).toMatch(/^vt_/);
  const history = `${CHAT_ORIGIN}/api/v1/chat/public/demo/threads/${before.threadId}/events?last_thread_seq=0`;
  const headers = { authorization: `Bearer ${before.visitorToken}` };
  expect((await request.get(history, { headers })).status()).toBe(200);

  // The site's sign-out.
  await page.evaluate(() => (window as unknown as { AMA2Chat: { reset(): void } }).AMA2Chat.reset());

  // The first run again (issue 23): the greeting and an empty composer, nothing of the conversation before.
  await expect(messageBox(page)).toHaveValue('');
  await expect(widgetConversation(page).getByText(question, { exact: true })).toHaveCount(0);
  await expect(panel(page).getByRole('button', { name: 'New conversation' })).toHaveCount(0);
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`)).toBeNull();
  await expect.poll(async () => (await request.get(history, { headers })).status()).toBe(401);

  // Whoever comes next starts a conversation of their own.
  const next = `Next person ${tag}`;
  await sendFromWidget(page, next);
  await expect(widgetConversation(page).getByText(demoReplyTo(next))).toBeVisible({ timeout: 20_000 });
  await expect(widgetConversation(page).getByText(question, { exact: true })).toHaveCount(0);
  const after = await visitorRecord(page);
  expect(after.threadId).not.toBe(before.threadId);
  expect(after.visitorToken).not.toBe(before.visitorToken);
  await watch.expectClean();
});
