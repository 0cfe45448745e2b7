import { expect, test } from '@playwright/test';
import { ALICE, UserApi, composer, signIn, threadList, uniqueTag, write } from './support/inbox.ts';
import { expectAccessible } from './support/axe.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  launcher,
  messageBox,
  occurrences,
  panel,
  sendFromWidget,
  openPanel,
  startChat,
  visitorRecord,
  watchUrls,
  widgetConversation,
} from './support/host-page.ts';

/** The most characters of markdown syntax one streamed chunk can make disappear (a table's header and delimiter rows). */
const MAX_HIDDEN_SYNTAX_CHARS = 40;

/**
 * The visitor widget on a customer's site: another origin than the chat server, a strict
 * Content-Security-Policy, a hostile stylesheet and a top-most overlay. Everything runs
 * against the real server of the Playwright config; the page is served by the spec.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('a visitor chats with the demo agent on a hostile strict-CSP page: isolated launcher, streamed reply, no violation, no error', async ({
  page,
}) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  await page.goto(host.page());

  // The page's stylesheet applies to the page: its buttons are gone and every font is 40 px.
  await expect(page.getByRole('button', { name: 'A page button' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Acme Gardening' })).toHaveCSS('font-size', '40px');
  await expect(page.getByTestId('hostile-overlay')).toBeVisible();

  // …but not inside the shadow root: the launcher is shown, at its own size, and clickable.
  await expect(launcher(page)).toBeVisible();
  await expect(launcher(page)).toHaveAccessibleName('Open chat');
  const fontSize = await launcher(page).evaluate((element) => getComputedStyle(element).fontSize);
  expect(fontSize).not.toBe('40px');
  expect(fontSize).toBe('16px');
  await startChat(page, `visitor-${tag}@example.com`);
  await expect(panel(page)).toBeVisible();
  // Tailwind's rem sizes would follow the page's 40 px root font: the panel uses pixels.
  await expect(messageBox(page)).toHaveCSS('font-size', '14px');

  // A plain message and its reply.
  const hello = `Hello from the hostile page ${tag}`;
  await sendFromWidget(page, hello);
  await expect(widgetConversation(page).getByText(hello, { exact: true })).toBeVisible();
  await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });

  // A long reply (`/long`) streams: the growing text is on screen before the committed reply.
  await page.evaluate(() => {
    const root = document.querySelector('[data-ama2-chat]')!.shadowRoot!;
    const record = { lengths: [] as number[] };
    (window as unknown as { __stream: typeof record }).__stream = record;
    // Every DOM change while a reply streams: the streaming row's text length, when it changed.
    new MutationObserver(() => {
      const streaming = root.querySelector('[aria-busy="true"]');
      const length = streaming?.textContent?.length ?? 0;
      if (streaming && record.lengths.at(-1) !== length) record.lengths.push(length);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
  await sendFromWidget(page, `/long ${tag}`);
  await expect(widgetConversation(page).locator('[aria-busy="true"]')).toBeVisible({ timeout: 20_000 });
  await expect(widgetConversation(page).getByText('That is the end of the long answer.')).toBeVisible({ timeout: 30_000 });
  await expect(widgetConversation(page).locator('[aria-busy="true"]')).toHaveCount(0);
  const stream = await page.evaluate(() => (window as unknown as { __stream: { lengths: number[] } }).__stream);
  expect(stream.lengths.length, `streamed lengths: ${stream.lengths.join(', ')}`).toBeGreaterThanOrEqual(3);
  // It grows: a markdown construct that completes hides its syntax (a table's `| --- |` row, the
  // stars around *n*, a code label that becomes `ts`), so one step may be a little shorter.
  for (let i = 1; i < stream.lengths.length; i++)
    expect(stream.lengths[i]!).toBeGreaterThan(stream.lengths[i - 1]! - MAX_HIDDEN_SYNTAX_CHARS);
  expect(stream.lengths.at(-1)!).toBeGreaterThan(stream.lengths[0]!);
  // The committed reply took the streaming row's place: shown once.
  expect(occurrences((await widgetConversation(page).textContent()) ?? '', 'That is the end of the long answer.')).toBe(1);
  // Its markdown renders as in the inbox: headings, GFM tables in focusable scrolling boxes, code.
  await expect(widgetConversation(page).getByRole('heading', { name: 'Part 6', level: 4 })).toBeVisible();
  await expect(widgetConversation(page).getByRole('group', { name: 'Table' })).toHaveCount(6);
  await expect(widgetConversation(page).getByRole('columnheader', { name: 'what happens' }).first()).toBeVisible();
  await expect(widgetConversation(page).getByRole('group', { name: 'code: ts' }).first()).toHaveAttribute('tabindex', '0');

  await watch.expectClean();
});

test('Alice answers the visitor from the inbox: live in the open widget, and an unread badge on the closed one', async ({
  page,
  browser,
}) => {
  const tag = uniqueTag();
  const name = `Vera ${tag}`;
  const watch = new PageWatch(page);
  await page.goto(host.page());
  await startChat(page, `vera-${tag}@example.com`, name);
  const question = `Can a person help me? ${tag}`;
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });

  const aliceContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    await signIn(alice, ALICE);
    // The visitor's thread is in Alice's list (she owns the demo agent), marked "Visitor".
    const item = threadList(alice).getByRole('button').filter({ hasText: name });
    await expect(item).toBeVisible({ timeout: 20_000 });
    await expect(item).toContainText('Visitor');
    await item.click();
    await expect(alice.getByText(question).first()).toBeVisible({ timeout: 20_000 });

    // Alice replies: the visitor sees it live.
    const live = `Hi ${name}, Alice here ${tag}`;
    await write(alice, live);
    await expect(widgetConversation(page).getByText(live)).toBeVisible({ timeout: 20_000 });
    await expectAccessible(alice, 'inbox: a visitor thread');

    // The visitor closes the widget; Alice writes again: the launcher counts it.
    await panel(page).getByRole('button', { name: 'Close chat' }).click();
    await expect(panel(page)).toBeHidden();
    const later = `One more thing ${tag}`;
    await composer(alice).fill(later);
    await composer(alice).press('Enter');
    await expect(launcher(page)).toHaveAccessibleName('Open chat (1 unread)', { timeout: 20_000 });
    await expect(launcher(page)).toContainText('1');
    await expectAccessible(page, 'widget: closed, with an unread badge', { include: ['[data-ama2-chat]'] });

    // Opening shows it and clears the badge.
    await launcher(page).click();
    await expect(widgetConversation(page).getByText(later)).toBeVisible();
    await expect(launcher(page)).toHaveAccessibleName('Open chat');
    await expect.poll(async () => (await visitorRecord(page)).unread).toBe(0);
  } finally {
    await aliceContext.close();
  }
  await watch.expectClean();
});

test('a reload resumes the conversation; offline, a message waits and is delivered once, and what Alice sent meanwhile arrives once, in order', async ({
  page,
  context,
  request,
}) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  const urls = watchUrls(page);
  const url = host.page();
  await page.goto(url);
  await startChat(page, `otto-${tag}@example.com`, `Otto ${tag}`);
  const first = `First visit ${tag}`;
  await sendFromWidget(page, first);
  await expect(widgetConversation(page).getByText(demoReplyTo(first))).toBeVisible({ timeout: 20_000 });
  const { threadId, visitorToken } = await visitorRecord(page);
  expect(threadId).toBeTruthy();
  expect(visitorToken).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);

  // Reload: the same conversation (same thread, same token), its history, no form; and it goes on.
  await page.reload();
  await openPanel(page);
  await expect(widgetConversation(page).getByText(demoReplyTo(first))).toBeVisible({ timeout: 20_000 });
  await expect(panel(page).getByRole('textbox', { name: 'Email' })).toHaveCount(0);
  expect(await visitorRecord(page)).toMatchObject({ threadId, visitorToken });
  const second = `Back again ${tag}`;
  await sendFromWidget(page, second);
  await expect(widgetConversation(page).getByText(demoReplyTo(second))).toBeVisible({ timeout: 20_000 });

  // Offline: the visitor writes, Alice writes twice meanwhile.
  const alice = await UserApi.login(request, ALICE);
  await context.setOffline(true);
  await expect(panel(page).getByRole('status')).toContainText('You are offline', { timeout: 20_000 });
  const offline = `Written offline ${tag}`;
  await sendFromWidget(page, offline);
  await expect(widgetConversation(page).getByText(offline)).toBeVisible();
  await expect(widgetConversation(page).getByText(/^(Waiting to send…|Sending…)$/)).toBeVisible();
  const meanwhile = [`Alice meanwhile one ${tag}`, `Alice meanwhile two ${tag}`];
  for (const text of meanwhile) await alice.send(threadId!, text);
  // A second later, still nothing crossed either way.
  await page.waitForTimeout(1_000);
  expect(await alice.messageContents(threadId!)).not.toContain(offline);
  for (const text of meanwhile) await expect(widgetConversation(page).getByText(text)).toHaveCount(0);

  await context.setOffline(false);
  await expect(panel(page).getByRole('status')).not.toContainText('You are offline', { timeout: 20_000 });
  await expect(widgetConversation(page).getByText(demoReplyTo(offline))).toBeVisible({ timeout: 30_000 });
  for (const text of meanwhile) await expect(widgetConversation(page).getByText(text)).toBeVisible();

  // The server has the offline message once, after Alice's two; the widget shows each once, in that order.
  await expect.poll(async () => (await alice.messageContents(threadId!)).filter((content) => content === offline).length).toBe(1);
  const log = await alice.messageContents(threadId!);
  expect(log.indexOf(meanwhile[0]!)).toBeLessThan(log.indexOf(meanwhile[1]!));
  expect(log.indexOf(meanwhile[1]!)).toBeLessThan(log.indexOf(offline));
  const shown = (await widgetConversation(page).textContent()) ?? '';
  for (const text of [first, second, offline, ...meanwhile])
    expect(occurrences(shown, text), text).toBe(occurrences(shown, demoReplyTo(text)) + 1);
  expect(shown.indexOf(meanwhile[0]!)).toBeLessThan(shown.indexOf(meanwhile[1]!));
  expect(shown.indexOf(meanwhile[1]!)).toBeLessThan(shown.lastIndexOf(offline));
  await expect(widgetConversation(page).getByText('Sending…')).toHaveCount(0);
  await expect(widgetConversation(page).getByText('Waiting to send…')).toHaveCount(0);
  // The visitor token went in headers and the socket's subprotocol only, never in a URL.
  expect(urls.filter((requested) => requested.includes(visitorToken!))).toEqual([]);

  await watch.expectClean();
});
