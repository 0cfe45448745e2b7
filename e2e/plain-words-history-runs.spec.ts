import type { APIRequestContext, Locator, Page, Route } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en, type InboxStrings } from '../src/i18n/catalog-en.ts';
import { expectAccessible } from './support/axe.ts';
import { scroller, type UserApi, signInAs } from './support/inbox.ts';
import { MIN_TARGET, PHONE, smallTargets, targetsIn } from './support/touch-targets.ts';

/**
 * Issue 23 item 4, after a reload: a failed agent run rebuilt from the thread's log (its
 * `run_failed` and other durable events) shows the card the live run showed, in words, with a
 * working Retry; retried attempts fold into one card there too. Real server, real Chromium,
 * English and German; the demo agent's `/fail` fails every attempt (retryable).
 */

const FAILURE_MESSAGE = 'The demo agent failed on purpose (/fail).';
const RETRY_PATH = /\/api\/v1\/chat\/threads\/[^/]+\/runs\/[^/]+\/retry$/;
/** What the server's `run_failed` says of a run stopped by a take-over (CONTRACT §11). */
const TAKEN_OVER_MESSAGE = 'A person took this conversation over; the agent stopped.';

async function openThread(page: Page, t: InboxStrings, title: string): Promise<void> {
  await page.getByRole('navigation', { name: t.threadList.label }).getByRole('button', { name: title }).click();
  await expect(page.getByRole('region', { name: t.thread.conversation }).getByRole('heading', { name: title })).toBeVisible();
}

