import { expect, test, type Page } from '@playwright/test';
import { contrastRatio } from '../widget/panel/accent-color.ts';
import { THEMES, type ThemeName } from '../widget/panel/theme-tokens.ts';
import { expectAccessible } from './support/axe.ts';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  launcher,
  messageBox,
  panel,
  sendFromWidget,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * The widget's dark theme (data-theme and prefers-color-scheme, live) and the visitor's
 * tabs agreeing on the unread badge and on closing, in a real Chromium. Colours are read as
 * the browser computes them inside the widget's shadow root.
 */

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

/** `#rrggbb` as getComputedStyle writes it. */
const rgb = (hex: string) => {
  const [red, green, blue] = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
  return `rgb(${red}, ${green}, ${blue})`;
};
/** `rgb(r, g, b)` back to `#rrggbb`. */
const hexOf = (color: string) => {
  const channels = /^rgba?\((\d+), (\d+), (\d+)/.exec(color);
  expect(channels, `a colour the spec can read: ${color}`).not.toBeNull();
  return `#${channels!
    .slice(1, 4)
    .map((channel) => Number(channel).toString(16).padStart(2, '0'))
    .join('')}`;
};

/** The launcher's light edge of the dark theme (loader.css `--ama2-edge`), as computed. */
const DARK_EDGE = 'rgba(255, 255, 255, 0.6)';

/** What the browser computes inside the widget's shadow root: the loader's parts, and the panel's once it is there. */
async function widgetColours(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-ama2-chat]')!.shadowRoot!;
    const style = (selector: string) => {
      const element = root.querySelector(selector);
      return element ? getComputedStyle(element) : null;
    };
    const field = root.querySelector('textarea');
    return {
      launcherShadow: style('.launcher')!.boxShadow,
      frame: style('.panel')!.backgroundColor,
      frameText: style('.panel')!.color,
      surface: style('.ama-panel')?.backgroundColor ?? null,
      text: style('.ama-panel')?.color ?? null,
      field: style('textarea')?.backgroundColor ?? null,
      // The composer's top edge (its field has the focus, so its own edge is the ring).
      fieldBorder: style('.ama-composer')?.borderTopColor ?? null,
      scheme: style('.panel')!.colorScheme,
      // The focus ring of the focused composer (the panel focuses it on open: issue 23, no email first).
      ring: field && root.activeElement === field ? getComputedStyle(field).outlineColor : null,
    };
  });
}

/** The colours of `theme` everywhere: the launcher's edge, the frame, the panel, the composer (its field, its edge) and the focus ring. */
async function expectTheme(page: Page, theme: ThemeName, withPanel: boolean): Promise<void> {
  const tokens = THEMES[theme];
  await expect
    .poll(async () => {
      const colours = await widgetColours(page);
      return {
        edge: colours.launcherShadow.includes(DARK_EDGE),
        frame: colours.frame,
        frameText: colours.frameText,
        ...(withPanel ? { surface: colours.surface, text: colours.text, field: colours.field, fieldBorder: colours.fieldBorder } : {}),
      };
    })
    .toEqual({
      edge: theme === 'dark',
      frame: rgb(tokens.surface),
      frameText: rgb(tokens.text),
      ...(withPanel
        ? { surface: rgb(tokens.surface), text: rgb(tokens.text), field: rgb(tokens.field), fieldBorder: rgb(tokens.divider) }
        : {}),
    });
  if (!withPanel) return;
  const { ring, scheme } = await widgetColours(page);
  expect(scheme).toBe(theme);
  expect(ring, 'the composer has the focus, with a ring').not.toBeNull();
  expect(contrastRatio(hexOf(ring!), tokens.surface), `focus ring ${ring} on the ${theme} surface`).toBeGreaterThanOrEqual(3);
}

/** Opens the panel on its first run: the greeting, and the composer with the focus (issue 23). */
async function openForm(page: Page): Promise<void> {
  await expect(launcher(page)).toBeVisible();
  if ((await launcher(page).getAttribute('aria-expanded')) === 'true') {
    // Open already (a panel stays open across page loads in a tab): it leaves the page's focus
    // alone, so the visitor's click goes to the composer.
    await messageBox(page).click();
  } else {
    await launcher(page).click();
  }
  await expect(messageBox(page)).toBeFocused({ timeout: 20_000 });
}

