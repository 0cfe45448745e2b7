import { expect, test, type APIRequestContext, type Page, type WebSocketRoute } from '@playwright/test';
import { expectAccessible } from './support/axe.ts';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  messageBox,
  openPanel,
  panel,
  sendFromWidget,
  visitorRecord,
  widgetConversation,
  widgetErrors,
  type StoredVisitor,
} from './support/host-page.ts';

/**
 * The website erases a visitor while their widget is open (issue 20, CONTRACT §14): the owner,
 * through the REST API with their JWT, finds the visitor by thread, exports them and erases
 * them; the widget hears the thread's `thread_deleted` on its socket and says, in words, that
 * the conversation is gone, forgets the visitor on this device and starts nothing on its own. A
 * widget that was offline at the time learns it from its revoked token (`401`, or the socket's
 * 4001) when it reconnects, and says the same.
 */

const CHAT_ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 8799}`;
const ERASED = 'This conversation is no longer available: it was deleted by the website.';

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

/** Chats with the demo agent until its answer shows; the stored visitor record afterwards. */
async function chat(page: Page, question: string): Promise<StoredVisitor> {
  await page.goto(host.page({ widget: { agent: 'demo' }, stub: {} }));
  await openPanel(page);
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
  return await visitorRecord(page);
}

/** Alice (the demo agent's owner) finds the thread's visitor, exports them (the export returned), then erases them. */
async function exportAndErase(request: APIRequestContext, threadId: string): Promise<string> {
  const alice = await UserApi.login(request, ALICE, CHAT_ORIGIN);
  const headers = { authorization: `Bearer ${alice.me.token}` };
  const found = await request.get(`${CHAT_ORIGIN}/api/v1/agents/demo/visitors?thread_id=${threadId}`, { headers });
  expect(found.status(), await found.text()).toBe(200);
  const { visitors } = (await found.json()) as { visitors: { id: string; thread_ids: string[] }[] };
  expect(visitors).toHaveLength(1);
  expect(visitors[0]!.thread_ids).toContain(threadId);
  const visitorId = visitors[0]!.id;

  const exported = await request.get(`${CHAT_ORIGIN}/api/v1/agents/demo/visitors/${visitorId}/export`, { headers });
  expect(exported.status(), await exported.text()).toBe(200);
  const document = await exported.text();

  const erased = await request.delete(`${CHAT_ORIGIN}/api/v1/agents/demo/visitors/${visitorId}`, { headers });
  expect(erased.status(), await erased.text()).toBe(204);
  return document;
}

const historyOf = (threadId: string) => `${CHAT_ORIGIN}/api/v1/chat/public/demo/threads/${threadId}/events?last_thread_seq=0`;
const erasedWords = (page: Page) => panel(page).getByRole('status').filter({ hasText: ERASED });

test('erased while the widget is open: the exact words, forgotten here, the typed text kept; a reload starts fresh and the old thread is 404', async ({
  page,
  request,
}) => {
  const watch = new PageWatch(page);
  const question = `Please forget me ${uniqueTag()}`;
  const before = await chat(page, question);
  // Half a message in the box when the website erases the conversation.
  const unsent = `and one more thing ${uniqueTag()}`;
  await messageBox(page).fill(unsent);

  const exported = JSON.parse(await exportAndErase(request, before.threadId!)) as {
    visitor: { id: string };
    threads: { id: string; events: { content: string | null }[] }[];
  };
  expect(exported.threads.map((thread) => thread.id)).toEqual([before.threadId]);
  expect(exported.threads[0]!.events.map((event) => event.content)).toContain(question);

  await expect(erasedWords(page)).toBeVisible({ timeout: 20_000 });
  await expect(erasedWords(page)).toHaveCount(1);
  await expect(widgetConversation(page)).toHaveCount(0);
  await expect(panel(page).getByRole('button', { name: 'Start a new conversation' })).toBeFocused();
  await expectAccessible(page, 'conversation erased by the website');
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`)).toBeNull();
  expect((await widgetErrors(page)).map((error) => error.code)).toContain('conversation_erased');
  // On the server: the token is refused.
  expect((await request.get(historyOf(before.threadId!), { headers: { authorization: `Bearer ${before.visitorToken}` } })).status()).toBe(
    401,
  );

  // "Start a new conversation": the first run, with the unsent text still in the box.
  await panel(page).getByRole('button', { name: 'Start a new conversation' }).click();
  await expect(messageBox(page)).toHaveValue(unsent);
  await expect(erasedWords(page)).toHaveCount(0);

  await page.reload();
  await openPanel(page);
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await expect(panel(page).getByText(question, { exact: true })).toHaveCount(0);
  await expect(erasedWords(page)).toHaveCount(0);
  const next = `A new start ${uniqueTag()}`;
  await sendFromWidget(page, next);
  await expect(widgetConversation(page).getByText(demoReplyTo(next))).toBeVisible({ timeout: 20_000 });
  const after = await visitorRecord(page);
  expect(after.threadId).not.toBe(before.threadId);
  expect((await request.get(historyOf(before.threadId!), { headers: { authorization: `Bearer ${after.visitorToken}` } })).status()).toBe(
    404,
  );
  await expect(panel(page).getByText(question, { exact: true })).toHaveCount(0);
  await watch.expectClean();
});

