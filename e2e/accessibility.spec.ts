import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { contrastRatio } from '../widget/panel/accent-color.ts';
import { analysedShadowDom, expectAccessible } from './support/axe.ts';
import {
  ALICE,
  conversation,
  openThread,
  rowsWith,
  scroller,
  seedMessages,
  signIn,
  threadList,
  uniqueTag,
  write,
} from './support/inbox.ts';
import { HostPageServer, demoReplyTo, launcher, messageBox, panel, sendFromWidget, widgetConversation } from './support/host-page.ts';

/**
 * axe-core (WCAG 2.0/2.1/2.2 A and AA) over every screen the other specs visit: the inbox in
 * light and dark (sign-in, thread list, run cards with a tool call, a failure with Retry, a
 * pending approval, long markdown, the new-thread dialog, agent settings, the offline
 * banner, a phone, the queues, the ownership bar, the note composer, a note, the search
 * dialog, its next page, a thread opened at a search result), and the widget (closed, pre-chat form, conversation, an error, a
 * phone, accents light and dark). Any serious or critical violation fails (support/axe.ts).
 */

const runCards = (page: Page) => scroller(page).getByRole('region', { name: /^Agent run by / });

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`the inbox, ${scheme}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
    });

    /** The theme follows the system setting: the page is in the scheme under test. */
    const expectScheme = async (page: Page) => {
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
    };

    test('sign-in, thread list, a thread with agent runs, the new-thread dialog', async ({ page, tag, startThread }) => {
      const { title } = await startThread(`Accessible ${scheme}`, { agent: true });

      await page.goto('/');
      await expect(page.getByLabel('Email')).toBeVisible();
      await expectScheme(page);
      await expectAccessible(page, `sign-in (${scheme})`);

      await signIn(page, ALICE);
      await expect(threadList(page).getByRole('button', { name: title })).toBeVisible();
      await expectAccessible(page, `thread list (${scheme})`);

      await openThread(page, title);
      await write(page, `/tool invoices ${tag}`);
      await expect(runCards(page).first()).toContainText('Replied');
      await expect(rowsWith(page, 'matching records for')).toHaveCount(1);
      await expectAccessible(page, `run card with a tool call (${scheme})`);

      await write(page, `/long markdown ${tag}`);
      const long = rowsWith(page, 'That is the end of the long answer.');
      await expect(long).toHaveCount(1, { timeout: 20_000 });
      await expect(long.locator('pre code').first()).toBeVisible();
      await expectAccessible(page, `long markdown reply (${scheme})`);

      await write(page, `/fail please ${tag}`);
      const failed = runCards(page).filter({ hasText: 'The demo agent failed on purpose (/fail).' });
      await expect(failed.getByRole('button', { name: 'Retry' })).toBeVisible();
      await expectAccessible(page, `failed run with Retry (${scheme})`);

      // Last, and checked at once: the approval expires after 8 s on the e2e server.
      await write(page, `/approve Report ${tag}`);
      const approval = runCards(page).getByRole('list', { name: 'Approvals' }).getByRole('listitem');
      await expect(approval.getByRole('button', { name: 'Approve' })).toBeEnabled();
      await expectAccessible(page, `pending approval (${scheme})`);

      await page.getByRole('button', { name: 'New thread' }).click();
      const dialog = page.getByRole('dialog', { name: 'New thread' });
      await expect(dialog).toBeVisible();
      await expectAccessible(page, `new-thread dialog (${scheme})`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();
    });

    test('a thread opened with an approval pending: its run card rebuilt from the log', async ({ page, alice, bob, tag, startThread }) => {
      const thread = await startThread(`Accessible approval ${scheme}`, { agent: true });
      const { title } = thread;
      // Asked before the page opens: no live frames, so the card is made from the log's run events.
      await bob.send(thread.id, `/approve Opened later ${tag}`);
      await expect.poll(async () => (await alice.events(thread.id)).some((event) => event.event_type === 'approval_pending')).toBe(true);

      await signIn(page, ALICE);
      await openThread(page, title);
      const approval = runCards(page).getByRole('list', { name: 'Approvals' }).getByRole('listitem');
      // Checked at once: the approval expires after 8 s on the e2e server.
      await expect(approval.getByRole('button', { name: 'Approve' })).toBeVisible();
      await expectAccessible(page, `an approval from the log (${scheme})`);
    });

    test('queues, the ownership bar taken over, the note composer, a note and the search dialog', async ({
      page,
      bob,
      tag,
      startThread,
    }) => {
      const thread = await startThread(`Accessible ownership ${scheme}`, { agent: true });
      const { title } = thread;
      await bob.send(thread.id, `Hello from Bob ${tag}`);

      await signIn(page, ALICE);
      await expectScheme(page);
      const queues = page.getByRole('group', { name: 'Queues' });
      await expect(queues.getByRole('button', { name: /^Waiting, \d+ threads?$/ })).toBeVisible();
      await queues.getByRole('button', { name: /^Open\b/ }).click();
      await expect(queues.getByRole('button', { name: /^Open\b/ })).toHaveAttribute('aria-pressed', 'true');
      await expect(threadList(page).getByRole('button', { name: title })).toBeVisible();
      await expectAccessible(page, `queues (${scheme})`);

      await openThread(page, title);
      const bar = page.getByRole('group', { name: 'Who has this conversation' });
      await bar.getByRole('button', { name: 'Take over' }).click();
      await expect(bar.getByRole('button', { name: 'Hand back to the agent' })).toBeVisible();
      await expectAccessible(page, `ownership bar, taken over (${scheme})`);

      await page.getByRole('group', { name: 'Write a' }).getByRole('button', { name: 'Note' }).click();
      const note = `Accessible note ${tag}`;
      await page.getByRole('combobox', { name: 'Note' }).fill(note);
      await expect(page.getByRole('button', { name: 'Add note' })).toBeEnabled();
      await expectAccessible(page, `note composer (${scheme})`);
      await page.getByRole('button', { name: 'Add note' }).click();
      await expect(page.getByRole('note').filter({ hasText: note })).toHaveCount(1);
      await expectAccessible(page, `a note in the timeline (${scheme})`);

      await page.keyboard.press('ControlOrMeta+k');
      const search = page.getByRole('dialog', { name: 'Search messages, notes and threads' });
      await search.getByRole('combobox', { name: 'Search' }).fill(`accessible note ${tag}`);
      await expect(search.getByRole('option').first().locator('mark').first()).toBeVisible({ timeout: 20_000 });
      await expectAccessible(page, `search dialog with results (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(search).toBeHidden();
    });

    test('search results paged, and a thread opened at a result away from its newest messages', async ({
      page,
      baseURL,
      bob,
      tag,
      startThread,
    }) => {
      const thread = await startThread(`Accessible paging ${scheme}`);
      const word = `paging${tag}`;
      // More matches than one page, all older than the window that opens around one of them.
      await seedMessages(
        baseURL!,
        bob.me.token,
        thread.id,
        Array.from({ length: 25 }, (_, i) => `${word} match ${i + 1}`),
      );
      await seedMessages(
        baseURL!,
        bob.me.token,
        thread.id,
        Array.from({ length: 250 }, (_, i) => `Filler ${tag} ${i + 1}`),
      );

      await signIn(page, ALICE);
      await expectScheme(page);
      await page.keyboard.press('ControlOrMeta+k');
      const search = page.getByRole('dialog', { name: 'Search messages, notes and threads' });
      await search.getByRole('combobox', { name: 'Search' }).fill(word);
      await expect(search.getByRole('option')).toHaveCount(20, { timeout: 20_000 });
      await expectAccessible(page, `search dialog with a next page (${scheme})`);
      await search.getByRole('button', { name: 'More results' }).click();
      await expect(search.getByRole('option')).toHaveCount(25);
      await search.getByRole('option').last().click();
      await expect(scroller(page).locator('[data-search-hit]')).toBeFocused({ timeout: 20_000 });
      await expect(conversation(page).getByRole('button', { name: 'Jump to latest' })).toBeVisible();
      await expectAccessible(page, `a thread opened at a search result (${scheme})`);
    });

    test('agent settings, the offline banner and a phone-sized screen', async ({ page, context, bob, tag, startThread }) => {
      const thread = await startThread(`Accessible offline ${scheme}`);
      const { title } = thread;
      await bob.send(thread.id, `Hello from Bob ${tag}`);

      await signIn(page, ALICE);
      await expectScheme(page);
      await page.goto('/#/agents');
      await expect(page.getByRole('heading', { name: 'Your agents', level: 2 })).toBeVisible();
      await expectAccessible(page, `agents (${scheme})`);
      await page.goto('/#/agents/demo');
      await expect(page.getByRole('heading', { name: 'Demo Agent settings', level: 2 })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Allowed websites', exact: true })).toBeVisible();
      await expectAccessible(page, `agent settings (${scheme})`);

      await page.goto('/');
      await openThread(page, title);
      await context.setOffline(true);
      await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
      await expectAccessible(page, `offline banner (${scheme})`);
      await context.setOffline(false);
      await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toHaveCount(0, { timeout: 20_000 });

      await page.setViewportSize({ width: 390, height: 844 });
      await expect(rowsWith(page, `Hello from Bob ${tag}`)).toHaveCount(1);
      await expectAccessible(page, `thread on a phone (${scheme})`);
      await page.goto('/');
      await expect(threadList(page)).toBeVisible();
      await expectAccessible(page, `thread list on a phone (${scheme})`);
    });
  });
}

