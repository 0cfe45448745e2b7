import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  ALICE,
  BOB,
  UserApi,
  collectRows,
  expectMessagesInOrder,
  openThread,
  rowsWith,
  signIn,
  syncHealth,
  threadList,
  uniqueTag,
  write,
} from './support/inbox.ts';
import { UserSockets } from './support/user-sockets.ts';

/**
 * One user WebSocket per browser (issue 11): three tabs of one signed-in user in one browser
 * context share the leader tab's socket. Counted from the browser's side (every page's
 * `websocket` events), checked against the server's log over REST.
 */

/** Signs Alice in in the first tab; the others open the inbox already signed in (the session is shared). */
async function openTabs(context: BrowserContext, sockets: UserSockets, count: number): Promise<Page[]> {
  const first = sockets.watch(await context.newPage());
  await signIn(first, ALICE);
  const pages = [first];
  for (let i = 1; i < count; i++) {
    const page = sockets.watch(await context.newPage());
    await page.goto('/');
    await expect(threadList(page)).toBeVisible();
    pages.push(page);
  }
  return pages;
}

/** The one tab that holds the socket, once every tab agrees there is exactly one. */
async function leaderOf(sockets: UserSockets): Promise<Page> {
  await expect.poll(() => sockets.holders().length).toBe(1);
  return sockets.holders()[0]!;
}

const copies = (contents: string[], text: string) => contents.filter((content) => content === text).length;

test('three tabs hold one user WebSocket, and a message sent from each tab commits once', async ({ browser, request }) => {
  const alice = await UserApi.login(request, ALICE);
  const bob = await UserApi.login(request, BOB);
  const tag = uniqueTag();
  const title = `Tabs ${tag}`;
  const thread = await alice.createThread({ with: [bob], title });
  const context = await browser.newContext();
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, sockets, 3);
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
  request,
}) => {
  const alice = await UserApi.login(request, ALICE);
  const bob = await UserApi.login(request, BOB);
  const tag = uniqueTag();
  const title = `Hand-over ${tag}`;
  const thread = await alice.createThread({ with: [bob], title });
  const context = await browser.newContext();
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, sockets, 3);
    for (const page of pages) await openThread(page, title);
    const leader = await leaderOf(sockets);
    const others = pages.filter((page) => page !== leader);

    const batch = Array.from({ length: 20 }, (_, i) => `Sent during the hand-over ${tag} #${String(i + 1).padStart(2, '0')}`);
    const sending = (async () => {
      for (const text of batch) await bob.send(thread.id, text);
    })();
    // Mid-stream: some messages arrived through the old leader, the rest come after it is gone.
    await expect(rowsWith(others[0]!, batch[4]!)).toHaveCount(1);
    await leader.close();
    await sending;

    for (const page of others) {
      for (const text of batch) await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 20_000 });
      await expect(syncHealth(page)).toHaveText(`Synced · #${(await alice.thread(thread.id)).last_seq}`);
      expectMessagesInOrder(await collectRows(page), batch);
    }
    expect(await alice.messageContents(thread.id)).toEqual(batch);
    const next = await leaderOf(sockets);
    expect(others).toContain(next);
    expect(sockets.max).toBe(1);
  } finally {
    await context.close();
  }
});

test('offline, the leader closes; back online nothing is lost and nothing is doubled', async ({ browser, request }) => {
  const alice = await UserApi.login(request, ALICE);
  const bob = await UserApi.login(request, BOB);
  const tag = uniqueTag();
  const title = `Offline hand-over ${tag}`;
  const thread = await alice.createThread({ with: [bob], title });
  const context = await browser.newContext();
  const sockets = new UserSockets();
  try {
    const pages = await openTabs(context, sockets, 3);
    for (const page of pages) await openThread(page, title);
    const leader = await leaderOf(sockets);
    const others = pages.filter((page) => page !== leader);

    await context.setOffline(true);
    for (const page of others) await expect(syncHealth(page)).toHaveText(/^Offline/);
    await leader.close();
    const batch = Array.from({ length: 10 }, (_, i) => `Sent while the tabs were offline ${tag} #${String(i + 1).padStart(2, '0')}`);
    for (const text of batch) await bob.send(thread.id, text);
    const mine = `Written offline after the hand-over ${tag}`;
    await write(others[1]!, mine);
    await expect(rowsWith(others[1]!, mine, 'pending_message')).toHaveCount(1);

    await context.setOffline(false);
    const expected = [...batch, mine];
    for (const page of others) {
      for (const text of expected) await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 20_000 });
      await expect(syncHealth(page)).toHaveText(`Synced · #${(await alice.thread(thread.id)).last_seq}`);
      expectMessagesInOrder(await collectRows(page), expected);
    }
    const log = await alice.messageContents(thread.id);
    expect(log).toEqual(expected);
    expect(copies(log, mine)).toBe(1);
    await leaderOf(sockets);
    expect(sockets.max).toBe(1);
  } finally {
    await context.close();
  }
});
