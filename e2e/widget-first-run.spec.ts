import { expect, test, type Page } from '@playwright/test';
import type { PanelStrings } from '../widget/panel/i18n.ts';
import { stringsFor, type TestStrings } from '../widget/panel/testing/strings.ts';
import { AgentOwner } from './support/agent-settings.ts';
import { expectAccessible } from './support/axe.ts';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, demoReplyTo, launcher, panel, visitorRecord } from './support/host-page.ts';

/**
 * Issue 23, item 9: a visitor's first run. The panel opens on the conversation, the agent's
 * greeting (whole) as its first message, and a composer that has the focus; the visitor
 * writes without an email, and it is asked for only when it helps (after the first reply,
 * when they ask for a person), optional. An expected reply time set by the owners shows under
 * the greeting. Both languages, read as a person sees them.
 */

/** Ninety minutes: said as "2 hours" (rounded up). */
const REPLY_MINUTES = 90;

// Two replies of the demo agent and two axe runs each: more than the default time on a busy machine.
test.slow();

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

const conversation = (page: Page, t: PanelStrings) => panel(page).getByRole('region', { name: t.conversation });
const messageBox = (page: Page, t: PanelStrings) => panel(page).getByRole('textbox', { name: t.messageLabel });
const emailField = (page: Page, t: TestStrings) => panel(page).getByRole('textbox', { name: t.email.label });

async function send(page: Page, t: PanelStrings, text: string): Promise<void> {
  await messageBox(page, t).fill(text);
  await messageBox(page, t).press('Enter');
  await expect(messageBox(page, t)).toHaveValue('');
}

async function demoGreeting(page: Page): Promise<string> {
  const response = await page.request.get('/api/v1/chat/public/demo');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { greeting: string }).greeting;
}

for (const [language, locale] of [
  ['English', 'en'],
  ['German', 'de'],
] as const) {
  const t = stringsFor(locale);

  test(`${language}: the greeting is the first message, the visitor writes first without an email, and the reply arrives`, async ({
    page,
    request,
  }) => {
    const tag = uniqueTag();
    const watch = new PageWatch(page);
    const greeting = await demoGreeting(page);
    const owner = await AgentOwner.alice(request);
    await owner.withSettings({ expected_reply_minutes: REPLY_MINUTES }, async () => {
      await page.goto(host.page({ widget: { agent: 'demo', locale } }));
      await launcher(page).click();

      // The conversation opens on the greeting, whole (not clamped, nothing cut), and the expected reply time under it.
      const first = conversation(page, t).locator(':scope > *').first();
      await expect(first).toHaveText(greeting);
      const bubble = first.locator(':scope > *');
      const clipped = await bubble.evaluate((element) => ({
        clamp: getComputedStyle(element).webkitLineClamp,
        overflow: element.scrollHeight - element.clientHeight,
      }));
      expect(clipped).toEqual({ clamp: 'none', overflow: 0 });
      await expect(conversation(page, t).getByText(t.repliesWithin(2, 'hour'), { exact: true })).toBeVisible();
      // The header names the agent and no longer repeats the greeting.
      await expect(panel(page).locator('header')).not.toContainText(greeting);

      // No email first: the composer has the focus.
      await expect(emailField(page, t)).toHaveCount(0);
      await expect(messageBox(page, t)).toBeFocused();
      await expectAccessible(page, `widget first run (${language})`, { include: ['[data-ama2-chat]'] });

      const hello = `Hello without an email ${tag}`;
      await send(page, t, hello);
      await expect(conversation(page, t).getByText(hello, { exact: true })).toBeVisible();
      await expect(conversation(page, t).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
      await expect(messageBox(page, t)).toBeFocused();
      // The greeting is still the first message.
      await expect(conversation(page, t).locator(':scope > *').first()).toHaveText(greeting);

      const record = await visitorRecord(page);
      expect(record.email).toBeNull();
      expect(record.threadId).not.toBeNull();
      // The owners' inbox tells this visitor apart without an email: "Visitor 4F2A".
      const alice = await UserApi.login(request, ALICE);
      expect((await alice.thread(record.threadId!)).title).toMatch(/^Visitor [0-9A-F]{4}$/);

      // After the first reply: a gentle, optional offer. "No thanks" keeps chatting.
      await expect(panel(page).getByText(t.email.offer)).toBeVisible();
      await panel(page).getByRole('button', { name: t.email.noThanks }).click();
      await expect(panel(page).getByText(t.email.offer)).toHaveCount(0);
      const again = `Still here ${tag}`;
      await send(page, t, again);
      await expect(conversation(page, t).getByText(demoReplyTo(again))).toBeVisible({ timeout: 20_000 });
      await expect(emailField(page, t)).toHaveCount(0);
    });
    await watch.expectClean();
  });

  test(`${language}: asking for a person asks for the email (optional), and a given one reaches the owners`, async ({ page, request }) => {
    const tag = uniqueTag();
    const watch = new PageWatch(page);
    await page.goto(host.page({ widget: { agent: 'demo', locale } }));
    await launcher(page).click();
    // No expected reply time set: nothing is said about one.
    await expect(conversation(page, t).locator(':scope > *').first()).toHaveText(await demoGreeting(page));
    await expect(conversation(page, t)).not.toContainText(t.repliesWithin(2, 'hour').split(' 2 ')[0]!);

    const hello = `I need a person ${tag}`;
    await send(page, t, hello);
    await expect(conversation(page, t).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
    await panel(page).getByRole('button', { name: t.talkToPerson }).click();
    await expect(panel(page).getByText(t.email.offer)).toBeVisible();
    await expect(emailField(page, t)).toBeFocused();
    await expectAccessible(page, `widget email offer (${language})`, { include: ['[data-ama2-chat]'] });

    const email = `first-run-${tag}@example.com`;
    await emailField(page, t).fill('not-an-email');
    await panel(page).getByRole('button', { name: t.email.save }).click();
    await expect(panel(page).getByRole('alert')).toHaveText(t.email.invalid);
    await emailField(page, t).fill(email);
    await panel(page).getByRole('button', { name: t.email.save }).click();
    await expect(panel(page).getByText(t.email.saved(email))).toBeVisible();
    await expect(emailField(page, t)).toHaveCount(0);

    const record = await visitorRecord(page);
    expect(record.email).toBe(email);
    const alice = await UserApi.login(request, ALICE);
    expect((await alice.thread(record.threadId!)).visitor).toMatchObject({ email, verified: false });
    await watch.expectClean();
  });
}
