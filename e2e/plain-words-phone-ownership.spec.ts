import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en, type InboxStrings } from '../src/i18n/catalog-en.ts';
import { ownershipDe } from '../src/i18n/catalog-ownership-de.ts';
import { ownershipEn, type OwnershipStrings } from '../src/i18n/catalog-ownership-en.ts';
import { expectAccessible } from './support/axe.ts';
import { type ThreadJson, type UserApi, signInAs } from './support/inbox.ts';
import { MIN_TARGET, PHONE, smallTargets, targetsIn } from './support/touch-targets.ts';

/**
 * Issue 23, item 6, the ownership bar: on a 390 × 844 phone the bar under the thread header is
 * one row (the state in words and one Manage button), every target in it and in its sheet is
 * at least 44 × 44 px, the sheet takes focus and gives it back, closes on Esc, and takes over
 * and resolves; in English and German, light and dark, with axe clean.
 */

interface Ownership {
  status: string;
  assignee_id: string | null;
  agent_paused: boolean;
}
const ownershipOf = async (user: UserApi, threadId: string) => (await user.thread(threadId)) as ThreadJson & Ownership;

for (const [language, t, o, locale] of [
  ['English', en, ownershipEn, 'en-US'],
  ['German', de, ownershipDe, 'de-DE'],
] as const satisfies readonly (readonly [string, InboxStrings, OwnershipStrings, string])[]) {
  test.describe(`the ownership bar on a phone, in ${language}`, () => {
    test.use({ locale, viewport: PHONE });

    test('one row of words and a Manage button; the sheet’s targets are 44 × 44; it takes over and resolves; axe light and dark', async ({
      page,
      alice,
      startThread,
    }) => {
      const thread = await startThread(`Phone ownership ${language}`, { agent: true });
      await signInAs(page, t);
      await page.getByRole('navigation', { name: t.threadList.label }).getByRole('button', { name: thread.title }).click();
      const bar = page.getByRole('group', { name: o.controls.label });
      await expect(bar).toBeVisible();

      // One row, every target a finger's size.
      const targets = await targetsIn(bar);
      expect(smallTargets(targets), 'targets under 44 × 44 px').toEqual([]);
      const tops = targets.map((target) => target.top);
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(MIN_TARGET);
      expect((await bar.boundingBox())!.height).toBeLessThan(2 * MIN_TARGET);
      const manage = bar.getByRole('button', { name: o.controls.manage, exact: true });
      await expect(manage).toBeVisible();
      await expect(bar).toContainText(`${o.status.open} · ${o.controls.nobody}`);

      // The sheet: focus moves in, every target is 44 × 44, Esc closes and focus goes back.
      await manage.click();
      const sheet = page.getByRole('dialog', { name: o.controls.label });
      await expect(sheet).toBeVisible();
      await expect(sheet.getByRole('combobox', { name: o.controls.status })).toBeFocused();
      await expect(manage).toHaveAttribute('aria-expanded', 'true');
      const inSheet = await targetsIn(sheet);
      expect(smallTargets(inSheet), 'targets in the sheet under 44 × 44 px').toEqual([]);
      expect(inSheet.map((target) => target.name)).toEqual(
        expect.arrayContaining([o.controls.close, o.controls.takeOver, o.controls.snoozeHour, o.controls.resolve]),
      );
      await expectAccessible(page, `ownership sheet on a phone, light (${language})`);
      await page.keyboard.press('Escape');
      await expect(sheet).toHaveCount(0);
      await expect(manage).toBeFocused();

      // Take over from the sheet: it closes, and the row says who has it now.
      await manage.click();
      await sheet.getByRole('button', { name: o.controls.takeOver, exact: true }).click();
      await expect(sheet).toHaveCount(0);
      await expect(manage).toBeFocused();
      await expect.poll(async () => (await ownershipOf(alice, thread.id)).agent_paused).toBe(true);
      await expect(bar).toContainText(`${o.status.open} · `);
      await expect(bar).toContainText(o.list.agentPaused);
      await expect(bar).not.toContainText(o.controls.nobody);

      // Resolve from the sheet.
      await manage.click();
      await sheet.getByRole('button', { name: o.controls.resolve, exact: true }).click();
      await expect(sheet).toHaveCount(0);
      await expect.poll(async () => (await ownershipOf(alice, thread.id)).status).toBe('resolved');
      await expect(bar).toContainText(`${o.status.resolved} · `);

      // Dark: the row and the sheet stay clean for axe.
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      await expectAccessible(page, `ownership bar on a phone, dark (${language})`);
      await manage.click();
      await expect(sheet.getByRole('button', { name: o.controls.reopen, exact: true })).toBeVisible();
      await expectAccessible(page, `ownership sheet on a phone, dark (${language})`);
      await sheet.getByRole('button', { name: o.controls.close, exact: true }).click();
      await expect(sheet).toHaveCount(0);
      await expect(manage).toBeFocused();
    });
  });
}

test('on a desktop the ownership bar keeps its controls in the row, with no Manage button', async ({ page, startThread }) => {
  const thread = await startThread('Desktop ownership', { agent: true });
  await signInAs(page, en);
  await page.getByRole('navigation', { name: en.threadList.label }).getByRole('button', { name: thread.title }).click();
  const bar = page.getByRole('group', { name: ownershipEn.controls.label });
  await expect(bar.getByRole('combobox', { name: ownershipEn.controls.status })).toBeVisible();
  await expect(bar.getByRole('button', { name: ownershipEn.controls.resolve, exact: true })).toBeVisible();
  await expect(bar.getByRole('button', { name: ownershipEn.controls.manage, exact: true })).toHaveCount(0);
});
