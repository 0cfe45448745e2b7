import { expect, test } from './fixtures/alice-and-bob.ts';
import {
  ALICE,
  BOB,
  peerURL,
  collectRows,
  composer,
  conversation,
  expectMessagesInOrder,
  openThread,
  rowsWith,
  signIn,
  threadButton,
  titleUnread,
  write,
} from './support/inbox.ts';

/**
 * Two people in two browsers: messages both ways, typing and presence, and unread counts
 * in the thread list and the tab title.
 */
test('Alice and Bob chat both ways, see each other typing and viewing, and unread counts follow', async ({
  browser,
  alice,
  bob,
  tag,
  startThread,
}) => {
  const shared = await startThread('Chat');
  await startThread('Elsewhere');

  const aliceContext = await browser.newContext();
  // In the cluster project Bob is on another server process than Alice.
  const peer = peerURL();
  const bobContext = await browser.newContext(peer ? { baseURL: peer } : {});
  try {
    const a = await aliceContext.newPage();
    const b = await bobContext.newPage();
    await signIn(a, ALICE);
    await signIn(b, BOB);
    await openThread(a, `Chat ${tag}`);
    await openThread(b, `Chat ${tag}`);

    // Presence: each sees the other viewing, in the line under the list and as a dot in the header.
    await expect(conversation(a).getByText('Bob is viewing')).toBeVisible();
    await expect(conversation(b).getByText('Alice is viewing')).toBeVisible();
    await expect(a.getByRole('list', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Bob' })).toContainText('(viewing)');
    await expect(b.getByRole('list', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Alice' })).toContainText(
      '(viewing)',
    );
    await expect(threadButton(a, `Chat ${tag}`).getByTitle('Someone is viewing')).toBeVisible();

    // Bob types: Alice sees it; Bob sends: Alice gets the message and the typing line clears.
    const fromBob = `Hello Alice, it is Bob ${tag}`;
    await composer(b).pressSequentially(fromBob.slice(0, 12));
    await expect(conversation(a).getByText('Bob is typing…')).toBeVisible();
    await expect(threadButton(a, `Chat ${tag}`)).toContainText('Bob is typing…');
    await composer(b).pressSequentially(fromBob.slice(12));
    await composer(b).press('Enter');
    await expect(rowsWith(a, fromBob)).toHaveCount(1);
    await expect(rowsWith(b, fromBob)).toHaveCount(1);
    await expect(conversation(a).getByText('Bob is typing…')).toBeHidden();

    // And the other way round.
    const fromAlice = `Hi Bob, Alice here ${tag}`;
    await composer(a).pressSequentially(fromAlice.slice(0, 10));
    await expect(conversation(b).getByText('Alice is typing…')).toBeVisible();
    await composer(a).pressSequentially(fromAlice.slice(10));
    await composer(a).press('Enter');
    await expect(rowsWith(b, fromAlice)).toHaveCount(1);
    await expect(rowsWith(a, fromAlice)).toHaveCount(1);
    await expect(conversation(b).getByText('Alice is typing…')).toBeHidden();

    // Bob moves to another thread right away: Alice no longer sees him viewing hers, and the
    // message he saw counts as read although he left within the read-report delay.
    await openThread(b, `Elsewhere ${tag}`);
    await expect(threadButton(b, `Chat ${tag}`).getByLabel(/unread/)).toHaveCount(0);
    await expect.poll(async () => (await bob.thread(shared.id)).unread_count).toBe(0);
    await expect(conversation(a).getByText('Bob is viewing')).toBeHidden();
    await expect(a.getByRole('list', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Bob' })).not.toContainText(
      '(viewing)',
    );
    await expect(threadButton(a, `Chat ${tag}`).getByTitle('Someone is viewing')).toHaveCount(0);

    // Alice writes three messages while Bob is elsewhere: his list and tab title count them.
    const before = await titleUnread(b);
    const unread = [1, 2, 3].map((n) => `Unread number ${n} for Bob ${tag}`);
    for (const text of unread) await write(a, text);
    await expect(threadButton(b, `Chat ${tag}`).getByLabel('3 unread')).toBeVisible();
    await expect(b).toHaveTitle(`(${before + 3}) Inbox`);
    await expect(threadButton(b, `Chat ${tag}`)).toContainText(`Alice: ${unread[2]}`);

    // Bob opens the thread: the count clears, in the list, the title and on the server.
    await openThread(b, `Chat ${tag}`);
    for (const text of unread) await expect(rowsWith(b, text)).toHaveCount(1);
    await expect(threadButton(b, `Chat ${tag}`).getByLabel(/unread/)).toHaveCount(0);
    await expect(b).toHaveTitle(before === 0 ? 'Inbox' : `(${before}) Inbox`);
    await expect.poll(async () => (await bob.thread(shared.id)).unread_count).toBe(0);

    // Both screens end equal to the server's log: every message once, in order.
    const log = await alice.messageContents(shared.id);
    expect(log).toEqual([fromBob, fromAlice, ...unread]);
    expectMessagesInOrder(await collectRows(a), log);
    expectMessagesInOrder(await collectRows(b), log);
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
