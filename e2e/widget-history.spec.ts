import { expect, test, type Locator } from '@playwright/test';
import { historyWords } from '../widget/panel/history-words.ts';
import { stringsFor } from '../widget/panel/testing/strings.ts';
import { expectAccessible } from './support/axe.ts';
import { uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, demoReplyTo, launcher, panel, visitorRecord } from './support/host-page.ts';

/**
 * Issue 23, item 8, read as a visitor on a 390 × 844 phone, in English and German: "New
 * conversation" asks first (Cancel keeps the conversation, and the focus goes back), starting
 * over keeps the earlier conversation under "Earlier conversations" (GET /chat/public/{slug}/threads),
 * which opens it again with its messages; every target is at least 44 × 44 px; axe stays clean,
 * light and dark.
 */

const PHONE = { width: 390, height: 844 };
/** WCAG 2.5.5's target size, in CSS px. */
const MIN_TARGET = 44;
/** A demo reply and a fresh conversation arrive within this. */
const ARRIVAL_MS = 20_000;

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

/** Width and height of each visible button inside `scope`, by its accessible name. */
async function buttonSizes(scope: Locator): Promise<{ name: string; width: number; height: number }[]> {
  return scope.evaluate((root) =>
    [...root.querySelectorAll<HTMLElement>('button')]
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '', width: box.width, height: box.height };
      }),
  );
}

async function expectFingerSized(scope: Locator): Promise<void> {
  const sizes = await buttonSizes(scope);
  expect(sizes.length).toBeGreaterThan(0);
  expect(
    sizes.filter((size) => size.width < MIN_TARGET || size.height < MIN_TARGET),
    'targets under 44 × 44 px',
  ).toEqual([]);
}

for (const [language, locale] of [
  ['English', 'en'],
  ['German', 'de'],
] as const) {
  const t = stringsFor(locale);
  const words = historyWords(locale);

  test.describe(`a visitor on a phone, in ${language}`, () => {
    test.use({ viewport: PHONE });

    test('New conversation asks first; Cancel keeps the conversation; starting over keeps it under Earlier conversations', async ({
      page,
    }) => {
      const watch = new PageWatch(page);
      const tag = uniqueTag();
      await page.goto(host.page({ widget: { agent: 'demo', locale }, hostileCss: false, overlay: false }));
      await launcher(page).click();
      const chat = panel(page);
      const composer = chat.getByRole('textbox', { name: t.messageLabel });
      const conversation = chat.getByRole('region', { name: t.conversation });
      await expect(composer).toBeVisible({ timeout: ARRIVAL_MS });

      const question = `First question ${tag}`;
      await composer.fill(question);
      await composer.press('Enter');
      await expect(conversation.getByText(demoReplyTo(question))).toBeVisible({ timeout: ARRIVAL_MS });
      const first = await visitorRecord(page);
      // One conversation so far: nothing earlier to offer.
      await expect(chat.getByRole('button', { name: t.earlierConversations })).toHaveCount(0);
      await expectFingerSized(chat.locator('header'));

      // Tap "New conversation": a question, not a wiped conversation.
      const startNew = chat.getByRole('button', { name: t.newConversation });
      await startNew.click();
      const ask = chat.getByRole('alertdialog', { name: words.restartQuestion });
      await expect(ask).toBeVisible();
      await expect(ask).toHaveAccessibleDescription(words.restartKeeps);
      await expect(ask.getByRole('button', { name: words.cancel })).toBeFocused();
      await expectFingerSized(ask);
      await expectAccessible(page, `widget, ${language}: New conversation?`, { include: ['[data-ama2-chat]'] });

      // Cancel: the conversation stays, the focus goes back to the button; Escape cancels too, and the panel stays open.
      await ask.getByRole('button', { name: words.cancel }).click();
      await expect(ask).toHaveCount(0);
      await expect(startNew).toBeFocused();
      await startNew.click();
      await expect(ask).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(ask).toHaveCount(0);
      await expect(chat).toBeVisible();
      await expect(conversation.getByText(question, { exact: true })).toBeVisible();
      expect((await visitorRecord(page)).threadId).toBe(first.threadId);

      // Confirm: a new conversation, empty.
      await startNew.click();
      await ask.getByRole('button', { name: words.restartConfirm }).click();
      await expect(composer).toBeVisible({ timeout: ARRIVAL_MS });
      await expect(conversation.getByText(question, { exact: true })).toHaveCount(0);
      await expect.poll(async () => (await visitorRecord(page)).threadId).not.toBe(first.threadId);

      // The earlier conversation is listed (its last message, when, its status), and opens with its messages.
      const earlier = chat.getByRole('button', { name: t.earlierConversations });
      await expect(earlier).toBeVisible({ timeout: ARRIVAL_MS });
      await earlier.click();
      const list = chat.getByRole('region', { name: t.earlierConversations });
      await expect(list.getByRole('heading', { name: t.earlierConversations })).toBeFocused();
      const rows = list.getByRole('listitem');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(demoReplyTo(question));
      await expect(rows.first()).toContainText(words.status.open);
      await expectFingerSized(list);
      await expectAccessible(page, `widget, ${language}: Earlier conversations`, { include: ['[data-ama2-chat]'] });
      await page.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(page, `widget, ${language}, dark: Earlier conversations`, { include: ['[data-ama2-chat]'] });
      await page.emulateMedia({ colorScheme: 'light' });

      await rows.first().getByRole('button').click();
      await expect(conversation.getByText(question, { exact: true })).toBeVisible({ timeout: ARRIVAL_MS });
      await expect(conversation.getByText(demoReplyTo(question))).toBeVisible();
      await expect(composer).toBeVisible();
      expect((await visitorRecord(page)).threadId).toBe(first.threadId);
      await watch.expectClean();
    });
  });
}
