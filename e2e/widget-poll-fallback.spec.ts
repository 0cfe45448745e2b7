import { expect, test } from '@playwright/test';
import { HostPageServer, demoReplyTo, messageBox, panel, startChat, widgetConversation } from './support/host-page.ts';
import { uniqueTag } from './support/inbox.ts';

/**
 * A visitor behind something that blocks WebSockets (a proxy, a firewall) still chats: the
 * widget falls back to polling the public history (CONTRACT §7), whose code loads only then.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('with every WebSocket refused, the widget loads its polling fallback and the agent’s reply still arrives', async ({ page }) => {
  test.setTimeout(90_000);
  // Every socket to the chat server is closed at once, as a blocking proxy would.
  await page.routeWebSocket(/\/api\/v1\/chat\/ws\//, (socket) => socket.close({ code: 1006, reason: 'blocked' }));
  const chunks: string[] = [];
  page.on('request', (request) => {
    if (/widget-poll-transport-[\w-]+\.js$/.test(request.url())) chunks.push(request.url());
  });
  const tag = uniqueTag();
  await page.goto(host.page());
  await startChat(page, `blocked-${tag}@example.com`);
  const question = `Can you hear me through the proxy? ${tag}`;
  await messageBox(page).fill(question);
  await messageBox(page).press('Enter');
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 60_000 });
  expect(chunks).toHaveLength(1);
  await expect(panel(page)).toBeVisible();
});
