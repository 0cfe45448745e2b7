import { expect, test } from '@playwright/test';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  panel,
  sendFromWidget,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * Markdown in the widget on a phone: the renderer the inbox uses (loaded as its own chunk
 * under the page's strict CSP), GFM tables that scroll sideways inside the bubble instead
 * of widening it, and scrolling boxes a keyboard can reach and scroll.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE });

const WIDE_TABLE = [
  '| ' + Array.from({ length: 8 }, (_, column) => `Column heading number ${column + 1}`).join(' | ') + ' |',
  '|' + ' --- |'.repeat(8),
  '| ' + Array.from({ length: 8 }, (_, column) => `a rather long cell ${column + 1}`).join(' | ') + ' |',
].join('\n');

test('a wide GFM table and a long code line from an agent scroll inside the bubble on a phone, by keyboard too', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  await page.goto(host.page({ overlay: false }));
  await startChat(page, `md-${tag}@example.com`);
  const hello = `Markdown please ${tag}`;
  await sendFromWidget(page, hello);
  await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
  const { threadId } = await visitorRecord(page);

  const alice = await UserApi.login(request, ALICE);
  const code = `const line = "${'x'.repeat(200)}";`;
  await alice.send(
    threadId!,
    `## Plans ${tag}\n\n${WIDE_TABLE}\n\n- [x] table\n- [ ] ~~raw pipes~~\n\n\`\`\`js\n${code}\n\`\`\`\n\nSee www.example.com`,
  );

  const conversation = widgetConversation(page);
  await expect(conversation.getByRole('heading', { name: `Plans ${tag}` })).toBeVisible({ timeout: 20_000 });
  const table = conversation.getByRole('group', { name: 'Table' });
  await expect(table.getByRole('columnheader')).toHaveCount(8);
  await expect(conversation.getByRole('img', { name: 'Done', exact: true })).toBeVisible();
  await expect(conversation.getByRole('img', { name: 'Not done' })).toBeVisible();
  await expect(conversation.locator('del')).toHaveText('raw pipes');
  await expect(conversation.getByRole('link', { name: 'www.example.com' })).toHaveAttribute('href', 'http://www.example.com/');

  // The table box stays inside the screen and scrolls sideways instead.
  const box = (await table.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(await table.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);

  // A keyboard reaches it and scrolls it; the code block likewise.
  for (const scroller of [table, conversation.getByRole('group', { name: 'code: js' })]) {
    await scroller.focus();
    await expect(scroller).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => scroller.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
  }
  // The code block's language label in its own small size (0.7 × 16 px), not the bubble's.
  const label = conversation.locator('figcaption', { hasText: /^js$/ });
  expect(await label.evaluate((element) => getComputedStyle(element).fontSize)).toBe('11.2px');
  await expect(panel(page)).toBeVisible();
  await watch.expectClean();
});
