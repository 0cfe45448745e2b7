import { expect, test, type Locator, type Page } from '@playwright/test';
import { historyWords } from '../widget/panel/history-words.ts';
import { stringsFor } from '../widget/panel/testing/strings.ts';
import { leaveLine } from '../widget/panel/leave-words.ts';
import { expectAccessible } from './support/axe.ts';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, demoReplyTo, launcher, openPanel, panel, visitorRecord } from './support/host-page.ts';

/**
 * Issue 23, the last of items 8 and 9, read as a visitor on a 390 × 844 phone, in English and
 * German: closing the panel while waiting for an answer, without an email, first offers to
 * leave one ("before they leave"), once per conversation, by the close button, Escape or the
 * launcher; the email saved there reaches the owners. And a reload returns to the earlier
 * conversation the visitor was viewing, or quietly to the newest one when it cannot.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** WCAG 2.5.5's target size, in CSS px. */
const MIN_TARGET = 44;
/** A demo reply, a run's first step and a fresh conversation arrive within this. */
const ARRIVAL_MS = 20_000;

// Two conversations or several page loads each, with axe in both themes: more than the default time on a busy machine.
test.slow();
test.use({ viewport: PHONE });

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

/** Every visible button inside `scope` that is smaller than a finger, by its name and size. */
async function smallTargets(scope: Locator): Promise<{ name: string; width: number; height: number }[]> {
  return scope.evaluate((root, min) => {
    const sizes = [...root.querySelectorAll<HTMLElement>('button')]
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '', width: box.width, height: box.height };
      });
    return sizes.length === 0
      ? [{ name: '(no buttons)', width: 0, height: 0 }]
      : sizes.filter((size) => size.width < min || size.height < min);
  }, MIN_TARGET);
}

async function expectAccessibleInBothThemes(page: Page, label: string): Promise<void> {
  await expectAccessible(page, label, { include: ['[data-ama2-chat]'] });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page, `${label}, dark`, { include: ['[data-ama2-chat]'] });
  await page.emulateMedia({ colorScheme: 'light' });
}

