import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { composer, rowsWith, write } from './support/inbox.ts';
import { openTabs } from './support/inbox-tabs.ts';

/**
 * One outbox for the tabs of a browser profile: a message written in any tab is sent once,
 * by the leader tab; every tab shows its state; retry and discard work from any tab. Drafts
 * follow the user from tab to tab.
 */

const SENDS = '**/api/v1/chat/threads/*/messages';

const pending = (page: Page, text: string) => rowsWith(page, text, 'pending_message');

test('a message written in a follower tab is sent once by the leader; its state shows in every tab; retry and discard work from any tab', async ({
  browser,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Tabs outbox');
  const title = thread.title;
  const context = await browser.newContext();
  try {
    const [leader, follower, other] = await openTabs(context, 3, { thread: title });
    // Only the leader's sends are refused: a follower sending by itself would commit at once.
    await leader!.route(SENDS, (route) =>
      route.fulfill({ status: 403, json: { error: { code: 'forbidden', message: 'Refused for the test', retryable: false } } }),
    );

    const discarded = `Discarded from another tab ${tag}`;
    await write(follower!, discarded);
    for (const page of [leader!, follower!, other!]) await expect(pending(page, discarded)).toContainText('Not sent');
    await pending(other!, discarded).getByRole('button', { name: 'Discard' }).click();
    for (const page of [leader!, follower!, other!]) await expect(pending(page, discarded)).toHaveCount(0);

    const retried = `Retried from another tab ${tag}`;
    await write(other!, retried);
    for (const page of [leader!, follower!, other!]) await expect(pending(page, retried)).toContainText('Not sent');

    await context.setOffline(true);
    await leader!.unroute(SENDS);
    const offline = `Written offline in a follower ${tag}`;
    await write(follower!, offline);
    for (const page of [leader!, follower!, other!]) await expect(pending(page, offline)).toContainText('Waiting for the connection…');
    await pending(follower!, retried).getByRole('button', { name: 'Retry' }).click();
    for (const page of [leader!, follower!, other!]) await expect(pending(page, retried)).toContainText('Waiting for the connection…');
    expect(await alice.messageContents(thread.id)).toEqual([]);

    await context.setOffline(false);
    await expect.poll(() => alice.messageContents(thread.id), { timeout: 20_000 }).toEqual([retried, offline]);
    for (const page of [leader!, follower!, other!]) {
      for (const text of [retried, offline]) {
        await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 20_000 });
        await expect(pending(page, text)).toHaveCount(0);
      }
    }
    expect(await alice.messageContents(thread.id)).toEqual([retried, offline]);
  } finally {
    await context.close();
  }
});

test('a draft typed in one tab appears in the others, but not under the user typing in another tab', async ({
  browser,
  tag,
  startThread,
}) => {
  const { title } = await startThread('Tabs drafts');
  const context = await browser.newContext();
  try {
    const [one, two, three] = await openTabs(context, 3, { thread: title });
    // Opening a thread focuses its composer, and Playwright keeps every page focused: leave them,
    // as a user does by switching to another tab.
    for (const page of [one!, two!, three!]) await composer(page).blur();
    await composer(one!).fill(`A draft from tab one ${tag}`);
    await composer(one!).blur();
    await expect(composer(two!)).toHaveValue(`A draft from tab one ${tag}`);
    await expect(composer(three!)).toHaveValue(`A draft from tab one ${tag}`);

    // Tab two's user is in its composer: tab one's next text waits there until they leave it.
    await composer(two!).fill(`Typed in tab two ${tag}`);
    await composer(one!).fill(`Then tab one again ${tag}`);
    await composer(one!).blur();
    await expect(composer(three!)).toHaveValue(`Then tab one again ${tag}`);
    await expect(composer(two!)).toBeFocused();
    await expect(composer(two!)).toHaveValue(`Typed in tab two ${tag}`);

    // Sending clears the draft everywhere: at once where nobody is in the composer, in tab two once its user leaves it.
    await write(three!, `Sent from tab three ${tag}`);
    await expect(composer(one!)).toHaveValue('');
    await expect(composer(two!)).toHaveValue(`Typed in tab two ${tag}`);
    await composer(two!).blur();
    await expect(composer(two!)).toHaveValue('');
  } finally {
    await context.close();
  }
});

test('the leader tab closes while a message waits: the next leader sends it, once', async ({ browser, alice, tag, startThread }) => {
  const thread = await startThread('Tabs hand-over');
  const title = thread.title;
  const context = await browser.newContext();
  try {
    const [leader, follower, other] = await openTabs(context, 3, { thread: title });
    await context.setOffline(true);
    const texts = [`First while offline ${tag}`, `Second while offline ${tag}`];
    await write(follower!, texts[0]!);
    await write(other!, texts[1]!);
    for (const page of [follower!, other!]) for (const text of texts) await expect(pending(page, text)).toHaveCount(1);
    await leader!.close();
    await context.setOffline(false);
    await expect.poll(() => alice.messageContents(thread.id), { timeout: 20_000 }).toEqual(texts);
    for (const page of [follower!, other!]) {
      for (const text of texts) {
        await expect(rowsWith(page, text)).toHaveCount(1, { timeout: 20_000 });
        await expect(pending(page, text)).toHaveCount(0);
      }
    }
    expect(await alice.messageContents(thread.id)).toEqual(texts);
  } finally {
    await context.close();
  }
});
