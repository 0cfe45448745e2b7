import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import {
  ALICE,
  composer,
  rowsWith,
  signIn,
  syncHealth,
  threadList,
  uniqueTag,
  write,
  type ThreadJson,
  type UserApi,
} from './support/inbox.ts';
import {
  HostPageServer,
  PageWatch,
  demoReplyTo,
  sendFromWidget,
  startChat,
  visitorRecord,
  widgetConversation,
} from './support/host-page.ts';

/**
 * Who owns a conversation (CONTRACT §11), end to end: a visitor on a customer's page, the demo
 * agent escalating and streaming, and Alice in the inbox with her queues, the ownership bar
 * and the note composer. Real server, real Chromium, two browser contexts.
 */

/** How long `/stream` streams: long enough to take over in the middle (about 13 s at the e2e server's 5 ms a chunk). */
const STREAM_CHARS = 50_000;
/** After the take-over, how long the widget is watched for agent text that should no longer come. */
const QUIET_AFTER_TAKEOVER_MS = 1_500;
/** A live update (the user socket, the public socket) reaches a page within this. */
const LIVE_MS = 20_000;

let host: HostPageServer;
test.beforeAll(async () => {
  host = await HostPageServer.start();
});
test.afterAll(async () => {
  await host.close();
});

const queue = (page: Page, name: string) =>
  page.getByRole('group', { name: 'Queues' }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
const ownershipBar = (page: Page) => page.getByRole('group', { name: 'Who has this conversation' });
/** The widget's whole shadow DOM, markup and text: what the visitor's browser holds. */
const widgetDom = (page: Page) => page.evaluate(() => document.querySelector('[data-ama2-chat]')!.shadowRoot!.innerHTML);

/** A thread's ownership fields (CONTRACT §11), as the REST API answers them. */
interface Ownership {
  status: string;
  assignee_id: string | null;
  agent_paused: boolean;
}
const ownershipOf = async (user: UserApi, threadId: string) => (await user.thread(threadId)) as ThreadJson & Ownership;

test('an escalation waits in Alice’s queue; she takes over mid-stream, notes privately, resolves; the visitor writes again and it reopens', async ({
  page,
  browser,
  alice,
}) => {
  test.setTimeout(120_000);
  const tag = uniqueTag();
  const name = `Wanda ${tag}`;
  const watch = new PageWatch(page);
  await page.goto(host.page());
  await startChat(page, `wanda-${tag}@example.com`, name);
  const hello = `Hello there ${tag}`;
  await sendFromWidget(page, hello);
  await expect(widgetConversation(page).getByText(demoReplyTo(hello))).toBeVisible({ timeout: LIVE_MS });
  const { threadId } = await visitorRecord(page);
  expect(threadId).toBeTruthy();

  const aliceContext = await browser.newContext();
  try {
    const inbox = await aliceContext.newPage();
    await signIn(inbox, ALICE);
    // The Waiting queue, before the escalation: the visitor's thread is not in it.
    await queue(inbox, 'Waiting').click();
    await expect(queue(inbox, 'Waiting')).toHaveAttribute('aria-pressed', 'true');
    const item = threadList(inbox).getByRole('button').filter({ hasText: name });
    await expect(item).toHaveCount(0);

    // The agent escalates: the thread joins Alice's Waiting queue live, saying it waits.
    await sendFromWidget(page, `/escalate I need a person ${tag}`);
    await expect(widgetConversation(page).getByText('I have asked a person from the team to join this conversation.')).toBeVisible({
      timeout: LIVE_MS,
    });
    await expect(item).toBeVisible({ timeout: LIVE_MS });
    await expect(item).toContainText(/waiting/i);
    expect((await ownershipOf(alice, threadId!)).status).toBe('waiting');
    await expect(widgetConversation(page).getByText('Waiting for a person…')).toBeVisible({ timeout: LIVE_MS });

    await item.click();
    await expect(syncHealth(inbox)).toHaveText('Synced', { timeout: LIVE_MS });

    // The visitor asks for a long streamed answer; Alice takes over while it streams.
    await sendFromWidget(page, `/stream ${STREAM_CHARS} ${tag}`);
    const streaming = widgetConversation(page).locator('[aria-busy="true"]');
    await expect(streaming).toBeVisible({ timeout: LIVE_MS });
    await expect.poll(async () => ((await streaming.textContent()) ?? '').length, { timeout: LIVE_MS }).toBeGreaterThan(200);
    await ownershipBar(inbox).getByRole('button', { name: 'Take over' }).click();
    await expect(ownershipBar(inbox).getByRole('button', { name: 'Hand back to the agent' })).toBeVisible({ timeout: LIVE_MS });

    // The visitor sees her join; the stream is gone and no more agent text comes.
    const joined = `${alice.me.user.name} from the team joined the conversation.`;
    await expect(widgetConversation(page).getByText(joined)).toBeVisible({ timeout: LIVE_MS });
    await expect(streaming).toHaveCount(0, { timeout: LIVE_MS });
    const afterTakeover = (await widgetConversation(page).textContent()) ?? '';
    await page.waitForTimeout(QUIET_AFTER_TAKEOVER_MS);
    expect((await widgetConversation(page).textContent()) ?? '').toBe(afterTakeover);
    await expect(widgetConversation(page).getByText(/^Streamed [\d,]+ characters of markdown\.$/)).toHaveCount(0);
    const taken = await ownershipOf(alice, threadId!);
    expect(taken).toMatchObject({ status: 'open', assignee_id: alice.me.senderId, agent_paused: true });
    // The stream was stopped, not finished: its run failed as taken over.
    const failed = (await alice.events(threadId!)).filter((event) => event.event_type === 'run_failed');
    expect(failed.map((event) => (event.data.error as { code?: string } | undefined)?.code)).toEqual(['taken_over']);

    // A private note, then a reply: the reply reaches the visitor, the note never does.
    const note = `Private: refund approved by finance ${tag}`;
    await inbox.getByRole('group', { name: 'Write a' }).getByRole('button', { name: 'Note' }).click();
    await expect(inbox.getByText('Only your team sees this')).toBeVisible();
    const noteBox = inbox.getByRole('combobox', { name: 'Note' });
    await noteBox.fill(note);
    await inbox.getByRole('button', { name: 'Add note' }).click();
    await expect(noteBox).toHaveValue('');
    await expect(inbox.getByRole('note', { name: `Note by ${alice.me.user.name}` }).filter({ hasText: note })).toHaveCount(1, {
      timeout: LIVE_MS,
    });
    await inbox.getByRole('group', { name: 'Write a' }).getByRole('button', { name: 'Reply' }).click();
    const reply = `Hi ${name}, Alice here: your refund is on its way ${tag}`;
    await write(inbox, reply);
    await expect(widgetConversation(page).getByText(reply)).toBeVisible({ timeout: LIVE_MS });
    expect(await widgetDom(page)).not.toContain(note);
    expect(await widgetDom(page)).not.toContain('refund approved by finance');

    // Alice resolves: the visitor is told so.
    await ownershipBar(inbox).getByRole('button', { name: 'Resolve' }).click();
    await expect(ownershipBar(inbox).getByRole('button', { name: 'Reopen' })).toBeVisible({ timeout: LIVE_MS });
    await expect(widgetConversation(page).getByText('This conversation was resolved.')).toBeVisible({ timeout: LIVE_MS });
    const startNew = widgetConversation(page).getByRole('button', { name: 'Start a new conversation' });
    await expect(startNew).toBeVisible();
    expect((await ownershipOf(alice, threadId!)).status).toBe('resolved');

    // The visitor writes again: the thread reopens, and Alice finds it in Open (not in Resolved).
    const again = `One more question ${tag}`;
    await sendFromWidget(page, again);
    await expect(rowsWith(inbox, again)).toHaveCount(1, { timeout: LIVE_MS });
    await expect(ownershipBar(inbox).getByRole('button', { name: 'Resolve' })).toBeVisible({ timeout: LIVE_MS });
    await queue(inbox, 'Open').click();
    await expect(threadList(inbox).getByRole('button').filter({ hasText: name })).toBeVisible({ timeout: LIVE_MS });
    await queue(inbox, 'Resolved').click();
    await expect(queue(inbox, 'Resolved')).toHaveAttribute('aria-pressed', 'true');
    await expect(threadList(inbox).getByRole('button').filter({ hasText: name })).toHaveCount(0, { timeout: LIVE_MS });
    expect((await ownershipOf(alice, threadId!)).status).toBe('open');
    // The widget keeps "resolved" as a line of the history, but no longer offers a new conversation.
    await expect(startNew).toHaveCount(0, { timeout: LIVE_MS });
    expect(await ownershipOf(alice, threadId!)).toMatchObject({ assignee_id: alice.me.senderId, agent_paused: true });
    await expect(composer(inbox)).toBeVisible();
  } finally {
    await aliceContext.close();
  }
  await watch.expectClean();
});
