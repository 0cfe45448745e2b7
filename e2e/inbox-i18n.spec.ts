import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { de } from '../src/i18n/catalog-de.ts';
import { en } from '../src/i18n/catalog-en.ts';
import { catalogLeaves, SAMPLES } from '../src/i18n/catalog-samples.ts';
import { MARKDOWN_CLASS } from '../src/markdown/markdown-classes.ts';
import { ALICE, rowsWith, scroller, signIn, syncHealth } from './support/inbox.ts';

/**
 * The inbox in German: every main screen (sign-in, thread list, a thread with messages and
 * agent run cards, the new-thread dialog, agent settings, the offline banner) shows no
 * English catalog text that has a German translation, `<html lang>` says `de`, and times
 * and day breaks are written the German way. Once from the browser's language
 * (`locale: 'de-DE'`), once from the setting in the sidebar.
 */

type CatalogFunction = (...args: unknown[]) => string;

/**
 * What must not show in the German inbox: every English catalog string that differs from its
 * German one (whole texts), and the runs of two or more English words around the values of
 * the catalog's functions ("Signed in as", "new messages since you started writing").
 */
function englishOnly(): { texts: Set<string>; fragments: Set<string> } {
  const english = catalogLeaves(en);
  const german = catalogLeaves(de);
  const samples = catalogLeaves(SAMPLES);
  const texts = new Set<string>();
  const fragments = new Set<string>();
  for (const [key, value] of english) {
    const translated = german.get(key);
    if (typeof value === 'string') {
      if (value !== translated) texts.add(value.trim());
      continue;
    }
    for (const args of samples.get(key) as unknown[][]) {
      const words = (value as CatalogFunction)(...args);
      const germanWords = (translated as CatalogFunction)(...args);
      if (words === germanWords) continue;
      texts.add(words.trim());
      const values = args
        .flat()
        .filter((arg) => typeof arg === 'string' && arg !== '')
        .map(String);
      let pieces = [words];
      for (const part of values) pieces = pieces.flatMap((piece) => piece.split(part));
      for (const piece of pieces.flatMap((piece) => piece.split(/[\d.,]*\d/))) {
        const run = piece.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
        if (run.split(/\s+/).length >= 2 && !germanWords.includes(run)) fragments.add(run);
      }
    }
  }
  return { texts, fragments };
}

const ENGLISH = englishOnly();

/** User content, not the inbox's words: message bodies, markdown, tool data, demo hints, secrets. */
const USER_CONTENT = [`[class="${MARKDOWN_CLASS}"]`, '.whitespace-pre-wrap', 'code', 'kbd', '[data-secret]'].join(', ');

/** Every text node, accessible name (aria-label), title and placeholder in the document, and the tab title. */
async function visibleWords(page: Page): Promise<{ text: string; where: string }[]> {
  return page.evaluate((skip) => {
    const found: { text: string; where: string }[] = [];
    const where = (element: Element) =>
      `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.getAttribute('role') ? ` role=${element.getAttribute('role')}` : ''}>`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip) || parent.closest('script, style')) continue;
      const text = node.textContent?.trim();
      if (text) found.push({ text, where: where(parent) });
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (element.closest(skip)) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder']) {
        const text = element.getAttribute(attribute)?.trim();
        if (text) found.push({ text, where: `${where(element)} ${attribute}` });
      }
    }
    found.push({ text: document.title, where: 'document.title' });
    return found;
  }, USER_CONTENT);
}

/** Fails with every English leftover on the screen, and where it is. */
async function expectNoEnglish(page: Page, screen: string): Promise<void> {
  const leftovers = (await visibleWords(page))
    .filter(({ text }) => ENGLISH.texts.has(text) || [...ENGLISH.fragments].some((fragment) => text.includes(fragment)))
    .map(({ text, where }) => `${where}: ${text}`);
  expect(leftovers, `English left on ${screen}`).toEqual([]);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
}

const threadListDe = (page: Page) => page.getByRole('navigation', { name: de.threadList.label });
const conversationDe = (page: Page) => page.getByRole('region', { name: de.thread.conversation });

async function signInDe(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: de.signIn.title })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expectNoEnglish(page, 'the sign-in page');
  await page.getByLabel(de.signIn.email).fill(email);
  await page.getByLabel(de.signIn.password).fill('password123');
  await page.getByRole('button', { name: de.signIn.submit }).click();
  await expect(threadListDe(page)).toBeVisible();
}

async function openThreadDe(page: Page, title: string): Promise<void> {
  await threadListDe(page).getByRole('button', { name: title }).click();
  await expect(conversationDe(page).getByRole('heading', { name: title })).toBeVisible();
  await expect(syncHealth(page)).toHaveText('Synchron', { timeout: 20_000 });
}