test('opening a thread reads none of its old messages to a screen reader; a new one once', async ({ page, bob, tag, startThread }) => {
  const thread = await startThread('Announced');
  const { title } = thread;
  for (const n of [1, 2, 3]) await bob.send(thread.id, `Old news ${n} ${tag}`);

  await signIn(page, ALICE);
  await openThread(page, title);
  const announced = page.getByRole('log', { name: 'New messages' });
  await expect(rowsWith(page, `Old news 3 ${tag}`)).toHaveCount(1);
  await expect(announced).toHaveText('');

  await bob.send(thread.id, `Fresh news ${tag}`);
  await expect(rowsWith(page, `Fresh news ${tag}`)).toHaveCount(1);
  // Only the new message is in the live region, once (the old ones would be there too).
  await expect(announced.locator('p')).toHaveText([`${bob.me.user.name}: Fresh news ${tag}`]);
});

test.describe('the widget', () => {
  let host: HostPageServer;
  test.beforeAll(async () => {
    host = await HostPageServer.start();
  });
  test.afterAll(async () => {
    await host.close();
  });

  /** Closed, the first run (the greeting and a composer), a conversation with a long committed reply; the panel was analysed. */
  async function chatScreens(page: Page, label: string, email: string): Promise<void> {
    await expect(launcher(page)).toBeVisible();
    await expectAccessible(page, `${label}: launcher, closed`);

    await launcher(page).click();
    await expect(messageBox(page)).toBeFocused({ timeout: 20_000 });
    const firstRun = await expectAccessible(page, `${label}: first run`);
    expect(analysedShadowDom(firstRun), 'axe-core looked inside the widget shadow root').toBe(true);

    const hello = `Hello ${email}`;
    await sendFromWidget(page, hello);
    await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, `${label}: conversation`);

    await sendFromWidget(page, '/long markdown');
    await expect(widgetConversation(page).getByText('That is the end of the long answer.')).toBeVisible({ timeout: 30_000 });
    await expect(widgetConversation(page).locator('[aria-busy="true"]')).toHaveCount(0);
    await expectAccessible(page, `${label}: long committed reply`);
  }

  test('the demo page: closed, first run, conversation', async ({ page }) => {
    await page.goto('/widget-demo.html');
    await chatScreens(page, 'demo page', `a11y-demo-${uniqueTag()}@example.com`);
  });

  test('the demo page on a 390 × 844 screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/widget-demo.html');
    await chatScreens(page, 'phone', `a11y-phone-${uniqueTag()}@example.com`);
  });

  // Accents a site may choose: light (dark text on it), mid and dark (white text on it).
  for (const accent of ['#fde047', '#0ea5e9', '#e11d48', '#0f766e']) {
    test(`a host page with the accent ${accent}: closed, first run, conversation`, async ({ page }) => {
      await page.goto(host.page({ widget: { agent: 'demo', 'theme-color': accent }, hostileCss: false, overlay: false }));
      await chatScreens(page, `accent ${accent}`, `a11y-accent-${uniqueTag()}@example.com`);
    });
  }

  test('the launcher icon keeps 3:1 (WCAG 1.4.11) on every accent', async ({ page }) => {
    await page.goto(host.page({ hostileCss: false, overlay: false }));
    await expect(launcher(page)).toBeVisible();
    // Every #rgb accent set on the widget's host element, and the icon colour the browser computes for it.
    const shown = await page.evaluate(() => {
      const element = document.querySelector<HTMLElement>('[data-ama2-chat]')!;
      const button = element.shadowRoot!.querySelector('.launcher')!;
      const pairs: [string, string][] = [];
      for (let value = 0; value < 16 ** 3; value++) {
        const accent = `#${value.toString(16).padStart(3, '0')}`;
        element.style.setProperty('--ama2-accent', accent);
        pairs.push([accent, getComputedStyle(button).color]);
      }
      return pairs;
    });
    const asHex = (color: string): string => {
      const oklch = /^oklch\(([\d.]+)/.exec(color);
      if (oklch) return Number(oklch[1]) >= 0.5 ? '#ffffff' : '#000000';
      const rgb = /^rgba?\((\d+),? (\d+),? (\d+)/.exec(color);
      expect(rgb, `a colour the spec can read: ${color}`).not.toBeNull();
      return `#${rgb!
        .slice(1, 4)
        .map((channel) => Number(channel).toString(16).padStart(2, '0'))
        .join('')}`;
    };
    const weak = shown
      .filter(([accent, color]) => contrastRatio(accent, asHex(color)) < 3)
      .map(([accent, color]) => `${accent} → ${color}`);
    expect(weak).toEqual([]);
    expect(asHex(shown.find(([accent]) => accent === '#ff0')![1])).toBe('#000000');
    expect(asHex(shown.find(([accent]) => accent === '#44e')![1])).toBe('#ffffff');
  });

  test('an error in the panel (an unknown agent)', async ({ page }) => {
    await page.goto(host.page({ widget: { agent: 'no-such-agent' }, hostileCss: false, overlay: false }));
    await launcher(page).click();
    const dialog = panel(page, 'Chat');
    await expect(dialog.getByRole('alert')).toContainText('This chat is not available', { timeout: 20_000 });
    await expectAccessible(page, 'widget error');
  });
});
