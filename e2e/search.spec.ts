import { expect, test } from './fixtures/alice-and-bob.ts';
import {
  ALICE,
  conversation,
  expectSyncedTo,
  rowsWith,
  scroller,
  seedMessages,
  signIn,
  syncHealth,
  type UserApi,
} from './support/inbox.ts';

/**
 * Search (CONTRACT §11, the inbox's Ctrl/⌘+K): a message deep in a long thread is found as
 * one types, and opening it reads the window around it in one request (the log is dense,
 * CONTRACT §5), shows it in view, highlighted and focused, and reads on from there.
 */

/** Bob writes `older`, then `needle`, then `newer`, so the needle sits in the middle of the thread; its seq. */
async function seedAroundNeedle(
  baseURL: string,
  bob: UserApi,
  threadId: string,
  older: string[],
  needle: string,
  newer: string[],
): Promise<number> {
  await seedMessages(baseURL, bob.me.token, threadId, older);
  const { thread_seq: seq } = await bob.send(threadId, needle);
  await seedMessages(baseURL, bob.me.token, threadId, newer);
  return seq;
}

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
  await seedAroundNeedle(baseURL!, bob, thread.id, filler('older'), needle, filler('newer'));

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
  await expect(hit).toBeFocused();
  await expect(rowsWith(page, `Search ${tag} newer filler ${MESSAGES_AROUND}.`)).toHaveCount(0);

  // Back to the newest messages in one step.
  await conversation(page).getByRole('button', { name: 'Jump to latest' }).click();
  await expect(rowsWith(page, `Search ${tag} newer filler ${MESSAGES_AROUND}.`)).toBeVisible({ timeout: 20_000 });
  await expect(conversation(page).getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);
});

/**
 * 10,000 messages, the one searched for in the middle: 25 windows from either end, which the
 * old paging from the latest would have read one by one. The 50,000 are measured by
 * `npm run bench:ui` (its search row), where seeding them does not cost every CI run minutes.
 */
const BIG_HALF = 5_000;
/** CONTRACT §5: the most one poll answers, and the window opened around a result. */
const POLL_LIMIT_MAX = 200;

test('opening a result in the middle of a 10,000-message thread reads one window; scrolling down joins the live end with no gap', async ({
  page,
  baseURL,
  bob,
  tag,
  startThread,
}) => {
  test.setTimeout(300_000);
  const thread = await startThread('Search 10k');
  const filler = (half: string, count: number) => Array.from({ length: count }, (_, i) => `Big ${tag} ${half} ${i + 1}.`);
  const word = `okapi${tag}`;
  const needle = `The ${word} parcel is in the middle`;
  const hitSeq = await seedAroundNeedle(baseURL!, bob, thread.id, filler('older', BIG_HALF), needle, filler('newer', BIG_HALF - 1));
  const lastSeq = (await bob.thread(thread.id)).last_seq;
  expect(lastSeq).toBeGreaterThanOrEqual(2 * BIG_HALF);

  // Every read of the thread's log the page makes.
  const historyReads: URL[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith(`/chat/threads/${thread.id}/events`)) historyReads.push(url);
  });
  await signIn(page, ALICE);
  await page.keyboard.press('ControlOrMeta+k');
  const dialog = page.getByRole('dialog', { name: 'Search messages, notes and threads' });
  await dialog.getByRole('combobox', { name: 'Search' }).pressSequentially(word);
  const results = dialog.getByRole('listbox', { name: 'Results' }).getByRole('option');
  await expect(results).toHaveCount(1, { timeout: 20_000 });
  await page.keyboard.press('Enter');

  const hit = scroller(page).locator('[data-search-hit]');
  await expect(hit).toContainText(needle, { timeout: 30_000 });
  await expect(hit).toBeInViewport();
  await expect(hit).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Showing the message found by search.' })).toHaveCount(1);
  // One history request loaded the window around it: 100 events before it, 200 in all.
  expect(historyReads.map((url) => [url.searchParams.get('last_thread_seq'), url.searchParams.get('limit')])).toEqual([
    [String(hitSeq - POLL_LIMIT_MAX / 2 - 1), String(POLL_LIMIT_MAX)],
  ]);
  await expect(rowsWith(page, `Big ${tag} newer ${BIG_HALF - 1}.`)).toHaveCount(0);

  // Down to the live end: each page starts where the last one ended, until the window joins it.
  const jumpToLatest = conversation(page).getByRole('button', { name: 'Jump to latest' });
  await expect(jumpToLatest).toBeVisible();
  await expect(async () => {
    await scroller(page).evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect(jumpToLatest).toHaveCount(0, { timeout: 250 });
  }).toPass({ timeout: 180_000 });
  // Then, joined, one catch-up from the end for what came meanwhile.
  const after = historyReads.map((url) => Number(url.searchParams.get('last_thread_seq')));
  expect(after.at(-1)).toBe(lastSeq);
  after.slice(1, -1).forEach((seq, i) => expect(seq).toBe(hitSeq - POLL_LIMIT_MAX / 2 - 1 + (i + 1) * POLL_LIMIT_MAX));
  await scroller(page).evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  await expect(rowsWith(page, `Big ${tag} newer ${BIG_HALF - 1}.`)).toBeVisible();
  await expectSyncedTo(page, lastSeq);

  // Live from here: a new message shows once, right after the last one, and the log is dense.
  const live = `Live after the search ${tag}`;
  const sent = await bob.send(thread.id, live);
  expect(sent.thread_seq).toBe(lastSeq + 1);
  await expect(rowsWith(page, live)).toBeVisible({ timeout: 20_000 });
  await expect(rowsWith(page, live)).toHaveCount(1);
  await expect(rowsWith(page, `Big ${tag} newer ${BIG_HALF - 1}.`)).toHaveCount(1);
  await expectSyncedTo(page, sent.thread_seq);
  const lastTwo = await scroller(page)
    .locator('[data-row-kind="message"]')
    .evaluateAll((rows) => rows.slice(-2).map((row) => (row as HTMLElement).innerText));
  expect(lastTwo[0]).toContain(`Big ${tag} newer ${BIG_HALF - 1}.`);
  expect(lastTwo[1]).toContain(live);
});