test.describe('the inbox in German, from the browser’s language', () => {
  test.use({ locale: 'de-DE' });

  test('walks the main screens with no English string left', async ({ page, context, alice, bob, tag, startThread }) => {
    const thread = await startThread('Rechnungen', { agent: true });
    const { title } = thread;
    const agent = await alice.demoAgent();
    await bob.send(thread.id, `Hallo von Bob ${tag}`);

    await signInDe(page, ALICE);
    // With unread messages the tab title carries their count: "(3) Posteingang", "(99+) Posteingang".
    await expect(page).toHaveTitle(new RegExp(`^(\\(\\d+\\+?\\) )?${de.shell.tabTitle}$`));
    await expect(threadListDe(page).getByRole('button', { name: title })).toBeVisible();
    await expectNoEnglish(page, 'the thread list');

    await openThreadDe(page, title);
    // (The demo agent answers Bob too, quoting him: his own row is the first.)
    const hello = rowsWith(page, `Hallo von Bob ${tag}`).first();
    await expect(hello).toBeVisible();
    // A day break in German words, and a message time the German way (24 hours, no AM/PM).
    await expect(scroller(page).getByRole('separator').first()).toHaveAttribute('aria-label', 'Heute');
    const time = hello.locator('span.text-xs').first();
    await expect(time).toHaveText(/^\d{2}:\d{2}$/);
    const box = page.getByRole('combobox', { name: de.composer.label });
    await expect(box).toHaveAttribute('placeholder', de.composer.placeholder);
    await expectNoEnglish(page, 'a thread with messages');

    // An agent run with a tool call: the run card in German.
    await box.fill(`/tool rechnungen ${tag}`);
    await page.getByRole('button', { name: de.common.send }).click();
    const card = scroller(page)
      .getByRole('region', { name: de.runs.cardLabel(agent.name) })
      .filter({ hasText: de.runs.tools.lookup!.action.split(' ')[0]! });
    await expect(card).toHaveCount(1, { timeout: 20_000 });
    await expect(card).toContainText(de.runs.status.committed, { timeout: 20_000 });
    const calls = card.getByRole('list', { name: de.runs.toolCalls });
    await expect(calls).toHaveText(de.runs.tools.lookup!.done);
    await card.locator('summary').click();
    await expect(card.locator('details')).toContainText(de.runs.input.trim());
    await expectNoEnglish(page, 'a run card with a tool call');

    // A run waiting for approval (pending or, after its short e2e TTL, expired: both in German).
    await box.fill(`/approve Bericht ${tag}`);
    await page.getByRole('button', { name: de.common.send }).click();
    const approvals = scroller(page).getByRole('list', { name: de.runs.approvals });
    await expect(approvals.first()).toContainText(de.runs.tools.send_email!.action, { timeout: 20_000 });
    await expectNoEnglish(page, 'a run card with an approval');

    // The new-thread dialog.
    await page.getByRole('button', { name: de.threadList.newThread }).click();
    const dialog = page.getByRole('dialog', { name: de.newThread.title });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Bob');
    await expectNoEnglish(page, 'the new-thread dialog');
    await dialog.getByRole('button', { name: de.common.cancel }).click();
    await expect(dialog).toBeHidden();

    // Agent settings: the list, then one agent's screen.
    await page.getByRole('link', { name: de.shell.agentSettings }).first().click();
    await expect(page.getByRole('heading', { name: de.agents.yourAgents, level: 2 })).toBeVisible();
    await expectNoEnglish(page, 'the agents screen');
    await page.goto('/#/agents/demo');
    await expect(page.getByRole('heading', { name: de.agents.settingsTitle(agent.name), level: 2 })).toBeVisible();
    await expect(page.getByRole('region', { name: de.agents.websites, exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: de.agents.tokens, exact: true })).not.toContainText(de.agents.loadingTokens);
    await expectNoEnglish(page, 'the agent settings');

    // The offline banner.
    await page.goto(`/#/thread/${thread.id}`);
    await expect(conversationDe(page)).toBeVisible();
    await context.setOffline(true);
    await expect(page.getByRole('status').filter({ hasText: de.connection.offline })).toBeVisible();
    await expectNoEnglish(page, 'the offline banner');
    await context.setOffline(false);
    await expect(page.getByRole('status').filter({ hasText: de.connection.offline })).toHaveCount(0, { timeout: 20_000 });
  });
});

test.describe('the language setting', () => {
  test('overrides the browser’s English, is kept across a reload, and goes back to the browser’s', async ({
    page,
    bob,
    tag,
    startThread,
  }) => {
    const thread = await startThread('Einstellung');
    const { title } = thread;
    await bob.send(thread.id, `Guten Tag ${tag}`);

    // Playwright's browser speaks English (en-US): the inbox does too.
    await signIn(page, ALICE);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.getByLabel(en.shell.languageLabel).selectOption('de');
    await expect(threadListDe(page)).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByLabel(de.shell.languageLabel)).toHaveValue('de');
    await expectNoEnglish(page, 'the thread list after choosing Deutsch');

    await page.reload();
    await expect(threadListDe(page)).toBeVisible();
    await openThreadDe(page, title);
    await expect(rowsWith(page, `Guten Tag ${tag}`)).toHaveCount(1);
    await expectNoEnglish(page, 'a thread after a reload');

    await page.getByLabel(de.shell.languageLabel).selectOption('browser');
    await expect(page.getByRole('navigation', { name: en.threadList.label })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(syncHealth(page)).toHaveText('Synced');
  });
});
