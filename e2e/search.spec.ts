import { expect, test } from './fixtures/alice-and-bob.ts';
import { ALICE, conversation, rowsWith, scroller, seedMessages, signIn, syncHealth } from './support/inbox.ts';

/**
 * Search (CONTRACT §11, the inbox's Ctrl/⌘+K): a message deep in a long thread is found as
 * one types, and opening it loads older pages until it is there, in view and highlighted.
 */

/** Messages on each side of the one searched for: it sits pages away from both ends. */
const MESSAGES_AROUND = 1_500;

test('Ctrl+K finds a message in the middle of a 3,000-message thread; opening it shows it in place, highlighted', async ({
  page,
  baseURL,
  bob,
  tag,
  startThread,
}) => {
  test.setTimeout(240_000);
  const thread = await startThread('Search');
  const filler = (half: string) => Array.from({ length: MESSAGES_AROUND }, (_, i) => `Search ${tag} ${half} filler ${i + 1}.`);
  // One word no other message has (a word is a run of letters and digits): the tag makes it unique to this run.
  const word = `zebra${tag}`;
  const needle = `The ${word} invoice went out on Tuesday`;
  await seedMessages(baseURL!, bob.me.token, thread.id, filler('older'));
  await bob.send(thread.id, needle);
  await seedMessages(baseURL!, bob.me.token, thread.id, filler('newer'));

  await signIn(page, ALICE);
  await page.keyboard.press('ControlOrMeta+k');
  const dialog = page.getByRole('dialog', { name: 'Search messages, notes and threads' });
  await expect(dialog).toBeVisible();
  const field = dialog.getByRole('combobox', { name: 'Search' });
  await expect(field).toBeFocused();
  // A prefix of the word is enough: results follow typing.
  await field.pressSequentially(word.slice(0, -2));
  const results = dialog.getByRole('listbox', { name: 'Results' }).getByRole('option');
  await expect(results).toHaveCount(1, { timeout: 20_000 });
  await expect(results.first()).toContainText(needle);
  await expect(results.first()).toContainText(`in ${thread.title}`);
  await expect(results.first().locator('mark')).toHaveText([word]);
  await expect(dialog.getByRole('status')).toHaveText('1 result');

  await field.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(conversation(page).getByRole('heading', { name: thread.title })).toBeVisible();
  await expect(syncHealth(page)).toHaveText('Synced', { timeout: 20_000 });
  // The message, in the middle of its neighbours, on screen and marked as the hit.
  const hit = scroller(page).locator('[data-search-hit]');
  await expect(hit).toHaveCount(1, { timeout: 60_000 });
  await expect(hit).toContainText(needle);
  await expect(hit).toBeInViewport();
  await expect(rowsWith(page, needle)).toHaveCount(1);
  await expect(rowsWith(page, `Search ${tag} newer filler ${MESSAGES_AROUND}.`)).toHaveCount(0);
});
