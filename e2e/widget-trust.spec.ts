import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AgentOwner } from './support/agent-settings.ts';
import { expectAccessible } from './support/axe.ts';
import { uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  launcher,
  messageBox,
  openPanel,
  panel,
  sendFromWidget,
  signIdentityToken,
  startChat,
  visitorRecord,
  watchUrls,
  widgetConversation,
  widgetErrors,
} from './support/host-page.ts';
import { OwnServer } from './support/own-server.ts';

/**
 * Visitor trust in a real browser (CONTRACT §7): the widget on a customer's site (another
 * origin, strict CSP) identified by a token the site's backend signs, the same conversation on
 * a second device, an agent that takes verified visitors only, a website outside the allowed
 * ones, and a server whose data was reset under a stored visitor token.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

const emailTextbox = (page: Parameters<typeof panel>[0]) => panel(page).getByRole('textbox', { name: 'Email' });

test('identity verification: the site signs a token, the visitor chats, and a second device resumes the same conversation', async ({
  page,
  browser,
  request,
}) => {
  const tag = uniqueTag();
  const owner = await AgentOwner.alice(request);
  host.identitySecret = await owner.newIdentitySecret();
  const customer = { sub: `customer-${tag}`, email: `ida-${tag}@example.com`, name: `Ida ${tag}` };
  const watch = new PageWatch(page);
  const urls = watchUrls(page);

  await page.goto(host.page({ signedIdentity: customer }));
  await launcher(page).click();
  // The site vouched for the visitor: no email form.
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await expect(emailTextbox(page)).toHaveCount(0);
  const question = `Signed in and asking ${tag}`;
  await sendFromWidget(page, question);
  await expect(widgetConversation(page).getByText(demoReplyTo(question))).toBeVisible({ timeout: 20_000 });
  const laptop = await visitorRecord(page);
  expect(laptop).toMatchObject({ verified: true, email: customer.email });
  expect(laptop.visitorToken).toMatch(/^vt_/);
  // The secret stays on the site's server; the visitor token never goes into a URL.
  expect(urls.filter((url) => url.includes(laptop.visitorToken!) || url.includes(host.identitySecret!))).toEqual([]);
  await watch.expectClean();

  // A new device: nothing stored, a freshly signed token for the same customer.
  const phoneContext = await browser.newContext();
  try {
    const phone = await phoneContext.newPage();
    const phoneWatch = new PageWatch(phone);
    await phone.goto(host.page({ signedIdentity: customer }));
    await launcher(phone).click();
    await expect(widgetConversation(phone).getByText(question, { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(widgetConversation(phone).getByText(demoReplyTo(question))).toBeVisible();
    await expect(emailTextbox(phone)).toHaveCount(0);
    const phoneRecord = await visitorRecord(phone);
    expect(phoneRecord.threadId).toBe(laptop.threadId);
    expect(phoneRecord.visitorToken).toMatch(/^vt_/);
    expect(phoneRecord.visitorToken).not.toBe(laptop.visitorToken);
    // Either device goes on with the conversation.
    const more = `From the phone ${tag}`;
    await sendFromWidget(phone, more);
    await expect(widgetConversation(phone).getByText(demoReplyTo(more))).toBeVisible({ timeout: 20_000 });
    await expect(widgetConversation(page).getByText(demoReplyTo(more))).toBeVisible({ timeout: 20_000 });
    await phoneWatch.expectClean();
  } finally {
    await phoneContext.close();
  }
});

test('an invalid identity token: a clear message, identity_invalid, and no retry loop', async ({ page }) => {
  const watch = new PageWatch(page);
  const resolves: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/chat/public/demo/threads')) resolves.push(request.url());
  });
  const forged = signIdentityToken('ais_not-the-agents-secret', { aud: 'demo', sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 600 });
  await page.goto(host.page({ stub: { identify: { identity_token: forged } } }));
  await launcher(page).click();
  await expect(panel(page).getByRole('alert')).toHaveText(
    'We could not confirm who you are. Please sign in on this website again, then reopen the chat.',
    {
      timeout: 20_000,
    },
  );
  await expectAccessible(page, 'widget: identity not confirmed', { include: ['[data-ama2-chat]'] });
  await expect.poll(async () => (await widgetErrors(page)).map((error) => error.code)).toEqual(['identity_invalid']);
  // Closing and opening again does not resolve again.
  await panel(page).getByRole('button', { name: 'Close chat' }).click();
  await launcher(page).click();
  await expect(panel(page).getByRole('alert')).toBeVisible();
  expect(resolves).toHaveLength(1);
  await watch.expectClean();
});

test('require_verified_identity: no identity → the visitor is asked to sign in on the site; identify() with a token continues without reload', async ({
  page,
  request,
}) => {
  const tag = uniqueTag();
  const owner = await AgentOwner.alice(request);
  const secret = await owner.newIdentitySecret();
  await owner.withSettings({ require_verified_identity: true }, async () => {
    const watch = new PageWatch(page);
    await page.goto(host.page({ stub: {} }));
    await launcher(page).click();
    await expect(panel(page).getByRole('alert')).toHaveText('Please sign in on this website to chat with us.', { timeout: 20_000 });
    await expect(emailTextbox(page)).toHaveCount(0);
    await expectAccessible(page, 'widget: sign in on the site first', { include: ['[data-ama2-chat]'] });
    await expect.poll(async () => (await widgetErrors(page)).map((error) => error.code)).toEqual(['identity_required']);

    // The visitor signs in on the site; the site identifies them (a token from its backend).
    const token = signIdentityToken(secret, {
      aud: 'demo',
      sub: `late-${tag}`,
      exp: Math.floor(Date.now() / 1000) + 600,
      email: `late-${tag}@example.com`,
    });
    await page.evaluate(
      (identityToken) =>
        (window as unknown as { AMA2Chat: { identify(options: object): void } }).AMA2Chat.identify({ identity_token: identityToken }),
      token,
    );
    await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
    const hello = `Verified now ${tag}`;
    await sendFromWidget(page, hello);
    await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
    expect((await visitorRecord(page)).verified).toBe(true);
    await watch.expectClean();
  });
});

test('allowed websites that exclude the page: "not available on this website" and origin_not_allowed, on load and on an open chat', async ({
  page,
  request,
}) => {
  const owner = await AgentOwner.alice(request);
  await owner.withSettings({ allowed_origins: ['https://shop.example'] }, async () => {
    const watch = new PageWatch(page);
    await page.goto(host.page({ stub: {} }));
    await launcher(page).click();
    await expect(panel(page, 'Chat').getByRole('alert')).toHaveText('This chat isn’t available on this website.', { timeout: 20_000 });
    await expect(panel(page, 'Chat').getByRole('textbox', { name: 'Email' })).toHaveCount(0);
    await expectAccessible(page, 'widget: not available on this website', { include: ['[data-ama2-chat]'] });
    await expect.poll(async () => (await widgetErrors(page)).map((error) => error.code)).toEqual(['origin_not_allowed']);
    // Refused requests show in the console as failed loads; nothing else may.
    await watch.expectClean();
  });

  // With the host page allowed, the same page chats…
  const tag = uniqueTag();
  await owner.withSettings({ allowed_origins: ['https://shop.example', host.origin] }, async () => {
    await page.goto(host.page({ stub: {} }));
    await startChat(page, `allowed-${tag}@example.com`);
    const hello = `Allowed here ${tag}`;
    await sendFromWidget(page, hello);
    await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
  });
  // …until the owner takes it off the list: the open chat closes (4001 "origin not allowed") into the same state.
  await owner.withSettings({ allowed_origins: ['https://shop.example'] }, async () => {
    await expect(panel(page).getByRole('alert')).toHaveText('This chat isn’t available on this website.', { timeout: 20_000 });
    await expect.poll(async () => (await widgetErrors(page)).map((error) => error.code)).toEqual(['origin_not_allowed']);
  });
});

test.describe('a server whose data was reset', () => {
  let server: OwnServer;
  test.beforeAll(async () => {
    server = await OwnServer.create();
    await server.start();
  });
  test.afterAll(async () => {
    await server.dispose();
  });

  // (With the panel open the widget cannot tell a wiped server from an erasure it missed: both
  // refuse its token as unknown, CONTRACT §14. It ends the conversation as erased and starts
  // nothing on its own; a page loaded afterwards gets a new conversation: conversation_reset.)
  test('the stored visitor token is no longer accepted while the panel is open: it says the conversation is gone, and a new one works', async ({
    page,
  }) => {
    // A server restarted mid-test, then a second conversation and a reload: more than the default minute on a busy machine.
    test.slow();
    const tag = uniqueTag();
    const watch = new PageWatch(page);
    const url = host.page({ chatOrigin: server.baseURL, stub: {} });
    await page.goto(url);
    await startChat(page, `reset-${tag}@example.com`);
    const before = `Before the reset ${tag}`;
    await sendFromWidget(page, before);
    await expect(widgetConversation(page).getByText(demoReplyTo(before))).toBeVisible({ timeout: 20_000 });
    const old = await visitorRecord(page, server.baseURL);

    // The operator wipes the database and starts again, while the visitor's panel is open.
    await server.stop();
    for (const file of ['ama2.sqlite', 'ama2.sqlite-wal', 'ama2.sqlite-shm']) rmSync(join(server.dir, file), { force: true });
    await server.start();

    await expect(
      panel(page).getByRole('status').filter({ hasText: 'This conversation is no longer available: it was deleted by the website.' }),
    ).toBeVisible({
      timeout: 30_000,
    });
    await expect.poll(async () => (await widgetErrors(page)).map((error) => error.code)).toEqual(['conversation_erased']);
    await expect(widgetConversation(page)).toHaveCount(0);
    await panel(page).getByRole('button', { name: 'Start a new conversation' }).click();

    const after = `After the reset ${tag}`;
    await sendFromWidget(page, after);
    await expect(widgetConversation(page).getByText(demoReplyTo(after))).toBeVisible({ timeout: 20_000 });
    const fresh = await visitorRecord(page, server.baseURL);
    expect(fresh.threadId).not.toBe(old.threadId);
    expect(fresh.visitorToken).toMatch(/^vt_/);
    expect(fresh.visitorToken).not.toBe(old.visitorToken);
    await expect(widgetConversation(page).getByText(before)).toHaveCount(0);

    // A reload resumes the new conversation, without another notice or form.
    await page.reload();
    await openPanel(page);
    await expect(widgetConversation(page).getByText(demoReplyTo(after))).toBeVisible({ timeout: 20_000 });
    await expect(panel(page).getByText('Your previous conversation is no longer available; this is a new one.')).toHaveCount(0);
    await expect(emailTextbox(page)).toHaveCount(0);
    expect((await visitorRecord(page, server.baseURL)).threadId).toBe(fresh.threadId);
    expect(await widgetErrors(page)).toEqual([]);
    await watch.expectClean();
  });
});
