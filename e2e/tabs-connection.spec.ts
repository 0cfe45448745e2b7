import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { collectRows, expectMessagesInOrder, expectSyncedTo, openThread, rowsWith, syncHealth, write } from './support/inbox.ts';
import { openTabs } from './support/inbox-tabs.ts';
import type { UserApi } from './support/inbox.ts';
import { UserSockets } from './support/user-sockets.ts';

/**
 * One user WebSocket per browser (issue 11): three tabs of one signed-in user in one browser
 * context share the leader tab's socket. Counted from the browser's side (every page's
 * `websocket` events), checked against the server's log over REST.
 */

/** Long enough for a new leader to connect and every tab to catch up. */
const HAND_OVER_TIMEOUT_MS = 20_000;

/** The one tab that holds the socket, once every tab agrees there is exactly one. */
async function leaderOf(sockets: UserSockets): Promise<Page> {
  await expect.poll(() => sockets.holders().length).toBe(1);
  return sockets.holders()[0]!;
}

/** Three tabs on the thread `title`, their sockets counted: the leader and the two others. */
async function threeTabsOn(context: BrowserContext, title: string): Promise<{ sockets: UserSockets; leader: Page; others: Page[] }> {
  const sockets = new UserSockets();
  const pages = await openTabs(context, 3, { sockets, thread: title });
  const leader = await leaderOf(sockets);
  return { sockets, leader, others: pages.filter((page) => page !== leader) };
}

/** After a hand-over: every page shows each text once, in order, synced to the thread's last seq. */
async function expectCaughtUp(pages: Page[], alice: UserApi, threadId: string, texts: string[]): Promise<void> {
  for (const page of pages) {
    for (const text of texts) await expect(rowsWith(page, text)).toHaveCount(1, { timeout: HAND_OVER_TIMEOUT_MS });
    await expectSyncedTo(page, (await alice.thread(threadId)).last_seq);
    expectMessagesInOrder(await collectRows(page), texts);
  }
}

const copies = (contents: string[], text: string) => contents.filter((content) => content === text).length;

test('three tabs hold one user WebSocket, and a message sent from each tab commits once', async ({ browser, alice, tag, startThread }) => {
  const thread = await startThread('Tabs');
  const title = thread.title;
  const context = await browser.newContext();
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, 3, { sockets });
    await leaderOf(sockets);
    for (const page of pages) await openThread(page, title);
    const texts = pages.map((_, index) => `From tab ${index + 1} ${tag}`);
    for (const [index, page] of pages.entries()) await write(page, texts[index]!);
    for (const page of pages) for (const text of texts) await expect(rowsWith(page, text)).toHaveCount(1);
    await expect.poll(async () => [...(await alice.messageContents(thread.id))].sort()).toEqual([...texts].sort());
    expect(sockets.count).toBe(1);
    expect(sockets.max).toBe(1);
    expect(sockets.opened).toBe(1);
  } finally {
    await context.close();
  }
});

test('closing the leader tab while the other user sends 20 messages delivers all 20 once, in order, to the other tabs', async ({
  browser,
  alice,
  bob,
  tag,
  startThread,
}) => {
  const thread = await startThread('Hand-over');
  const title = thread.title;
  const context = await browser.newContext();
  try {
    const { sockets, leader, others } = await threeTabsOn(context, title);

    const batch = Array.from({ length: 20 }, (_, i) => `Sent during the hand-over ${tag} #${String(i + 1).padStart(2, '0')}`);
    const sending = (async () => {
      for (const text of batch) await bob.send(thread.id, text);
    })();
    // Mid-stream: some messages arrived through the old leader, the rest come after it is gone.
    await expect(rowsWith(others[0]!, batch[4]!)).toHaveCount(1);
    await sockets.close(leader);
    await sending;

    await expectCaughtUp(others, alice, thread.id, batch);
    expect(await alice.messageContents(thread.id)).toEqual(batch);
    const next = await leaderOf(sockets);
    expect(others).toContain(next);
    expect(sockets.max).toBe(1);
  } finally {
    await context.close();
  }
});

test('offline, the leader closes; back online nothing is lost and nothing is doubled', async ({
  browser,
  alice,
  bob,
  tag,
  startThread,
}) => {
  const thread = await startThread('Offline hand-over');
  const title = thread.title;
  const context = await browser.newContext();
  try {
    const { sockets, leader, others } = await threeTabsOn(context, title);

    await context.setOffline(true);
    for (const page of others) await expect(syncHealth(page)).toHaveText(/^Offline/);
    await sockets.close(leader);
    const batch = Array.from({ length: 10 }, (_, i) => `Sent while the tabs were offline ${tag} #${String(i + 1).padStart(2, '0')}`);
    for (const text of batch) await bob.send(thread.id, text);
    const mine = `Written offline after the hand-over ${tag}`;
    await write(others[1]!, mine);
    await expect(rowsWith(others[1]!, mine, 'pending_message')).toHaveCount(1);

    await context.setOffline(false);
    const expected = [...batch, mine];
    await expectCaughtUp(others, alice, thread.id, expected);
    const log = await alice.messageContents(thread.id);
    expect(log).toEqual(expected);
    expect(copies(log, mine)).toBe(1);
    await leaderOf(sockets);
    expect(sockets.max).toBe(1);
  } finally {
    await context.close();
  }
});
