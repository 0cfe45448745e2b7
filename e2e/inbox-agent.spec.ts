import { expect, test, type Locator, type Page } from '@playwright/test';
import { MARKDOWN_CLASS } from '../src/markdown/markdown-classes.ts';
import { ALICE, BOB, UserApi, openThread, rowsWith, scroller, signIn, uniqueTag, write, type ThreadJson } from './support/inbox.ts';
import { SocketGate } from './support/socket-gate.ts';
import { expectAccessible } from './support/axe.ts';

/**
 * The demo agent seen in the inbox: a streamed reply that commits in place with the same
 * text, and run cards for tool calls, approvals (decided and expired) and failures.
 * The e2e server runs with APPROVAL_TTL_MS=8000 (playwright.config.ts).
 */

/** The rendered markdown of a message or streaming row (the same box in both). */
const markdownOf = (row: Locator) => row.locator(`[class="${MARKDOWN_CLASS}"]`);
const runCards = (page: Page) => scroller(page).getByRole('region', { name: /^Agent run by / });

test.describe('the demo agent in the inbox', () => {
  let alice: UserApi;
  let bob: UserApi;

  test.beforeEach(async ({ request }) => {
    alice = await UserApi.login(request, ALICE);
    bob = await UserApi.login(request, BOB);
  });

  async function newAgentThread(title: string): Promise<{ thread: ThreadJson; agentSenderId: string }> {
    const agent = await alice.demoAgent();
    const thread = await alice.createThread({ with: [bob], agents: [agent], title });
    return { thread, agentSenderId: agent.sender_id };
  }

  test('a reply streams, then commits in the same row with identical text', async ({ page }) => {
    const tag = uniqueTag();
    const { thread, agentSenderId } = await newAgentThread(`Agent stream ${tag}`);
    const gate = await SocketGate.install(page);
    await signIn(page, ALICE);
    await openThread(page, `Agent stream ${tag}`);

    // Record every state of the streaming row, to see that the reply grew in place.
    await scroller(page).evaluate((element, markdownClass) => {
      const states: string[] = [];
      (window as unknown as { __streamStates: string[] }).__streamStates = states;
      new MutationObserver(() => {
        const text = element.querySelector(`[data-row-kind="streaming_reply"] [class="${markdownClass}"]`)?.textContent;
        if (text && text !== states.at(-1)) states.push(text);
      }).observe(element, { childList: true, subtree: true, characterData: true });
    }, MARKDOWN_CLASS);

    // Hold the server's frames from the commit on: the screen shows the finished stream.
    const { held } = gate.holdFrom(
      (frame) =>
        frame.thread_id === thread.id &&
        ((frame.type === 'thread_message' && frame.data?.sender_id === agentSenderId) ||
          (frame.type === 'thread_runtime' &&
            ['reply_committed', 'run_finished', 'intake_completed'].includes(String(frame.data?.event_type)))),
    );
    await write(page, `/long streaming ${tag}`);
    await held;
    const streaming = scroller(page).locator('[data-row-kind="streaming_reply"]');
    await expect(streaming).toHaveCount(1);
    await expect(markdownOf(streaming)).toContainText('That is the end of the long answer.');
    const streamedText = await markdownOf(streaming).textContent();
    const rowHandle = await streaming.elementHandle();
    const states = await page.evaluate(() => (window as unknown as { __streamStates: string[] }).__streamStates);
    expect(states.length, 'the reply was shown while it grew').toBeGreaterThan(2);
    // (Partial markdown renders differently from the finished one, so the states are not prefixes of each other.)
    expect(states[0]!.length).toBeLessThan(streamedText!.length / 2);
    expect(states.at(-1)).toBe(streamedText);

    // The commit arrives: the same row turns into the committed message, with the same text.
    gate.release();
    await expect(streaming).toHaveCount(0);
    const committed = rowsWith(page, 'That is the end of the long answer.');
    await expect(committed).toHaveCount(1);
    expect(await markdownOf(committed).textContent()).toBe(streamedText);
    expect(await rowHandle!.evaluate((element) => element.isConnected && (element as HTMLElement).dataset.rowKind)).toBe('message');
    // And the server committed exactly one reply.
    const replies = await alice.messageContents(thread.id, agentSenderId);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('That is the end of the long answer.');
  });

  test('/tool says the tool call in words, with its name, input and result in the run card’s Details', async ({ page }) => {
    const tag = uniqueTag();
    const { thread, agentSenderId } = await newAgentThread(`Agent tool ${tag}`);
    await signIn(page, ALICE);
    await openThread(page, `Agent tool ${tag}`);
    const query = `invoices ${tag}`;
    await write(page, `/tool ${query}`);
    const matches = (query.length % 5) + 1;

    const card = runCards(page);
    await expect(card).toHaveCount(1);
    await expect(card).toContainText('Replied');
    const call = card.getByRole('list', { name: 'Tool calls' }).getByRole('listitem');
    await expect(call).toHaveText('Looked up records');
    // The tool's name, input and result are the card's Details, closed until asked for.
    const details = card.locator('details');
    await expect(details.getByText(`Input ${JSON.stringify({ query })}`)).toBeHidden();
    await details.getByText('Details', { exact: true }).click();
    await expect(details).toContainText('Tool: lookup');
    await expect(details.getByText(`Input ${JSON.stringify({ query })}`)).toBeVisible();
    await expect(details).toContainText(`Result ${matches} matching records for "${query}"`);
    await expect(rowsWith(page, `I found ${matches} matching records for “${query}”.`)).toHaveCount(1);

    const log = await alice.events(thread.id);
    expect(log.filter((event) => event.event_type === 'tool_call_completed')).toHaveLength(1);
    expect(await alice.messageContents(thread.id, agentSenderId)).toHaveLength(1);
  });

  test('/approve: Approve shows the outcome, the tool call and the reply', async ({ page }) => {
    const tag = uniqueTag();
    const { thread, agentSenderId } = await newAgentThread(`Agent approve ${tag}`);
    await signIn(page, ALICE);
    await openThread(page, `Agent approve ${tag}`);
    await write(page, `/approve Report ${tag}`);

    const card = runCards(page);
    const approval = card.getByRole('list', { name: 'Approvals' }).getByRole('listitem');
    await expect(approval).toContainText('Approval needed to send an email');
    await expect(approval).toContainText(`to: team@example.com · subject: Report ${tag}`);
    await expect(approval).toContainText(/expires in \d+ s/);
    await approval.getByRole('button', { name: 'Approve' }).click();

    await expect(approval).toContainText('Approval to send an email: Approved by Alice');
    await expect(approval.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await expect(card.getByRole('list', { name: 'Tool calls' })).toHaveText('Sent an email');
    await expect(card.locator('details')).toContainText('Result queued for delivery');
    await expect(card).toContainText('Replied');
    await expect(rowsWith(page, 'Approved, so I sent it.')).toHaveCount(1);
    await expectAccessible(page, 'run card: approval approved');

    const log = await alice.events(thread.id);
    expect(log.filter((event) => event.event_type === 'approval_resolved').map((event) => event.data.decision)).toEqual(['approve']);
    expect(await alice.messageContents(thread.id, agentSenderId)).toEqual([
      `I'd like to send an email titled “Report ${tag}”. Approved, so I sent it.`,
    ]);
  });

  test('/approve left alone expires and says so', async ({ page }) => {
    const tag = uniqueTag();
    const { thread } = await newAgentThread(`Agent expire ${tag}`);
    await signIn(page, ALICE);
    await openThread(page, `Agent expire ${tag}`);
    await write(page, `/approve Nobody decides ${tag}`);

    const approval = runCards(page).getByRole('list', { name: 'Approvals' }).getByRole('listitem');
    await expect(approval).toContainText('Approval needed to send an email');
    await expect(approval.getByRole('button', { name: 'Approve' })).toBeEnabled();
    // APPROVAL_TTL_MS is 8 s on the e2e server.
    await expect(approval).toContainText('Approval to send an email: Expired', { timeout: 20_000 });
    await expect(approval.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await expect(approval.getByRole('button', { name: 'Reject' })).toHaveCount(0);
    await expect(rowsWith(page, 'Nobody answered in time, so I did not send anything.')).toHaveCount(1);
    await expectAccessible(page, 'run card: approval expired');
    const log = await alice.events(thread.id);
    expect(log.map((event) => event.event_type)).toContain('approval_expired');
  });

  test('/fail shows the reason and Retry, and Retry starts a new run', async ({ page }) => {
    const tag = uniqueTag();
    const { thread } = await newAgentThread(`Agent fail ${tag}`);
    await signIn(page, ALICE);
    await openThread(page, `Agent fail ${tag}`);
    await write(page, `/fail please ${tag}`);

    const cards = runCards(page);
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText('Failed');
    await expect(cards.first()).toContainText('The demo agent failed on purpose (/fail).');
    await cards.first().getByRole('button', { name: 'Retry' }).click();

    // A second run answers the same message (and fails again, as /fail does), in the first one's card.
    await expect(cards.first().getByRole('button', { name: 'An earlier attempt failed · Show' })).toBeVisible();
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText('The demo agent failed on purpose (/fail).');
    await expect(cards.first().getByRole('button', { name: 'Retry', exact: true })).toBeVisible();
    await expect.poll(async () => (await alice.events(thread.id)).filter((event) => event.event_type === 'run_failed').length).toBe(2);
    const failures = (await alice.events(thread.id)).filter((event) => event.event_type === 'run_failed');
    expect(new Set(failures.map((event) => event.data.run_id)).size).toBe(2);
  });
});
