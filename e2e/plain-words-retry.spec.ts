import type { Locator, Page, Route } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import { ALICE, openThread, scroller, signIn, write, type UserApi } from './support/inbox.ts';
import { expectAccessible } from './support/axe.ts';

/**
 * Issue 23 item 4: Retry on a failed agent run, read off the page in English and German.
 * Real server, real Chromium; the demo agent's `/fail` fails every attempt (retryable).
 */

const CATALOGS = { en, de } as const;
const RETRY_PATH = /\/api\/v1\/chat\/threads\/[^/]+\/runs\/[^/]+\/retry$/;
/** A thread's log read (catch-up). */
const EVENTS_PATH = /\/api\/v1\/chat\/threads\/[^/]+\/events(\?|$)/;

/** Switches the inbox's language in the sidebar. */
async function switchLanguage(page: Page, language: 'en' | 'de'): Promise<void> {
  if (language === 'en') return;
  await page.getByLabel(en.shell.languageLabel).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

const runCards = (page: Page, t: typeof en) => scroller(page).getByRole('region', { name: t.runs.cardLabel('Demo Agent') });

/** The ids of the thread's failed runs, in the order they failed (from the durable log). */
async function failedRunIds(alice: UserApi, threadId: string): Promise<string[]> {
  return (await alice.events(threadId)).filter((event) => event.event_type === 'run_failed').map((event) => String(event.data.run_id));
}

/** axe over the page in light and in dark. */
async function expectAccessibleInBoth(page: Page, label: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectAccessible(page, `${label}, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** A card's retry status line (a live region, announced to screen readers). */
const retryStatus = (card: Locator, text: string) => card.getByRole('status').filter({ hasText: text });

for (const language of ['en', 'de'] as const) {
  const t = CATALOGS[language];

  test.describe(`Retry in ${language}`, () => {
    test('Retry reads “Retrying…” and takes no second press; the new attempt replaces the card, the failed one stays reachable', async ({
      page,
      alice,
      startThread,
    }) => {
      test.setTimeout(90_000);
      const thread = await startThread('Retry words', { agent: true });
      await signIn(page, ALICE);
      await openThread(page, thread.title);
      await write(page, `/fail please ${thread.title}`);
      await switchLanguage(page, language);

      const cards = runCards(page, t);
      await expect(cards).toHaveCount(1);
      const failure = t.runError('upstream_error', 'The demo agent failed on purpose (/fail).');
      await expect(cards.first()).toContainText(failure);

      // Hold the retry request (briefly: the inbox gives up on a request after 15 s), so what
      // the page shows while it is under way stays on screen.
      const requests: Route[] = [];
      await page.route(RETRY_PATH, (route) => void requests.push(route));
      await cards.first().getByRole('button', { name: t.runs.retry, exact: true }).click();
      const retrying = cards.first().getByRole('button', { name: t.runs.retrying });
      await expect(retrying).toBeDisabled();
      await expect(retrying).toBeFocused();
      await expect(retryStatus(cards.first(), t.runs.retrying)).toHaveText(t.runs.retrying);
      // A second press (the focus is still on the button) asks nothing more.
      await page.keyboard.press('Enter');
      await expect.poll(() => requests.length).toBe(1);

      await requests[0]!.continue();
      await page.unroute(RETRY_PATH);

      // One card, where the failed one was: the new attempt (it fails too, as /fail does).
      const toggle = cards.first().getByRole('button', { name: `${t.runs.earlierAttempts(1)} · ${t.runs.show}` });
      await expect(toggle).toBeVisible();
      await expect(cards).toHaveCount(1);
      await expect(cards.first().getByRole('button', { name: t.runs.retry, exact: true })).toBeEnabled();
      await expect(toggle).toBeFocused();
      expect(requests).toHaveLength(1);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(2);

      // The earlier attempt, by keyboard.
      await page.keyboard.press('Enter');
      await expect(cards.first().getByRole('button', { name: `${t.runs.earlierAttempts(1)} · ${t.runs.hide}` })).toHaveAttribute(
        'aria-expanded',
        'true',
      );
      await expect(
        cards
          .first()
          .getByRole('listitem')
          .filter({ hasText: t.runs.attemptFailed(1, failure) }),
      ).toBeVisible();
      await expectAccessibleInBoth(page, `a retried run card with its earlier attempt (${language})`);
    });

    test('a retry refused offline, then because it was retried elsewhere, says so in words; Retry comes back only when it can work', async ({
      page,
      context,
      request,
      alice,
      startThread,
    }) => {
      test.setTimeout(90_000);
      const thread = await startThread('Retry refused', { agent: true });
      await signIn(page, ALICE);
      await openThread(page, thread.title);
      await write(page, `/fail please ${thread.title}`);
      await switchLanguage(page, language);
      const card = runCards(page, t).first();
      await expect(card.getByRole('button', { name: t.runs.retry, exact: true })).toBeVisible();
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(1);
      const [runId] = await failedRunIds(alice, thread.id);

      // Offline, the press cannot reach the server: the card says so, and Retry waits for the connection.
      await context.setOffline(true);
      await card.getByRole('button', { name: t.runs.retry, exact: true }).click();
      await expect(retryStatus(card, t.runs.retryRefused.offline)).toBeVisible();
      await expect(retryStatus(card, t.runs.retryRefused.offline)).toBeFocused();
      await expect(card.getByRole('button', { name: t.runs.retry, exact: true })).toHaveCount(0);

      // Meanwhile someone retries the run elsewhere (another tab, the REST API), and that attempt ends.
      const retried = await request.post(`/api/v1/chat/threads/${thread.id}/runs/${runId}/retry`, {
        headers: { authorization: `Bearer ${alice.me.token}` },
      });
      expect(retried.status(), await retried.text()).toBe(202);
      await expect.poll(async () => (await failedRunIds(alice, thread.id)).length).toBe(2);

      // Back online, this tab has not read the log again yet (its reads are held): it does not know.
      const reads: Route[] = [];
      await page.route(EVENTS_PATH, (route) => void reads.push(route));
      await context.setOffline(false);
      const again = card.getByRole('button', { name: t.runs.retry, exact: true });
      await expect(again).toBeVisible();
      const answer = page.waitForResponse(RETRY_PATH);
      await again.click();
      expect((await answer).status()).toBe(409);
      await expect(retryStatus(card, t.runs.retryRefused.conflict)).toBeVisible();
      await expect(retryStatus(card, t.runs.retryRefused.conflict)).toBeFocused();
      // Retrying this run can no longer work: no button to press.
      await expect(card.getByRole('button', { name: t.runs.retry, exact: true })).toHaveCount(0);
      await expect(card.getByRole('button', { name: t.runs.retrying })).toHaveCount(0);
      await expectAccessibleInBoth(page, `a refused retry (${language})`);

      // Once it reads the log, the card is the attempt that replaced this run, as it would be
      // had the tab seen it live: the earlier attempt inside it, and its own Retry.
      await page.unroute(EVENTS_PATH);
      for (const read of reads) await read.continue().catch(() => undefined);
      await expect(card.getByRole('button', { name: `${t.runs.earlierAttempts(1)} · ${t.runs.show}` })).toBeVisible();
      await expect(card.getByRole('button', { name: t.runs.retry, exact: true })).toBeEnabled();
    });
  });
}
