import type { APIRequestContext, Page } from '@playwright/test';
import { de } from '../src/i18n/catalog-de.ts';
import { en, type InboxStrings } from '../src/i18n/catalog-en.ts';
import { notificationsDe } from '../src/i18n/catalog-notifications-de.ts';
import { notificationsEn, type NotificationStrings } from '../src/i18n/catalog-notifications-en.ts';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { expectAccessible } from './support/axe.ts';
import { rowsWith, seedMessages, signInAs, type UserApi } from './support/inbox.ts';
import { MIN_TARGET, PHONE, smallTargets, targetsIn } from './support/touch-targets.ts';

/**
 * Issue 18, the inbox's notifications panel (CONTRACT §12 "In the app"), against the real
 * server: Bob mentions Alice, then writes twice more (`message` is in the app by default, one
 * unread per thread, updated in place); her bell shows the count live in two tabs (the second
 * one a follower of the shared socket), the update not counted again; the panel lists the
 * server's exact title and body ("2 new messages from Bob"); opening the mention opens the
 * thread at that message and lowers both tabs' counts; "Mark all as read" clears both. In
 * English and German (the titles too, in the language of Alice's notification settings), axe
 * clean in light and dark, and on a phone.
 */

interface ListedNotification {
  id: string;
  kind: string;
  thread_id: string;
  thread_seq: number;
  title: string;
  body: string;
  read_at: string | null;
}

const auth = (user: UserApi) => ({ authorization: `Bearer ${user.me.token}` });

/** Alice's notifications as the server lists them (newest first). */
async function listed(request: APIRequestContext, user: UserApi): Promise<ListedNotification[]> {
  const response = await request.get('/api/v1/me/notifications?limit=100', { headers: auth(user) });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { notifications: ListedNotification[] }).notifications;
}

/** Earlier specs leave notifications behind: each test starts with none unread. */
async function readAll(request: APIRequestContext, user: UserApi): Promise<void> {
  const response = await request.post('/api/v1/me/notifications/read', { headers: auth(user), data: { all: true } });
  expect(response.status(), await response.text()).toBe(200);
}

/** Sets the language the server writes the user's notifications in. */
async function notifyIn(request: APIRequestContext, user: UserApi, language: 'en' | 'de'): Promise<void> {
  const current = await request.get('/api/v1/me/notification-settings', { headers: auth(user) });
  expect(current.status()).toBe(200);
  const saved = await request.put('/api/v1/me/notification-settings', {
    headers: auth(user),
    data: { ...((await current.json()) as object), language },
  });
  expect(saved.status(), await saved.text()).toBe(200);
}

const bell = (page: Page, n: NotificationStrings, count: number) => page.getByRole('button', { name: n.bell.label(count), exact: true });

async function openTab(page: Page, t: InboxStrings): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('navigation', { name: t.threadList.label })).toBeVisible();
}