test('a dark system: the launcher and the panel are dark, pass axe, and turn light live when the system does', async ({ page }) => {
  const watch = new PageWatch(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(host.page({ hostileCss: false, overlay: false }));
  await expect(launcher(page)).toBeVisible();
  await expectTheme(page, 'dark', false);

  await openForm(page);
  await expectTheme(page, 'dark', true);
  await expectAccessible(page, 'widget, dark: first run', { include: ['[data-ama2-chat]'] });

  // The system turns light: no reload, no event from the page.
  await page.emulateMedia({ colorScheme: 'light' });
  await expectTheme(page, 'light', true);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectTheme(page, 'dark', true);

  // A conversation in dark: the visitor's and the agent's bubbles pass axe too.
  const hello = `Hello in the dark ${uniqueTag()}`;
  await sendFromWidget(page, hello);
  await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
  await expectAccessible(page, 'widget, dark: conversation', { include: ['[data-ama2-chat]'] });
  await watch.expectClean();
});

test('data-theme="light" keeps the widget light on a dark system, and data-theme="dark" dark on a light one', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(host.page({ widget: { agent: 'demo', theme: 'light' }, hostileCss: false, overlay: false }));
  await openForm(page);
  await expectTheme(page, 'light', true);

  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(host.page({ widget: { agent: 'demo', theme: 'dark' }, hostileCss: false, overlay: false }));
  await openForm(page);
  await expectTheme(page, 'dark', true);
  await expectAccessible(page, 'widget, data-theme=dark: first run', { include: ['[data-ama2-chat]'] });
});

test('a bad data-theme is reported in words and the widget follows the system', async ({ page }) => {
  const watch = new PageWatch(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(host.page({ widget: { agent: 'demo', theme: 'night' }, stub: {}, hostileCss: false, overlay: false }));
  const words = 'data-theme="night" must be "light", "dark" or "auto"; using "auto" (the visitor\'s system setting).';
  await expect.poll(() => watch.warnings, { timeout: 20_000 }).toContain(`[AMA2Chat] ${words}`);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __stub: { errors: unknown[] } }).__stub.errors))
    .toContainEqual({ code: 'invalid_option', message: words });
  await expectTheme(page, 'dark', false);
});

test('two tabs of the demo page: closing in one closes the other, opening does not open it, reading in one clears the other’s badge', async ({
  page: first,
  context,
  request,
}) => {
  const tag = uniqueTag();
  await first.goto('/widget-demo.html');
  await startChat(first, `tabs-${tag}@example.com`);
  const hello = `Hello from the first tab ${tag}`;
  await sendFromWidget(first, hello);
  await expect(widgetConversation(first).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
  const { threadId } = await visitorRecord(first);

  const second = await context.newPage();
  await second.goto('/widget-demo.html');
  await expect(launcher(second)).toBeVisible();
  // The panel is open in the first tab: the second stays closed.
  await expect(panel(second)).toBeHidden();

  // Open in both, then close in the first: the second closes too, with its launcher saying so.
  await launcher(second).click();
  await expect(widgetConversation(second).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
  // The visitor had moved on to the page in the second tab: closing elsewhere leaves its focus there.
  const pageButton = second.getByRole('button', { name: 'Open the chat' });
  await pageButton.focus();
  await panel(first).getByRole('button', { name: 'Close chat' }).click();
  await expect(panel(first)).toBeHidden();
  await expect(panel(second)).toBeHidden();
  await expect(launcher(second)).toHaveAttribute('aria-expanded', 'false');
  await expect(pageButton).toBeFocused();

  // Alice writes while both are closed: both launchers count it.
  const alice = await UserApi.login(request, ALICE);
  const later = `Alice to both tabs ${tag}`;
  await alice.send(threadId!, later);
  for (const tab of [first, second]) await expect(launcher(tab)).toHaveAccessibleName('Open chat (1 unread)', { timeout: 20_000 });

  // Read in the second tab: the first tab's badge clears, and its panel stays closed.
  await launcher(second).click();
  await expect(widgetConversation(second).getByText(later)).toBeVisible({ timeout: 20_000 });
  await expect(launcher(first)).toHaveAccessibleName('Open chat');
  await expect(panel(first)).toBeHidden();
  expect((await visitorRecord(first)).unread).toBe(0);

  // Closing from the page's own API in the second tab closes the first one's too (it is closed already: nothing changes).
  await second.evaluate(() => (window as unknown as { AMA2Chat: { close(): void } }).AMA2Chat.close());
  await expect(panel(second)).toBeHidden();
  await expect(panel(first)).toBeHidden();
});

test("the panel's fields draw their borders inside the shadow root, which ignores Tailwind's @property", async ({ page }) => {
  await page.goto(host.page({ hostileCss: false, overlay: false }));
  await openForm(page);
  const border = await page.evaluate(() => {
    const field = document.querySelector('[data-ama2-chat]')!.shadowRoot!.querySelector('.ama-composer textarea')!;
    const style = getComputedStyle(field);
    return { style: style.borderTopStyle, width: style.borderTopWidth };
  });
  expect(border).toEqual({ style: 'solid', width: '1px' });
});
