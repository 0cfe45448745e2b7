import { expect, test } from '@playwright/test';
import { uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, launcher, messageBox, panel, visitorRecord, widgetErrors } from './support/host-page.ts';

/**
 * How the widget is configured from the host page: a slug the server does not know, a
 * `data-agent` that is no slug at all, and calls queued through the documented stub
 * before widget.js has loaded.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test('an unknown agent slug gives a clear message in the panel and no uncaught error', async ({ page }) => {
  const watch = new PageWatch(page);
  await page.goto(host.page({ widget: { agent: 'no-such-agent' } }));
  await launcher(page).click();
  // Without a profile the dialog is named "Chat".
  const dialog = panel(page, 'Chat');
  await expect(dialog.getByRole('alert')).toHaveText('This chat is not available: there is no agent called “no-such-agent”.', {
    timeout: 20_000,
  });
  await expect(dialog.getByRole('textbox', { name: 'Email' })).toHaveCount(0);
  // The panel can still be closed.
  await dialog.getByRole('button', { name: 'Close chat' }).click();
  await expect(dialog).toBeHidden();
  await watch.expectClean();
});

test('an invalid data-agent logs a clear warning, shows no launcher and throws nothing', async ({ page }) => {
  const watch = new PageWatch(page);
  await page.goto(host.page({ widget: { agent: 'Bad Slug!' } }));
  await expect
    .poll(() => watch.warnings.find((text) => text.startsWith('[AMA2Chat]')) ?? null, { timeout: 20_000 })
    .toBe('[AMA2Chat] data-agent="Bad Slug!" is not an agent slug (lowercase letters, digits and dashes).');
  // widget.js ran (it left a disabled API behind), and added nothing to the page.
  await expect
    .poll(() => page.evaluate(() => typeof (window as unknown as { AMA2Chat?: { open?: unknown } }).AMA2Chat?.open))
    .toBe('function');
  expect(await page.locator('[data-ama2-chat]').count()).toBe(0);
  await expect(launcher(page)).toHaveCount(0);
  await watch.expectClean();
});

test('calls queued through the documented stub before widget.js loads are replayed: ready ran once, identify skips the form', async ({
  page,
}) => {
  const tag = uniqueTag();
  const email = `stub-${tag}@example.com`;
  const watch = new PageWatch(page);
  await page.goto(host.page({ stub: { identify: { email, name: `Stub ${tag}` } } }));
  await expect(launcher(page)).toBeVisible();

  const stub = () =>
    page.evaluate(
      () => (window as unknown as { __stub: { definedBeforeWidget: boolean; queuedCalls: number | null; ready: unknown[] } }).__stub,
    );
  // The stub ran first (no AMA2Chat yet) and queued three calls (on ready, on error, identify); the loader replayed them.
  expect(await stub()).toMatchObject({ definedBeforeWidget: true, queuedCalls: 3 });
  await expect.poll(async () => (await stub()).ready).toEqual([{ agent: 'demo' }]);

  await launcher(page).click();
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await expect(panel(page).getByRole('textbox', { name: 'Email' })).toHaveCount(0);
  // The conversation is the identified visitor's.
  await expect.poll(async () => (await visitorRecord(page)).email).toBe(email);
  // Loading the panel did not announce "ready" a second time, and nothing went wrong.
  expect((await stub()).ready).toEqual([{ agent: 'demo' }]);
  expect(await widgetErrors(page)).toEqual([]);
  await watch.expectClean();
});

test('identify() with bad options reports each in words and ignores it; the good ones still apply', async ({ page }) => {
  const tag = uniqueTag();
  const email = `checked-${tag}@example.com`;
  const watch = new PageWatch(page);
  await page.goto(host.page({ stub: {} }));
  await expect(launcher(page)).toBeVisible();
  await page.evaluate((value) => {
    const chat = (window as unknown as { AMA2Chat: { identify(options: unknown): void } }).AMA2Chat;
    chat.identify('ada@example.com');
    chat.identify({ email: value, name: 42, identity_token: 'not a token' });
  }, email);
  await expect
    .poll(() => watch.warnings.filter((text) => text.startsWith('[AMA2Chat] identify')))
    .toEqual([
      '[AMA2Chat] identify() takes an object, e.g. identify({ email: "ada@example.com", name: "Ada", identity_token: "…" }).',
      '[AMA2Chat] identify(): name must be text of 1 to 100 characters; ignored.',
      '[AMA2Chat] identify(): identity_token must be the signed token from your server (three base64url parts joined by dots); ignored.',
    ]);
  expect((await widgetErrors(page)).map((error) => error.code)).toEqual(['invalid_identity']);
  await launcher(page).click();
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => (await visitorRecord(page)).email).toBe(email);
  await watch.expectClean();
});

test('a panel that cannot be fetched: the open panel says so in words, reports panel_load_failed, and opening again retries', async ({
  page,
}) => {
  let blocked = true;
  await page.route(/\/widget-panel-[^/]*\.js$/, (route) => (blocked ? route.abort('connectionrefused') : route.continue()));
  await page.goto(host.page({ stub: {} }));
  await launcher(page).click();
  const notice = page.getByText('The chat could not be loaded. Check your connection and try again.');
  await expect(notice).toBeVisible();
  // (One per attempt: the hover before the click already tried once.)
  const codes = new Set((await widgetErrors(page)).map((error) => error.code));
  expect([...codes]).toEqual(['panel_load_failed']);
  // The launcher still closes it; once the network is back, opening again loads the panel.
  await launcher(page).click();
  await expect(notice).toBeHidden();
  blocked = false;
  await launcher(page).click();
  await expect(messageBox(page).or(panel(page).getByRole('textbox', { name: 'Email' }))).toBeVisible({ timeout: 20_000 });
  await expect(notice).toHaveCount(0);
});