test('erased while the panel is closed: opening it shows the same words, once', async ({ page, request }) => {
  const watch = new PageWatch(page);
  const before = await chat(page, `Closed panel ${uniqueTag()}`);
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();

  await exportAndErase(request, before.threadId!);
  // The open socket hears it with the panel closed: the device forgets the visitor at once.
  await expect
    .poll(() => page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`), { timeout: 20_000 })
    .toBeNull();

  await openPanel(page);
  await expect(erasedWords(page)).toBeVisible({ timeout: 20_000 });
  await expect(erasedWords(page)).toHaveCount(1);
  await expect(widgetConversation(page)).toHaveCount(0);
  await expect(panel(page).getByText('a new one was started')).toHaveCount(0);
  await watch.expectClean();
});

test('erased while the widget was offline: reconnecting, its revoked token brings the same words, and nothing starts on its own', async ({
  page,
  request,
}) => {
  const watch = new PageWatch(page);
  // The widget's sockets go through a switch that cuts them as a lost network would (the page's fetches: setOffline).
  let offline = false;
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await page.routeWebSocket(/\/api\/v1\/chat\/ws\/public\//, (route) => {
    if (offline) return void route.close({ code: 1001, reason: 'offline' });
    const server = route.connectToServer();
    server.onMessage((message) => void (offline || route.send(message)));
    sockets.push({ page: route, server });
  });
  const before = await chat(page, `Offline ${uniqueTag()}`);

  offline = true;
  await page.context().setOffline(true);
  for (const socket of sockets.splice(0)) {
    await socket.server.close();
    await socket.page.close({ code: 1001, reason: 'offline' });
  }
  await exportAndErase(request, before.threadId!);
  // Nothing was heard: the conversation is still on screen, the visitor still stored.
  await expect(erasedWords(page)).toHaveCount(0);
  expect(await page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`)).not.toBeNull();

  offline = false;
  await page.context().setOffline(false);
  await expect(erasedWords(page)).toBeVisible({ timeout: 30_000 });
  await expect(erasedWords(page)).toHaveCount(1);
  await expect(widgetConversation(page)).toHaveCount(0);
  await expect(panel(page).getByText('a new one was started')).toHaveCount(0);
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `ama2chat:${CHAT_ORIGIN}:demo`)).toBeNull();
  const codes = (await widgetErrors(page)).map((error) => error.code);
  expect(codes).toContain('conversation_erased');
  expect(codes).not.toContain('conversation_reset');
  await watch.expectClean();
});