for (const [language, locale] of [
  ['English', 'en'],
  ['German', 'de'],
] as const) {
  const t = stringsFor(locale);
  const words = historyWords(locale);
  const line = leaveLine(locale);
  const composer = (page: Page) => panel(page).getByRole('textbox', { name: t.messageLabel });
  const conversation = (page: Page) => panel(page).getByRole('region', { name: t.conversation });
  const offer = (page: Page) => panel(page).getByRole('alertdialog', { name: line });

  /** Opens the widget and writes `text`, which starts the conversation (no email given). */
  async function write(page: Page, text: string): Promise<void> {
    await openPanel(page);
    await expect(composer(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await composer(page).fill(text);
    await composer(page).press('Enter');
    await expect(composer(page)).toHaveValue('');
    await expect.poll(async () => (await visitorRecord(page)).threadId, { timeout: ARRIVAL_MS }).not.toBeNull();
  }

  /**
   * Writes, reads the agent's answer and asks for a person (CONTRACT §11): the visitor now waits
   * for one, however long (the inline offer for a person shows meanwhile, as before).
   */
  async function writeAndWait(page: Page, tag: string): Promise<void> {
    const hello = `I need a person ${tag}`;
    await write(page, hello);
    await expect(conversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: ARRIVAL_MS });
    await panel(page).getByRole('button', { name: t.talkToPerson }).click();
    await expect(conversation(page).getByText(t.waitingForPerson)).toBeVisible({ timeout: ARRIVAL_MS });
  }

  test(`${language}: closing while waiting for an answer offers to leave an email; a wrong one is said in words, a good one reaches the owners`, async ({
    page,
    request,
  }) => {
    const watch = new PageWatch(page);
    const tag = uniqueTag();
    await page.goto(host.page({ widget: { agent: 'demo', locale }, hostileCss: false, overlay: false }));
    await writeAndWait(page, tag);

    // The close button (English) or Escape (German): the panel stays, and offers instead.
    if (locale === 'en') await panel(page).getByRole('button', { name: t.close }).click();
    else await page.keyboard.press('Escape');
    await expect(offer(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(offer(page)).toContainText(line);
    const field = offer(page).getByRole('textbox', { name: t.email.label });
    await expect(field).toBeFocused();
    await expect(offer(page).getByRole('button', { name: t.email.save })).toBeVisible();
    await expect(offer(page).getByRole('button', { name: t.email.noThanks })).toBeVisible();
    await expect(panel(page)).toBeVisible();
    expect(await smallTargets(offer(page)), 'targets under 44 × 44 px').toEqual([]);
    await expectAccessibleInBothThemes(page, `widget, ${language}: the offer on leaving`);

    await field.fill('not-an-email');
    await offer(page).getByRole('button', { name: t.email.save }).click();
    await expect(offer(page).getByRole('alert')).toHaveText(t.email.invalid);
    await expect(field).toBeFocused();
    await expect(panel(page)).toBeVisible();

    const email = `leaving-${tag}@example.com`;
    await field.fill(email);
    await offer(page).getByRole('button', { name: t.email.save }).click();
    // Saved, the panel closes as the visitor asked; the focus goes back to the launcher.
    await expect(panel(page)).toBeHidden({ timeout: ARRIVAL_MS });
    await expect(launcher(page)).toBeFocused();
    const record = await visitorRecord(page);
    expect(record.email).toBe(email);
    const alice = await UserApi.login(request, ALICE);
    expect((await alice.thread(record.threadId!)).visitor).toMatchObject({ email, verified: false });

    // Opened again: the email is on record, said so, and closing just closes.
    await launcher(page).click();
    await expect(panel(page).getByText(t.email.saved(email))).toBeVisible();
    await panel(page).getByRole('button', { name: t.close }).click();
    await expect(panel(page)).toBeHidden();
    await watch.expectClean();
  });

  test(`${language}: the launcher offers it too; "No thanks" closes; offered once per conversation, also after a reload, then the launcher and Escape just close`, async ({
    page,
  }) => {
    // On a desktop: on a phone the open panel covers the launcher.
    await page.setViewportSize(DESKTOP);
    const watch = new PageWatch(page);
    const tag = uniqueTag();
    await page.goto(host.page({ widget: { agent: 'demo', locale }, hostileCss: false, overlay: false }));
    await writeAndWait(page, tag);

    await launcher(page).click();
    await expect(offer(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(offer(page).getByRole('textbox', { name: t.email.label })).toBeFocused();
    await offer(page).getByRole('button', { name: t.email.noThanks }).click();
    await expect(panel(page)).toBeHidden();
    await expect(launcher(page)).toBeFocused();
    const { threadId } = await visitorRecord(page);
    await expect.poll(async () => ((await visitorRecord(page)) as unknown as { leaveAsked: string | null }).leaveAsked).toBe(threadId);

    // Still waiting, but offered once already: closing closes, by the launcher and by Escape.
    await launcher(page).click();
    await expect(composer(page)).toBeVisible();
    await launcher(page).click();
    await expect(panel(page)).toBeHidden();
    await page.reload();
    await openPanel(page);
    await expect(composer(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await composer(page).focus();
    await page.keyboard.press('Escape');
    await expect(panel(page)).toBeHidden();
    await expect(offer(page)).toHaveCount(0);
    expect((await visitorRecord(page)).email).toBeNull();
    await watch.expectClean();
  });

  test(`${language}: a reload returns to the earlier conversation the visitor was viewing; one that cannot be resumed falls back to the newest, quietly`, async ({
    page,
  }) => {
    const watch = new PageWatch(page);
    const tag = uniqueTag();
    await page.goto(host.page({ widget: { agent: 'demo', locale }, hostileCss: false, overlay: false }));
    const first = `First question ${tag}`;
    await write(page, first);
    await expect(conversation(page).getByText(demoReplyTo(first))).toBeVisible({ timeout: ARRIVAL_MS });
    const firstThread = (await visitorRecord(page)).threadId;

    // A second conversation, then back to the first under "Earlier conversations".
    await panel(page).getByRole('button', { name: t.newConversation }).click();
    await panel(page).getByRole('alertdialog').getByRole('button', { name: words.restartConfirm }).click();
    await expect.poll(async () => (await visitorRecord(page)).threadId, { timeout: ARRIVAL_MS }).not.toBe(firstThread);
    const second = `Second question ${tag}`;
    await composer(page).fill(second);
    await composer(page).press('Enter');
    await expect(conversation(page).getByText(demoReplyTo(second))).toBeVisible({ timeout: ARRIVAL_MS });
    const secondThread = (await visitorRecord(page)).threadId;
    await panel(page).getByRole('button', { name: t.earlierConversations }).click();
    await panel(page).getByRole('region', { name: t.earlierConversations }).getByRole('listitem').first().getByRole('button').click();
    await expect(conversation(page).getByText(first, { exact: true })).toBeVisible({ timeout: ARRIVAL_MS });

    // The reload shows the first conversation again, with its messages, and the composer writes there.
    await page.reload();
    await expect(panel(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(conversation(page).getByText(first, { exact: true })).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(conversation(page).getByText(demoReplyTo(first))).toBeVisible();
    await expect(conversation(page).getByText(second, { exact: true })).toHaveCount(0);
    expect((await visitorRecord(page)).threadId).toBe(firstThread);
    await expect(panel(page).getByRole('button', { name: t.earlierConversations })).toBeVisible({ timeout: ARRIVAL_MS });
    await expectAccessibleInBothThemes(page, `widget, ${language}: an earlier conversation after a reload`);
    const more = `Still about the first ${tag}`;
    await composer(page).fill(more);
    await composer(page).press('Enter');
    await expect(conversation(page).getByText(demoReplyTo(more))).toBeVisible({ timeout: ARRIVAL_MS });
    expect((await visitorRecord(page)).threadId).toBe(firstThread);

    // A conversation this tab remembers that the server does not list as the visitor's: the newest, no error.
    await page.evaluate(() => {
      for (const name of Object.keys(sessionStorage)) if (name.endsWith(':viewing')) sessionStorage.setItem(name, 'not-a-thread-of-theirs');
    });
    await page.reload();
    await expect(panel(page)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(conversation(page).getByText(second, { exact: true })).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(panel(page).getByRole('alert')).toHaveCount(0);
    expect((await visitorRecord(page)).threadId).toBe(secondThread);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((name) => name.endsWith(':viewing')))).toEqual([]);
    await watch.expectClean();
  });
}
