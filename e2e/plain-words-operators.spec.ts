import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import { ALICE, conversation, rowsWith, signIn, threadButton, uniqueTag } from './support/inbox.ts';
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
