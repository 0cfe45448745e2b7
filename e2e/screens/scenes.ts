/**
 * The screens of `docs/screens/`. A new one is a name and a function that brings a page there
 * (see scene.ts); the words it waits for come from the English catalog, so a reworded screen
 * keeps its scene.
 */
import { expect, type Page } from '@playwright/test';
import { en } from '../../src/i18n/catalog-en.ts';
import { ownershipEn } from '../../src/i18n/catalog-ownership-en.ts';
import { ALICE, conversation, openThread, rowsWith, scroller, signIn, threadButton, write } from '../support/inbox.ts';
import {
  demoReplyTo,
  launcher,
  messageBox,
  panel,
  sendFromWidget,
  startChat,
  visitorRecord,
  widgetConversation,
} from '../support/host-page.ts';
import { historyWords } from '../../widget/panel/history-words.ts';
import { stringsFor } from '../../widget/panel/testing/strings.ts';
import { leaveLine } from '../../widget/panel/leave-words.ts';
import type { Scene, ScreenWorld } from './scene.ts';

/** The demo page the build ships next to widget.js (widget/widget-demo.html), served by the server. */
const WIDGET_HOST_PAGE = '/widget-demo.html';
const VISITOR_EMAIL = 'visitor@example.com';

/** Bob's question to the demo agent, and its answer: unread for Alice. */
async function invoiceThread(world: ScreenWorld): Promise<string> {
  const title = 'March invoice';
  const thread = await world.startThread(title, { agent: true });
  await world.bob.send(thread.id, 'Could you check the March invoice? The total looks off.');
  await world.waitForAgentReplies(thread.id);
  return title;
}

/** Opens Alice's inbox on the thread `title`, synced. */
async function aliceIn(page: Page, title: string): Promise<void> {
  await signIn(page, ALICE);
  await openThread(page, title);
}

/**
 * Alice asks the demo agent for an email (`/approve`) in the open thread: the run waits for her
 * approval. Sent from the page, since a run's live state reaches only a page that watched it.
 */
async function askForApproval(page: Page): Promise<void> {
  await write(page, '/approve Quarterly report');
  const card = scroller(page).locator('section[aria-label]').last();
  await expect(card.getByRole('status').first()).toHaveText(en.runs.waitingApproval);
}

/** The demo page with the launcher shown. */
async function widgetHost(page: Page): Promise<void> {
  await page.goto(WIDGET_HOST_PAGE);
  await expect(launcher(page)).toBeVisible();
}

/** The widget's English words (widget/panel/i18n.ts, history-words.ts). */
const widgetWords = stringsFor('en');
const restartWords = historyWords('en');

/** The widget's stored visitor on the demo page (its chat origin is the page's). */
const storedVisitor = (page: Page) => visitorRecord(page, new URL(page.url()).origin);

/** A new visitor on the demo page writes first (no email) and gets the agent's reply. */
async function visitorWritesFirst(page: Page, text: string): Promise<void> {
  await widgetHost(page);
  await launcher(page).click();
  await sendFromWidget(page, text);
  await expect(widgetConversation(page).getByText(demoReplyTo(text))).toBeVisible();
}

const quarterly = (world: ScreenWorld) => world.startThread('Quarterly report', { agent: true });

