import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import {
  ALICE,
  conversation,
  openThread,
  rowsWith,
  scroller,
  signIn,
  syncHealth,
  threadButton,
  uniqueTag,
  write,
} from './support/inbox.ts';
import { expectAccessible } from './support/axe.ts';

/**
 * Issue 23, for operators: what a person reads in the inbox, in English and in German.
 * Real server, real Chromium; the words are read off the page.
 */

/** A visitor starts a conversation with the demo agent through the public API (CONTRACT §7). */
async function visitorThread(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.post('/api/v1/chat/public/demo/threads', {
    data: { email: `${name.replace(/\W/g, '')}@example.com`, name },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { thread_id: string }).thread_id;
}

/** Switches the inbox's language in the sidebar. */
async function switchLanguage(page: Page, language: 'en' | 'de'): Promise<void> {
  const label = language === 'de' ? en.shell.languageLabel : de.shell.languageLabel;
  await page.getByLabel(label).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

test.describe('every timeline line names who did it (item 5)', () => {
  test('Alice changes the answer mode of a visitor thread she is not a participant of: the line says “Alice …”', async ({
    page,
    request,
  }) => {
    const visitor = `Vera ${uniqueTag()}`;
    await visitorThread(request, visitor);
    await signIn(page, ALICE);
    await threadButton(page, visitor).click();
    await expect(conversation(page).getByRole('heading', { name: visitor })).toBeVisible();

    await conversation(page).getByLabel(en.thread.agentAnswers).selectOption('invocation_only');
    const line = rowsWith(page, 'set the thread to', 'notice');
    await expect(line).toHaveText('Alice set the thread to answer only when mentioned');
    await expectAccessible(page, 'mode change by Alice on a visitor thread');

    await switchLanguage(page, 'de');
    await expect(rowsWith(page, 'hat eingestellt', 'notice')).toHaveText(
      'Alice hat eingestellt, dass nur auf Erwähnungen geantwortet wird',
    );
  });
});

/** The text a person sees in an element: closed disclosures and hidden parts left out. */
const seen = (locator: Locator) => locator.evaluate((element) => (element as HTMLElement).innerText);

test.describe('run cards speak plain words (item 3)', () => {
  test('/tool, /approve and /escalate read as sentences in English and German; timings, raw plans, inputs and seqs wait in Details', async ({
    page,
    startThread,
  }) => {
    test.setTimeout(90_000);
    const { title } = await startThread('Plain runs', { agent: true });
    await signIn(page, ALICE);
    await openThread(page, title);
    const cards = scroller(page).locator('section[aria-label]');

    await write(page, '/tool invoices');
    await expect(cards.nth(0)).toContainText('Replied');
    await write(page, '/approve Report');
    const approval = cards.nth(1).getByRole('listitem').filter({ hasText: 'Approval' });
    await expect(approval).toContainText('Approval needed to send an email');
    await expect(approval).toContainText('to: team@example.com · subject: Report');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect(cards.nth(1)).toContainText('Replied');
    await write(page, '/escalate please');
    await expect(rowsWith(page, 'I have asked a person from the team')).toHaveCount(1);

    // What a person reads on each card, in English.
    const [lookup, email, escalation] = [cards.nth(0), cards.nth(1), cards.nth(2)];
    await expect(lookup.getByText('Plan: look up records, then reply')).toBeVisible();
    await expect(lookup.getByRole('list', { name: 'Tool calls' })).toHaveText('Looked up records');
    await expect(email.getByText('Plan: ask for approval to send an email, then reply')).toBeVisible();
    await expect(email).toContainText('Approval to send an email: Approved by Alice');
    await expect(email.getByRole('list', { name: 'Tool calls' })).toHaveText('Sent an email');
    await expect(escalation.getByText('Escalated to a person: please')).toBeVisible();
    for (const card of [lookup, email, escalation]) {
      expect(await seen(card)).not.toMatch(/First words|Total|Decided|call_tool|request_approval|escalate:|send_email|\{"|human|#\d/);
    }
    // The header says the thread is in step, without the seq (its tooltip has it).
    await expect(syncHealth(page)).toHaveText('Synced');
    await expect(syncHealth(page)).toHaveAttribute('title', /^Up to date to event #\d+$/);
    // Details has the engineer's view.
    await lookup.getByText('Details', { exact: true }).click();
    expect(await seen(lookup.locator('details'))).toMatch(/First words after \d+\.\d s · Total \d+\.\d s/);
    await expect(lookup.locator('details')).toContainText('Decided: call_tool:lookup, reply');
    await expect(lookup.locator('details').getByText('Input {"query":"invoices"}')).toBeVisible();
    await expectAccessible(page, 'run cards in plain words');

    // The same cards in German: every word translated.
    await switchLanguage(page, 'de');
    await expect(lookup.getByText('Plan: Datensätze nachschlagen, dann antworten')).toBeVisible();
    await expect(lookup.getByRole('list', { name: 'Werkzeugaufrufe' })).toHaveText('Hat Datensätze nachgeschlagen');
    await expect(email.getByText('Plan: Freigabe einholen (eine E-Mail senden), dann antworten')).toBeVisible();
    await expect(email).toContainText('Freigabe für „eine E-Mail senden“: Freigegeben von Alice');
    await expect(email.getByRole('list', { name: 'Werkzeugaufrufe' })).toHaveText('Hat eine E-Mail gesendet');
    await expect(escalation.getByText('An einen Menschen übergeben: please')).toBeVisible();
    expect(await seen(escalation)).not.toMatch(/human|Escalated|Plan: hand/);
    await expect(syncHealth(page)).toHaveText('Synchron');
    await expectAccessible(page, 'run cards in plain German words');
  });
});

test.describe('a run waiting on an approval says so (item 1)', () => {
  test('the card, the line above the composer and the thread list say “Waiting for your approval”, in English and German', async ({
    page,
    startThread,
  }) => {
    test.setTimeout(90_000);
    const { title } = await startThread('Waiting run', { agent: true });
    await signIn(page, ALICE);
    await openThread(page, title);
    const row = threadButton(page, title);
    const typingLine = conversation(page).locator('p[aria-live="off"]');

    // English. (The e2e server's approvals expire after 8 s: near expiry from the start.)
    await write(page, '/approve Quarterly');
    const card = scroller(page).locator('section[aria-label]').last();
    await expect(card.getByRole('status').first()).toHaveText('Waiting for your approval');
    await expect(typingLine).toHaveText('Demo Agent is waiting for your approval');
    await expect(row).toContainText('Approval needed');
    await expect(row).toContainText('Waiting for your approval');
    await expect(row).not.toContainText('typing');
    await expect(card.getByText(/^expires in \d+ seconds?$/)).toHaveAttribute('data-urgent', 'true');
    expect(await seen(card)).not.toContain('Writing…');
    await expectAccessible(page, 'a run waiting on an approval');
    // Left alone it expires (8 s): the run replies, and the list's mark goes.
    await expect(card.getByRole('status').first()).toHaveText('Replied', { timeout: 20_000 });
    await expect(row.getByTestId('approval-mark')).toHaveCount(0);
    await expect(typingLine).not.toContainText('approval');

    // German.
    await switchLanguage(page, 'de');
    const box = page.getByRole('combobox', { name: de.composer.label });
    await box.fill('/approve Bericht');
    await box.press('Enter');
    const second = scroller(page).locator('section[aria-label]').last();
    await expect(second.getByRole('status').first()).toHaveText('Wartet auf Ihre Freigabe');
    await expect(page.getByRole('region', { name: de.thread.conversation }).locator('p[aria-live="off"]')).toHaveText(
      'Demo Agent wartet auf Ihre Freigabe',
    );
    const rowDe = page.getByRole('navigation', { name: de.threadList.label }).getByRole('button', { name: title });
    await expect(rowDe).toContainText('Freigabe nötig');
    await expect(rowDe).toContainText('Wartet auf Ihre Freigabe');
    await second.getByRole('button', { name: 'Freigeben' }).click();
    await expect(second.getByRole('status').first()).toHaveText('Hat geantwortet');
    await expect(rowDe.getByTestId('approval-mark')).toHaveCount(0);
  });
});