for (const [language, t, n, locale, code, newMessageFrom, twoFrom, mentioned] of [
  ['English', en, notificationsEn, 'en-US', 'en', 'New message from Bob', '2 new messages from Bob', 'Bob mentioned you'],
  ['German', de, notificationsDe, 'de-DE', 'de', 'Neue Nachricht von Bob', '2 neue Nachrichten von Bob', 'Bob hat Sie erwähnt'],
] as const satisfies readonly (readonly [string, InboxStrings, NotificationStrings, string, 'en' | 'de', string, string, string])[]) {
  test.describe(`the notifications panel, in ${language}`, () => {
    test.use({ locale });
    // Two tabs, sixty messages seeded and axe twice: longer than the default minute.
    test.setTimeout(120_000);
    test.afterEach(async ({ request, alice }) => notifyIn(request, alice, 'en'));

    test('the count live in two tabs, the exact words, open at the message, mark all as read; axe light and dark', async ({
      page,
      context,
      request,
      baseURL,
      alice,
      bob,
      tag,
      startThread,
    }) => {
      await readAll(request, alice);
      await notifyIn(request, alice, code);
      const thread = await startThread(`Notify ${language}`);
      await signInAs(page, t);
      const other = await context.newPage();
      await openTab(other, t);
      for (const tab of [page, other]) await expect(bell(tab, n, 0)).toBeVisible();

      // Bob mentions Alice; Alice's own messages between push it far up the thread.
      const first = await bob.send(thread.id, `First from Bob ${tag}`, [alice]);
      await seedMessages(
        baseURL!,
        alice.me.token,
        thread.id,
        Array.from({ length: 60 }, (_, i) => `Alice line ${i} ${tag}`),
      );
      await bob.send(thread.id, `Second from Bob ${tag}`);
      for (const tab of [page, other]) await expect(bell(tab, n, 2)).toBeVisible();
      const messageOf = async () => (await listed(request, alice)).find((item) => item.thread_id === thread.id && item.kind === 'message');
      expect((await messageOf())?.title).toBe(newMessageFrom);
      const third = await bob.send(thread.id, `Third from Bob ${tag}`);
      // The same unread `message` notification, updated: the count does not grow.
      await expect.poll(async () => (await messageOf())?.thread_seq).toBe(third.thread_seq);
      for (const tab of [page, other]) {
        await expect(bell(tab, n, 2)).toBeVisible();
        await expect(bell(tab, n, 2).getByTestId('notification-badge')).toHaveText('2');
      }

      // The server's words, exactly, newest first.
      const mine = (await listed(request, alice)).filter((item) => item.thread_id === thread.id);
      expect(mine.map((item) => [item.kind, item.title, item.body])).toEqual([
        ['message', twoFrom, `Third from Bob ${tag}`],
        ['mention', mentioned, `First from Bob ${tag}`],
      ]);
      expect(mine[1]!.thread_seq).toBe(first.thread_seq);

      await bell(page, n, 2).click();
      const panel = page.getByRole('dialog', { name: n.panel.title });
      await expect(panel).toBeVisible();
      await expect(panel.getByRole('heading', { name: n.panel.title })).toBeFocused();
      const items = panel.getByRole('listitem');
      // This test's thread is listed twice (the mention, the one message notification); earlier tests' read ones follow.
      await expect(items.filter({ hasText: tag })).toHaveCount(2);
      await expect(items.first()).toContainText(`Third from Bob ${tag}`);
      await expect(items.first()).toContainText(twoFrom);
      await expect(items.first()).toContainText(n.kinds.message!);
      const firstItem = items.filter({ hasText: `First from Bob ${tag}` });
      await expect(firstItem).toContainText(mentioned);
      await expect(firstItem).toContainText(n.kinds.mention!);
      await expect(firstItem).toContainText(n.panel.unread);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await expectAccessible(page, `notifications panel, ${language}, ${colorScheme}`);
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // Opening the first one: its thread, at that message; read in both tabs.
      await firstItem.getByRole('button').click();
      await expect(panel).toBeHidden();
      await expect(page).toHaveURL(new RegExp(`#/thread/${thread.id}$`));
      await expect(rowsWith(page, `First from Bob ${tag}`)).toBeInViewport();
      for (const tab of [page, other]) await expect(bell(tab, n, 1)).toBeVisible();
      expect(
        (await listed(request, alice)).find((item) => item.thread_seq === first.thread_seq && item.thread_id === thread.id)?.read_at,
      ).not.toBeNull();

      // Mark all as read, from the other tab this time: both counts go to none.
      await bell(other, n, 1).click();
      const otherPanel = other.getByRole('dialog', { name: n.panel.title });
      await expect(otherPanel.getByRole('listitem').first()).toContainText(`Third from Bob ${tag}`);
      await otherPanel.getByRole('button', { name: n.panel.markAll }).click();
      await expect(otherPanel.getByText(n.panel.unread, { exact: true })).toHaveCount(0);
      for (const tab of [page, other]) await expect(bell(tab, n, 0)).toBeVisible();
      expect((await listed(request, alice)).filter((item) => item.read_at === null)).toEqual([]);

      // "Unread only" now lists none; Esc closes and gives focus back to the bell.
      await otherPanel.getByLabel(n.panel.unreadOnly).check();
      await expect(otherPanel.getByText(n.panel.emptyUnread)).toBeVisible();
      await other.keyboard.press('Escape');
      await expect(otherPanel).toBeHidden();
      await expect(bell(other, n, 0)).toBeFocused();
    });
  });
}

test.describe('the notifications panel on a phone', () => {
  test.use({ viewport: PHONE });

  test('the bell and the panel’s buttons are 44 × 44 px, and the panel fits 390 px', async ({
    page,
    request,
    alice,
    bob,
    tag,
    startThread,
  }) => {
    await readAll(request, alice);
    const thread = await startThread('Notify phone');
    await signInAs(page, en);
    await bob.send(thread.id, `Phone note ${tag}`);
    const button = bell(page, notificationsEn, 1);
    await expect(button).toBeVisible();
    const bellBox = (await button.boundingBox())!;
    expect(Math.min(bellBox.width, bellBox.height)).toBeGreaterThanOrEqual(MIN_TARGET);
    await button.click();
    const panel = page.getByRole('dialog', { name: notificationsEn.panel.title });
    await expect(panel.getByRole('listitem').first()).toContainText(`Phone note ${tag}`);
    // The "Unread only" checkbox is reached through its label, which is the 44 px target.
    const targets = (await targetsIn(panel)).filter((target) => target.name !== 'INPUT');
    expect(smallTargets(targets), 'targets under 44 × 44 px').toEqual([]);
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'notifications panel on a phone');
  });
});