export const SCENES: readonly Scene[] = [
  {
    // The list: an unread thread, and one whose run waits for Alice's approval (desktop: open beside it).
    name: 'inbox-threads',
    async prepare(world) {
      await invoiceThread(world);
      await quarterly(world);
    },
    async show(page, { device }) {
      await aliceIn(page, 'Quarterly report');
      await askForApproval(page);
      if (device === 'phone') await page.getByRole('button', { name: en.shell.backToThreads }).click();
      await expect(threadButton(page, 'Quarterly report')).toContainText(en.threadList.awaitingApproval);
      await expect(threadButton(page, 'March invoice')).toBeVisible();
    },
  },
  {
    name: 'inbox-approval-waiting',
    async prepare(world) {
      await quarterly(world);
    },
    async show(page) {
      await aliceIn(page, 'Quarterly report');
      await askForApproval(page);
    },
  },
  {
    // A run card in plain words, with the engineer's Details open.
    name: 'inbox-run-details',
    async prepare(world) {
      await world.startThread('Invoice lookup', { agent: true });
    },
    async show(page) {
      await aliceIn(page, 'Invoice lookup');
      await write(page, '/tool invoices');
      const card = scroller(page).locator('section[aria-label]').last();
      await expect(card.getByRole('status').first()).toHaveText(en.runs.status.committed);
      await card.getByText(en.runs.details, { exact: true }).click();
      await expect(card.locator('details')).toHaveAttribute('open', '');
      await card.locator('details').scrollIntoViewIfNeeded();
    },
  },
  {
    // The timeline line of a mode change names who made it.
    name: 'inbox-mode-change',
    devices: ['desktop'],
    async prepare(world) {
      const thread = await world.startThread('Launch plan', { agent: true });
      await world.bob.send(thread.id, 'Shall we move the launch to Thursday?');
      await world.waitForAgentReplies(thread.id);
      await world.setMode(thread.id, 'invocation_only');
    },
    async show(page) {
      await aliceIn(page, 'Launch plan');
      await expect(rowsWith(page, 'set the thread to', 'notice')).toHaveText(en.events.modeChanged('Alice', true));
    },
  },
  {
    name: 'inbox-thread-header',
    devices: ['phone'],
    async show(page, { world }) {
      await aliceIn(page, await invoiceThread(world));
    },
  },
  {
    name: 'inbox-thread-menu',
    devices: ['phone'],
    async show(page, { world }) {
      await aliceIn(page, await invoiceThread(world));
      await conversation(page).locator('header').getByRole('button', { name: en.notifications.threadMenu }).click();
      await expect(page.getByRole('menu', { name: en.notifications.threadMenu })).toBeVisible();
    },
  },
  {
    // A phone's ownership controls: the sheet behind the bar's Manage button.
    name: 'inbox-ownership-sheet',
    devices: ['phone'],
    async show(page, { world }) {
      await aliceIn(page, await invoiceThread(world));
      await page
        .getByRole('group', { name: ownershipEn.controls.label })
        .getByRole('button', { name: ownershipEn.controls.manage })
        .click();
      await expect(page.getByRole('dialog', { name: ownershipEn.controls.label })).toBeVisible();
    },
  },
  {
    // The connection banner floats over the page.
    name: 'inbox-offline',
    async show(page, { world, context }) {
      await aliceIn(page, await invoiceThread(world));
      await context.setOffline(true);
      await expect(page.getByRole('status').filter({ hasText: en.connection.offline })).toBeVisible();
    },
  },
  {
    // A message sent while a run waits for approval says it is queued behind it.
    name: 'inbox-queued',
    async prepare(world) {
      await quarterly(world);
    },
    async show(page) {
      await aliceIn(page, 'Quarterly report');
      await askForApproval(page);
      await write(page, 'Also add the churn numbers, please.');
      await expect(conversation(page).getByText(en.runs.queuedBehindApproval('Demo Agent'))).toBeVisible();
    },
  },
  {
    // A failed run retried: the new attempt in its place, the failed one behind "Show".
    name: 'inbox-retry',
    async prepare(world) {
      await world.startThread('Shipping labels', { agent: true });
    },
    async show(page) {
      await aliceIn(page, 'Shipping labels');
      await write(page, '/fail print the labels');
      const card = scroller(page).locator('section[aria-label]').last();
      await card.getByRole('button', { name: en.runs.retry }).click();
      const earlier = conversation(page).getByText(en.runs.earlierAttempts(1));
      await expect(earlier).toBeVisible();
      await earlier.click();
    },
  },
  {
    // A run that failed before the inbox was opened: its card and Retry, rebuilt from the log.
    name: 'inbox-failed-history',
    async prepare(world) {
      const thread = await world.startThread('Customs forms', { agent: true });
      await world.alice.send(thread.id, '/fail fill in the customs forms');
      await world.waitForLog(thread.id, 'a failed run', (events) => events.some((event) => event.event_type === 'run_failed'));
    },
    async show(page) {
      await aliceIn(page, 'Customs forms');
      const card = scroller(page).locator('section[aria-label]').last();
      await expect(card.getByRole('button', { name: en.runs.retry, exact: true })).toBeVisible();
    },
  },
  {
    name: 'widget-launcher',
    async show(page) {
      await widgetHost(page);
    },
  },
  {
    // A new visitor: the greeting is the first message, the expected reply time under it, the composer ready.
    name: 'widget-first-run',
    async prepare(world) {
      await world.setExpectedReply(120);
    },
    async show(page) {
      await widgetHost(page);
      await launcher(page).click();
      await expect(messageBox(page)).toBeFocused();
      await expect(panel(page).getByText(/usually replies within/)).toBeVisible();
    },
  },
  {
    // After the first reply, an optional offer to leave an email.
    name: 'widget-email-offer',
    async show(page) {
      await visitorWritesFirst(page, 'Do you ship to Norway?');
      await expect(panel(page).getByText(widgetWords.email.offer)).toBeVisible();
    },
  },
  {
    // Closing while waiting for a person, without an email: the offer to leave one first.
    name: 'widget-leave-offer',
    async show(page) {
      await visitorWritesFirst(page, 'Can a person help me with a refund?');
      await panel(page).getByRole('button', { name: widgetWords.talkToPerson }).click();
      await expect(widgetConversation(page).getByText(widgetWords.waitingForPerson)).toBeVisible();
      await panel(page).getByRole('button', { name: widgetWords.close }).click();
      await expect(panel(page).getByRole('alertdialog', { name: leaveLine('en') })).toBeVisible();
    },
  },
  {
    // "New conversation" asks first.
    name: 'widget-new-conversation',
    async show(page) {
      await visitorWritesFirst(page, 'Where is my order 1042?');
      await panel(page).getByRole('button', { name: widgetWords.newConversation }).click();
      await expect(panel(page).getByRole('alertdialog', { name: restartWords.restartQuestion })).toBeVisible();
    },
  },
  {
    // The visitor's earlier conversations with the agent, after starting over.
    name: 'widget-earlier-conversations',
    async show(page) {
      await visitorWritesFirst(page, 'Where is my order 1042?');
      const first = (await storedVisitor(page)).threadId;
      await panel(page).getByRole('button', { name: widgetWords.newConversation }).click();
      await panel(page).getByRole('button', { name: restartWords.restartConfirm }).click();
      await sendFromWidget(page, 'And a gift card, please.');
      await expect.poll(async () => (await storedVisitor(page)).threadId).not.toBe(first);
      await panel(page).getByRole('button', { name: widgetWords.earlierConversations }).click();
      await expect(panel(page).getByRole('region', { name: widgetWords.earlierConversations }).getByRole('listitem')).toHaveCount(1);
    },
  },
  {
    // An earlier conversation the visitor opened, shown again after a reload.
    name: 'widget-earlier-after-reload',
    async show(page) {
      await visitorWritesFirst(page, 'Where is my order 1042?');
      const first = (await storedVisitor(page)).threadId;
      await panel(page).getByRole('button', { name: widgetWords.newConversation }).click();
      await panel(page).getByRole('button', { name: restartWords.restartConfirm }).click();
      await sendFromWidget(page, 'And a gift card, please.');
      await expect.poll(async () => (await storedVisitor(page)).threadId).not.toBe(first);
      await panel(page).getByRole('button', { name: widgetWords.earlierConversations }).click();
      await panel(page)
        .getByRole('region', { name: widgetWords.earlierConversations })
        .getByRole('listitem')
        .first()
        .getByRole('button')
        .click();
      await expect(widgetConversation(page).getByText('Where is my order 1042?', { exact: true })).toBeVisible();
      await page.reload();
      await expect(widgetConversation(page).getByText(demoReplyTo('Where is my order 1042?'))).toBeVisible();
    },
  },
  {
    // A person's reply while the panel is closed: a preview above the launcher, with their name.
    name: 'widget-reply-preview',
    async show(page, { world }) {
      await visitorWritesFirst(page, 'Can a person help me with a refund?');
      const { threadId } = await storedVisitor(page);
      await world.takeOver(threadId!);
      await panel(page).getByRole('button', { name: widgetWords.close }).click();
      await world.alice.send(threadId!, 'Hi, Alice here: I have started your refund.');
      await expect(page.locator('[data-ama2-chat] .ama-preview')).toContainText('Alice');
    },
  },
  {
    // A visitor asks for something that needs a person's approval.
    name: 'widget-approval',
    async show(page) {
      await widgetHost(page);
      await startChat(page, VISITOR_EMAIL);
      await sendFromWidget(page, '/approve Send me the brochure');
      await expect(widgetConversation(page).getByText("I'd like to send an email titled")).toBeVisible();
      // The visitor's words for the step (widget/panel/visitor-tool-words.ts), never the tool's name.
      await expect(widgetConversation(page).getByText(/checking the email/)).toBeVisible();
      await expect(messageBox(page)).toBeVisible();
    },
  },
];
