import { expect, test, type Locator } from '@playwright/test';
import { uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, demoReplyTo, launcher, messageBox, panel, widgetConversation } from './support/host-page.ts';

/**
 * The widget on a phone-sized screen, driven by the keyboard alone: Tab to the launcher,
 * Enter, the email, Enter, a message, Enter, Esc — and focus back on the launcher.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

test.use({ viewport: { width: 390, height: 844 } });

/** The element has focus, also inside a shadow root (where document.activeElement is the host). */
const hasFocus = (locator: Locator) =>
  locator.evaluate((element) => (element.getRootNode() as Document | ShadowRoot).activeElement === element);

test('on a 390 × 844 screen the panel is full-screen, and the whole chat works with the keyboard alone', async ({ page }) => {
  const tag = uniqueTag();
  const watch = new PageWatch(page);
  // The hostile stylesheet stays; the overlay (above every z-index) would cover a full-screen panel.
  await page.goto(host.page({ overlay: false }));
  await expect(launcher(page)).toBeVisible();

  // Tab through the page to the launcher (the page's link comes first; its button is hidden).
  let tabs = 0;
  while (!(await hasFocus(launcher(page)))) {
    expect(tabs++, 'Tab presses to reach the launcher').toBeLessThan(10);
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');

  // Full-screen, focus on the email field.
  await expect(panel(page)).toBeVisible();
  const box = await panel(page).boundingBox();
  expect(box).not.toBeNull();
  expect(Math.round(box!.x)).toBe(0);
  expect(Math.round(box!.y)).toBe(0);
  expect(Math.round(box!.width)).toBe(390);
  expect(Math.round(box!.height)).toBe(844);
  // The first run opens with the focus in the composer (issue 23: no email first): type, Enter sends.
  await expect.poll(() => hasFocus(messageBox(page))).toBe(true);
  // The launcher makes way for the panel on a phone.
  await expect(launcher(page)).toBeHidden();
  const text = `Typed on a phone ${tag}`;
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(messageBox(page)).toHaveValue('');
  await expect(widgetConversation(page).getByText(demoReplyTo(text))).toBeVisible({ timeout: 20_000 });

  // Usable: the composer and the send button are on screen, inside the panel.
  for (const control of [
    messageBox(page),
    panel(page).getByRole('button', { name: 'Send' }),
    panel(page).getByRole('button', { name: 'Close chat' }),
  ]) {
    await expect(control).toBeInViewport();
  }

  // Tab stays inside the dialog.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await panel(page).evaluate((dialog) => dialog.contains((dialog.getRootNode() as ShadowRoot).activeElement))).toBe(true);
  }

  // Esc closes it and gives the focus back to the launcher.
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();
  await expect(launcher(page)).toBeVisible();
  await expect.poll(() => hasFocus(launcher(page))).toBe(true);
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');

  await watch.expectClean();
});
