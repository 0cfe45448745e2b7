import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import {
  ALICE,
  BOB,
  UserApi,
  collectRows,
  conversation,
  expectMessagesInOrder,
  openThread,
  rowsWith,
  signIn,
  expectSyncedTo,
  syncHealth,
  uniqueTag,
  write,
} from './support/inbox.ts';
import { OwnServer } from './support/own-server.ts';

/**
 * The inbox when the network or the server goes away: nothing is lost, nothing is shown or
 * committed twice, and the app recovers by itself.
 */

const banner = (page: Page) => page.getByRole('status').filter({ hasText: /Connection lost|You are offline|Cannot connect/ });

/** The number of committed messages in `contents` equal to `text`. */
const copies = (contents: string[], text: string) => contents.filter((content) => content === text).length;

test('offline: what others sent meanwhile arrives once and in order; what I wrote is pending, then delivered once', async ({
  browser,
  alice,
  bob,
  tag,
  startThread,
}) => {
  const thread = await startThread('Offline');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, ALICE);
    await openThread(page, `Offline ${tag}`);
    await write(page, `Before going offline ${tag}`);
    await expect(rowsWith(page, `Before going offline ${tag}`)).toHaveCount(1);

    await context.setOffline(true);
    await expect(banner(page)).toContainText('You are offline');

    const batch = Array.from({ length: 20 }, (_, i) => `Sent while Alice was offline ${tag} #${String(i + 1).padStart(2, '0')}`);
    for (const text of batch) await bob.send(thread.id, text);

    await expect(syncHealth(page)).toHaveText(/^Offline/);
    const mine = `Written while offline ${tag}`;
    await write(page, mine);
    const pending = rowsWith(page, mine, 'pending_message');
    await expect(pending).toHaveCount(1);
    await expect(pending).toContainText('Waiting for the connection…');
    expect(copies(await alice.messageContents(thread.id), mine)).toBe(0);

    await context.setOffline(false);
    await expect(banner(page)).toHaveCount(0, { timeout: 20_000 });
    await expect(rowsWith(page, mine)).toHaveCount(1, { timeout: 20_000 });
    await expect(pending).toHaveCount(0);
    const log = await alice.messageContents(thread.id);
    expect(log).toEqual([`Before going offline ${tag}`, ...batch, mine]);
    await expectSyncedTo(page, (await alice.thread(thread.id)).last_seq);
    expectMessagesInOrder(await collectRows(page), log);
  } finally {
    await context.close();
  }
});

test('a message that cannot be sent stays pending across a reload and is delivered once afterwards', async ({
  page,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Pending');
  await signIn(page, ALICE);
  await openThread(page, `Pending ${tag}`);

  // The API is unreachable for sends: the request fails in the browser, as on a dead network.
  const sends = '**/api/v1/chat/threads/*/messages';
  await page.route(sends, (route) => route.abort('internetdisconnected'));
  const text = `Survives a reload ${tag}`;
  await write(page, text);
  await expect(rowsWith(page, text, 'pending_message')).toContainText(/Not sent yet .*trying again/);

  await page.reload();
  await expect(conversation(page).getByRole('heading', { name: `Pending ${tag}` })).toBeVisible();
  await expect(rowsWith(page, text, 'pending_message')).toHaveCount(1);
  expect(copies(await alice.messageContents(thread.id), text)).toBe(0);

  await page.unroute(sends);
  await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 30_000 });
  await expect(rowsWith(page, text, 'pending_message')).toHaveCount(0);
  expect(await alice.messageContents(thread.id)).toEqual([text]);
  // Another reload shows it once, from the server's log alone.
  await page.reload();
  await expect(syncHealth(page)).toHaveText(/^Synced/);
  expectMessagesInOrder(await collectRows(page), [text], ['message', 'pending_message']);
});

test('the server restarts mid-conversation: the app reconnects by itself, with no gap and no duplicate', async ({
  browser,
  playwright,
}) => {
  const server = await OwnServer.create();
  await server.start();
  const request = await playwright.request.newContext({ baseURL: server.baseURL });
  const context = await browser.newContext({ baseURL: server.baseURL });
  try {
    // This test's own server, in every project.
    const alice = await UserApi.login(request, ALICE, server.baseURL);
    const bob = await UserApi.login(request, BOB, server.baseURL);
    const tag = uniqueTag();
    const thread = await alice.createThread({ with: [bob], title: `Restart ${tag}` });
    const page = await context.newPage();
    await signIn(page, ALICE);
    await openThread(page, `Restart ${tag}`);

    const expected: string[] = [];
    for (const n of [1, 2]) {
      const mine = `Alice before the restart ${tag} (${n})`;
      await write(page, mine);
      // Committed before Bob writes, so the order below is the server's, not a race.
      await expect(rowsWith(page, mine)).toHaveCount(1);
      expected.push(mine);
      const theirs = `Bob before the restart ${tag} (${n})`;
      await bob.send(thread.id, theirs);
      expected.push(theirs);
    }
    for (const text of expected) await expect(rowsWith(page, text)).toHaveCount(1);

    await server.stop();
    await expect(banner(page)).toContainText('Connection lost');
    await expect(banner(page).getByRole('button', { name: 'Retry now' })).toBeVisible();
    // Written while the server is down: pending until it is back.
    const duringOutage = `Alice while the server is down ${tag}`;
    await write(page, duringOutage);
    await expect(rowsWith(page, duringOutage, 'pending_message')).toHaveCount(1);

    await server.start();
    const after = [1, 2, 3].map((n) => `Bob after the restart ${tag} (${n})`);
    for (const text of after) await bob.send(thread.id, text);

    // No click: the app reconnects, catches up and sends what was pending, on its own.
    await expect(banner(page)).toHaveCount(0, { timeout: 40_000 });
    await expect(rowsWith(page, duringOutage)).toHaveCount(1, { timeout: 30_000 });
    for (const text of after) await expect(rowsWith(page, text)).toHaveCount(1);
    const lastSeq = (await alice.thread(thread.id)).last_seq;
    await expectSyncedTo(page, lastSeq);

    const log = await alice.messageContents(thread.id);
    expect(log.slice(0, expected.length)).toEqual(expected);
    expect(copies(log, duringOutage)).toBe(1);
    expect([...log].sort()).toEqual([...expected, duringOutage, ...after].sort());
    expectMessagesInOrder(await collectRows(page), log);

    // And it keeps working both ways.
    const lastWord = `Alice after the restart ${tag}`;
    await write(page, lastWord);
    await expect(rowsWith(page, lastWord)).toHaveCount(1);
    await expect.poll(async () => copies(await alice.messageContents(thread.id), lastWord)).toBe(1);
  } finally {
    await context.close();
    await request.dispose();
    await server.dispose();
  }
});
