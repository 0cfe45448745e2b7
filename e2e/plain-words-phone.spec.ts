import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import { expectAccessible } from './support/axe.ts';
import { ALICE, openThread, signIn, signInAs } from './support/inbox.ts';
import { MIN_TARGET, PHONE, targetsIn } from './support/touch-targets.ts';

/**
 * Issue 23, items 6 and 7, measured in the browser: on a 390 × 844 phone the thread header is
 * one row and every target in it and in the composer is at least 44 × 44 px, with no keyboard
 * hint for a finger (in English and German); focus lands on a heading after sign-in and after
 * the agent settings close; the offline banner moves nothing on the page.
 */

/** The composer: the direct child of the conversation that holds the message box. */
const composerArea = (page: Page) => page.locator('section:has([data-composer]) > div').filter({ has: page.locator('[data-composer]') });

for (const [language, t, locale] of [
  ['English', en, 'en-US'],
  ['German', de, 'de-DE'],
] as const) {
  test.describe(`a phone, in ${language}`, () => {
    test.use({ locale, viewport: PHONE });

    test('the thread header is one row; every target in it and the composer is at least 44 × 44; no keyboard hint', async ({
      page,
      alice,
      startThread,
    }) => {
      const thread = await startThread(`Phone ${language}`, { agent: true });
      await signInAs(page, t);
      await page.getByRole('navigation', { name: t.threadList.label }).getByRole('button', { name: thread.title }).click();
      const conversation = page.getByRole('region', { name: t.thread.conversation });
      const header = conversation.locator('header');
      await expect(header.getByRole('heading', { name: thread.title })).toBeVisible();
      const box = conversation.getByRole('combobox', { name: t.composer.label });
      await expect(box).toBeVisible();

      const targets = [...(await targetsIn(header)), ...(await targetsIn(composerArea(page)))];
      const small = targets.filter((target) => target.width < MIN_TARGET || target.height < MIN_TARGET);
      expect(small, 'targets under 44 × 44 px').toEqual([]);
      expect(targets.map((target) => target.name)).toEqual(
        expect.arrayContaining([t.shell.backToThreads, t.notifications.threadMenu, 'TEXTAREA']),
      );

      // One row: the header's targets share a line, and the header is shorter than two targets.
      const headerTargets = await targetsIn(header);
      const tops = headerTargets.map((target) => target.top);
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(MIN_TARGET);
      const headerBox = (await header.boundingBox())!;
      expect(headerBox.height).toBeLessThan(2 * MIN_TARGET);

      // A finger is told no keys.
      await expect(box).toHaveAttribute('placeholder', t.composer.placeholderTouch);
      await expect(box).not.toHaveAttribute('placeholder', new RegExp(t.composer.placeholder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

      // The answer mode lives in the thread menu now, with targets a finger can hit, and works.
      await header.getByRole('button', { name: t.notifications.threadMenu }).click();
      const menu = page.getByRole('menu', { name: t.notifications.threadMenu });
      const everyMessage = `${t.thread.agentAnswers} ${t.newThread.modeOpen}`;
      const whenMentioned = `${t.thread.agentAnswers} ${t.newThread.modeMentioned}`;
      await expect(menu.getByRole('menuitem', { name: `✓ ${everyMessage}`, exact: true })).toBeVisible();
      for (const item of await targetsIn(menu)) expect(item.height, item.name).toBeGreaterThanOrEqual(MIN_TARGET);
      await expectAccessible(page, `thread menu on a phone (${language})`);
      await menu.getByRole('menuitem', { name: whenMentioned, exact: true }).click();
      await expect
        .poll(async () => ((await alice.thread(thread.id)) as { participation_mode?: string }).participation_mode)
        .toBe('invocation_only');
      await header.getByRole('button', { name: t.notifications.threadMenu }).click();
      await expect(menu.getByRole('menuitem', { name: `✓ ${whenMentioned}`, exact: true })).toBeVisible();
      await page.keyboard.press('Escape');
      await expectAccessible(page, `thread on a phone (${language})`);
    });
  });
}

test.describe('focus and layout', () => {
  test('after sign-in, focus is on the thread list heading, not on <body>', async ({ page }) => {
    await signIn(page, ALICE);
    await expect(page.getByRole('heading', { name: en.threadList.heading, level: 1 })).toBeFocused();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  test('after leaving agent settings, focus is on the thread list heading', async ({ page }) => {
    await signIn(page, ALICE);
    await page.goto('/#/agents/demo');
    await expect(page.getByRole('heading', { name: 'Demo Agent settings', level: 2 })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { name: en.threadList.heading, level: 1 })).toBeFocused();
  });

  test('on a phone, leaving agent settings for the thread puts focus on the thread’s heading', async ({ page, startThread }) => {
    const thread = await startThread('Phone focus');
    await page.setViewportSize(PHONE);
    await signIn(page, ALICE);
    await openThread(page, thread.title);
    await page.goto('/#/agents/demo');
    await expect(page.getByRole('heading', { name: 'Demo Agent settings', level: 2 })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('region', { name: en.thread.conversation }).getByRole('heading', { name: thread.title })).toBeFocused();
  });

  test('the offline banner moves nothing: the list, the header and the composer keep their places', async ({
    page,
    context,
    startThread,
  }) => {
    const thread = await startThread('Offline layout');
    await signIn(page, ALICE);
    await openThread(page, thread.title);
    const conversation = page.getByRole('region', { name: en.thread.conversation });
    const parts = [
      page.getByRole('navigation', { name: en.threadList.label }),
      conversation.locator('header'),
      conversation.getByRole('combobox', { name: en.composer.label }),
    ];
    const boxes = async () => Promise.all(parts.map(async (part) => part.boundingBox()));
    const before = await boxes();

    await context.setOffline(true);
    const banner = page.getByRole('status').filter({ hasText: en.connection.offline });
    await expect(banner).toBeVisible();
    expect(await boxes()).toEqual(before);
    await expectAccessible(page, 'offline banner over the page');

    await context.setOffline(false);
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    expect(await boxes()).toEqual(before);
  });
});
