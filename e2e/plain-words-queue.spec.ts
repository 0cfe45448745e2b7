import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import { ALICE, collectRows, openThread, scroller, signIn, write, type RowText } from './support/inbox.ts';
import { expectAccessible } from './support/axe.ts';

/**
 * Issue 23 item 2, for operators: a message sent while the agent's run waits on an approval
 * says that it is queued, and after the decision each reply sits right below what it answers.
 * Real server, real Chromium; the words and the order are read off the page. The e2e server's
 * approvals expire after 8 s (playwright.config.ts), and axe takes longer than that on a busy
 * machine: while an approval waits the spec only reads and then decides; axe runs after.
 */

/** Switches the inbox's language in the sidebar. */
async function switchLanguage(page: Page, language: 'en' | 'de'): Promise<void> {
  const label = language === 'de' ? en.shell.languageLabel : de.shell.languageLabel;
  await page.getByLabel(label).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/**
 * The rendered rows in list order, read at once (a short thread: the virtualizer renders them
 * all), where `collectRows` scrolls and takes seconds an approval may not have.
 */
const renderedRows = (page: Page): Promise<RowText[]> =>
  scroller(page).evaluate((element) =>
    [...element.querySelectorAll<HTMLElement>('[data-row-kind]')]
      .map((row) => ({ index: Number(row.dataset.index ?? Infinity), kind: row.dataset.rowKind ?? '', text: row.innerText }))
      .sort((a, b) => a.index - b.index),
  );

/** The list's messages and run rows top to bottom, each named by the first of `names` its text contains. */
function readOrder(rows: RowText[], names: Record<string, string>): string[] {
  return rows
    .filter((row) => row.kind === 'message' || row.kind === 'run')
    .map((row) => {
      if (row.kind === 'run') return 'run';
      const name = Object.entries(names).find(([, text]) => row.text.includes(text));
      return name ? name[0] : `other: ${row.text}`;
    });
}

test.describe('a message queued behind an approval (item 2)', () => {
  test('the second message says it is queued behind the approval; after approving, each reply sits right below what it answers, in English and German', async ({
    page,
    startThread,
    tag,
  }) => {
    test.setTimeout(90_000);
    const { title } = await startThread('Queued', { agent: true });
    await signIn(page, ALICE);
    await openThread(page, title);
    const list = scroller(page);

    // English: the first run waits on an approval, the second message is queued behind it.
    await write(page, `/approve Quarterly ${tag}`);
    const firstCard = list.locator('section[aria-label]').first();
    await expect(firstCard.getByRole('status').first()).toHaveText('Waiting for your approval');
    await write(page, `What about invoices ${tag}?`);
    const queued = list.locator('[data-row-kind="run"]').getByRole('status');
    await expect(queued.last()).toHaveText('Queued — Demo Agent answers this after the pending approval');
    expect(readOrder(await renderedRows(page), { first: `/approve Quarterly ${tag}`, second: `What about invoices ${tag}?` })).toEqual([
      'first',
      'run',
      'second',
      'run',
    ]);

    await firstCard.getByRole('button', { name: 'Approve' }).click();
    await expect(list.locator('section[aria-label]')).toHaveCount(2);
    await expect(list.locator('section[aria-label]').nth(1).getByRole('status').first()).toHaveText('Replied');
    await expect(list.getByText('Queued — ')).toHaveCount(0);
    // Replies first: a reply quotes the message it answers.
    const names = {
      firstReply: `titled “Quarterly ${tag}”`,
      secondReply: `You said: “What about invoices ${tag}?”`,
      thirdReply: `titled “Bericht ${tag}”`,
      fourthReply: `You said: “Und die Rechnungen ${tag}?”`,
      first: `/approve Quarterly ${tag}`,
      second: `What about invoices ${tag}?`,
      third: `/approve Bericht ${tag}`,
      fourth: `Und die Rechnungen ${tag}?`,
    };
    expect(readOrder(await collectRows(page), names)).toEqual(['first', 'run', 'firstReply', 'second', 'run', 'secondReply']);

    await expectAccessible(page, 'replies placed with what they answer');

    // German, in the dark theme: the same, in German words.
    await page.emulateMedia({ colorScheme: 'dark' });
    await switchLanguage(page, 'de');
    const box = page.getByRole('combobox', { name: de.composer.label });
    await box.fill(`/approve Bericht ${tag}`);
    await box.press('Enter');
    const thirdCard = list.locator('section[aria-label]').nth(2);
    await expect(thirdCard.getByRole('status').first()).toHaveText('Wartet auf Ihre Freigabe');
    await box.fill(`Und die Rechnungen ${tag}?`);
    await box.press('Enter');
    await expect(queued.last()).toHaveText('Eingereiht – Demo Agent beantwortet dies nach der ausstehenden Freigabe');
    await thirdCard.getByRole('button', { name: 'Freigeben' }).click();
    await expect(list.locator('section[aria-label]')).toHaveCount(4);
    await expect(list.locator('section[aria-label]').nth(3).getByRole('status').first()).toHaveText('Hat geantwortet');
    expect(readOrder(await collectRows(page), names)).toEqual([
      'first',
      'run',
      'firstReply',
      'second',
      'run',
      'secondReply',
      'third',
      'run',
      'thirdReply',
      'fourth',
      'run',
      'fourthReply',
    ]);
    await expectAccessible(page, 'replies placed with what they answer, in German and dark');
  });
});