async function writeMessage(page: Page, t: InboxStrings, text: string): Promise<void> {
  const box = page.getByRole('combobox', { name: t.composer.label });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

const runCards = (page: Page, t: InboxStrings) => scroller(page).getByRole('region', { name: t.runs.cardLabel('Demo Agent') });
const retryButton = (card: Locator, t: InboxStrings) => card.getByRole('button', { name: t.runs.retry, exact: true });

/** The ids of the thread's failed runs, in the order they failed (from the durable log). */
async function failedRunIds(alice: UserApi, threadId: string): Promise<string[]> {
  return (await alice.events(threadId)).filter((event) => event.event_type === 'run_failed').map((event) => String(event.data.run_id));
}

/** Alice takes the thread over (CONTRACT §11): its run stops, its pending approval expires. */
async function takeOver(request: APIRequestContext, alice: UserApi, threadId: string): Promise<void> {
  const response = await request.post(`/api/v1/chat/threads/${threadId}/takeover`, {
    headers: { authorization: `Bearer ${alice.me.token}` },
    data: {},
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** What a person reads on a failed run's card: its first line (agent and status), what failed, and its buttons. */
async function cardWords(card: Locator, t: InboxStrings, failure: string) {
  await expect(card.getByText(failure, { exact: true })).toBeVisible();
  return {
    headline: (await card.locator('p').first().innerText()).trim(),
    failure: (await card.getByText(failure, { exact: true }).innerText()).trim(),
    retry: await retryButton(card, t).isEnabled(),
    buttons: (await card.getByRole('button').allInnerTexts()).map((text) => text.trim()),
  };
}

/** axe over the page in light and in dark. */
async function expectAccessibleInBoth(page: Page, label: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectAccessible(page, `${label}, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

for (const [language, t, locale] of [
  ['English', en, 'en-US'],
  ['German', de, 'de-DE'],
] as const) {
  const failure = t.runError('upstream_error', FAILURE_MESSAGE);

  test.describe(`a failed run from history, in ${language}`, () => {
    test.use({ locale });

    test('after a reload the failed run has the card it had live, and its Retry works; the retried attempts fold there too', async ({
      page,
      alice,
      startThread,
    }) => {
      test.setTimeout(90_000);
      const thread = await startThread(`History retry ${language}`, { agent: true });
      await signInAs(page, t);
      await openThread(page, t, thread.title);
      await writeMessage(page, t, `/fail please ${thread.title}`);

      const cards = runCards(page, t);
      await expect(cards).toHaveCount(1);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(1);
      const live = await cardWords(cards.first(), t, failure);
      expect(live).toMatchObject({ headline: `Demo Agent ${t.runs.status.failed}`, failure, retry: true });

      await page.reload();
      await expect(cards).toHaveCount(1);
      expect(await cardWords(cards.first(), t, failure)).toEqual(live);
      await expectAccessibleInBoth(page, `a failed run after a reload (${language})`);

      // Retry, from the rebuilt card: it says so, then the new attempt (it fails too) takes the card's place.
      const requests: Route[] = [];
      await page.route(RETRY_PATH, (route) => void requests.push(route));
      await retryButton(cards.first(), t).click();
      await expect(cards.first().getByRole('button', { name: t.runs.retrying })).toBeFocused();
      await expect.poll(() => requests.length).toBe(1);
      await requests[0]!.continue();
      await page.unroute(RETRY_PATH);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(2);
      const toggle = (state: string) => cards.first().getByRole('button', { name: `${t.runs.earlierAttempts(1)} · ${state}` });
      await expect(toggle(t.runs.show)).toBeVisible();
      await expect(cards).toHaveCount(1);
      const retried = await cardWords(cards.first(), t, failure);

      // Reloaded once more, the two attempts read as they did live: one card, the earlier one inside it.
      await page.reload();
      await expect(toggle(t.runs.show)).toBeVisible();
      await expect(cards).toHaveCount(1);
      expect(await cardWords(cards.first(), t, failure)).toEqual(retried);
      await toggle(t.runs.show).click();
      await expect(
        cards
          .first()
          .getByRole('listitem')
          .filter({ hasText: t.runs.attemptFailed(1, failure) }),
      ).toBeVisible();
      await expectAccessibleInBoth(page, `a retried run after a reload (${language})`);
    });

    test('a run stopped by a take-over before the thread was opened says so in words, with its expired approval and no Retry', async ({
      page,
      request,
      alice,
      startThread,
    }) => {
      test.setTimeout(90_000);
      const thread = await startThread(`History take-over ${language}`, { agent: true });
      await alice.send(thread.id, `/approve Quarterly report ${thread.title}`);
      await expect.poll(async () => (await alice.events(thread.id)).some((event) => event.event_type === 'approval_pending')).toBe(true);
      await takeOver(request, alice, thread.id);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(1);

      await signInAs(page, t);
      await openThread(page, t, thread.title);
      const card = runCards(page, t).first();
      const stopped = t.runError('taken_over', TAKEN_OVER_MESSAGE);
      await expect(card.getByText(stopped, { exact: true })).toBeVisible();
      await expect(card.locator('p').first()).toHaveText(`Demo Agent ${t.runs.status.failed}`);
      await expect(card.getByRole('list', { name: t.runs.approvals })).toContainText(t.runs.outcomeExpired);
      await expect(card.getByRole('button', { name: t.runs.approve })).toHaveCount(0);
      await expect(retryButton(card, t)).toHaveCount(0);
      await expectAccessibleInBoth(page, `a run stopped by a take-over, from the log (${language})`);
    });

    test('on a phone, a thread opened after its run failed shows the card with a Retry of at least 44 × 44 that starts a new run', async ({
      page,
      alice,
      startThread,
    }) => {
      test.setTimeout(90_000);
      await page.setViewportSize(PHONE);
      const thread = await startThread(`History phone ${language}`, { agent: true });
      // The run fails before the inbox is even open: only the log can tell of it.
      await alice.send(thread.id, `/fail please ${thread.title}`);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(1);

      await signInAs(page, t);
      await openThread(page, t, thread.title);
      const card = runCards(page, t).first();
      expect(await cardWords(card, t, failure)).toMatchObject({ headline: `Demo Agent ${t.runs.status.failed}`, failure, retry: true });
      const box = (await retryButton(card, t).boundingBox())!;
      expect(Math.min(box.width, box.height), 'Retry target, px').toBeGreaterThanOrEqual(MIN_TARGET);

      await retryButton(card, t).click();
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(2);
      await expect(card.getByRole('button', { name: `${t.runs.earlierAttempts(1)} · ${t.runs.show}` })).toBeVisible();
      // Every target of the card, its steps open: the toggles, Details and Retry.
      const steps = card.getByRole('button', { name: t.runs.steps });
      if ((await steps.getAttribute('aria-expanded')) === 'false') await steps.click();
      await expect(card.locator('summary').first()).toBeVisible();
      const small = smallTargets(await targetsIn(card)).map(
        ({ name, width, height }) => `${name}: ${Math.round(width)} × ${Math.round(height)}`,
      );
      expect(small, 'targets in the run card under 44 × 44 px').toEqual([]);
      await expectAccessibleInBoth(page, `a failed run opened on a phone (${language})`);
    });
  });
}
