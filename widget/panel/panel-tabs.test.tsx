import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT, FakeServer, mountTestPanel, THREAD, TOKEN, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';
import { StorageHub } from './testing/storage-hub.ts';

/**
 * Two tabs of one site, each with its panel, engine and connection, sharing localStorage
 * (StorageHub tells each what the other wrote, as the `storage` event does).
 */

afterEach(() => unmountAll());

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };

async function twoTabs(): Promise<{ first: Harness; second: Harness; server: FakeServer }> {
  const server = new FakeServer();
  const tabs = new StorageHub();
  const first = await mountTestPanel({ server, tabs, record: KNOWN });
  // The second tab finds the record the first one left.
  const second = await mountTestPanel({ server, tabs });
  for (const tab of [first, second]) {
    await act(() => tab.connection.open());
    await tab.settle();
  }
  return { first, second, server };
}

/** The agent replies: each tab hears it on its own connection. */
async function reply(server: FakeServer, tabs: Harness[], text: string) {
  const message = server.message(AGENT, text);
  await hear(message, tabs);
  return message;
}

async function hear(message: ReturnType<FakeServer['message']>, tabs: Harness[]) {
  for (const tab of tabs) {
    act(() => tab.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: message }));
    await tab.settle();
  }
}

describe('the visitor’s tabs agree', () => {
  it('reading in one tab clears the badge in the other, and its later count starts from there', async () => {
    const { first, second, server } = await twoTabs();
    await reply(server, [first, second], 'First answer');
    expect(first.host.setUnread).toHaveBeenLastCalledWith(1);
    expect(second.host.setUnread).toHaveBeenLastCalledWith(1);

    // The visitor reads it in the first tab.
    act(() => first.controller.opened());
    await first.settle();
    await second.settle();
    expect(first.record()).toMatchObject({ unread: 0 });
    expect(second.host.setUnread).toHaveBeenLastCalledWith(0);
    expect(second.events('unread').at(-1)).toEqual({ count: 0 });

    // A new message while the first tab is still open: the second tab counts it alone (1, not 2),
    // and the first reads it at once.
    act(() => first.controller.closed());
    act(() => first.controller.opened());
    const next = await reply(server, [second, first], 'Second answer');
    await second.settle();
    expect(second.events('unread')).toContainEqual({ count: 1 });
    expect(second.events('unread')).not.toContainEqual({ count: 2 });
    expect(first.record()).toMatchObject({ appliedSeq: next.thread_seq, unread: 0 });
    expect(second.host.setUnread).toHaveBeenLastCalledWith(0);
  });

  it('an unread count made in one tab shows in the other before its own connection has the message', async () => {
    const { first, second, server } = await twoTabs();
    const message = await reply(server, [first], 'Only the first tab has heard this yet');
    await second.settle();
    expect(second.host.setUnread).toHaveBeenLastCalledWith(1);
    expect(second.events('unread')).toEqual([{ count: 1 }]);
    // When its connection brings the message, the count stays (no second announcement, no write back).
    await hear(message, [second]);
    await first.settle();
    expect(second.events('unread')).toEqual([{ count: 1 }]);
    expect(first.events('unread')).toEqual([{ count: 1 }]);
    expect(second.record()).toMatchObject({ unread: 1 });
  });

  it('closing in one tab closes the other (once, no echo); opening does not open the other', async () => {
    const { first, second } = await twoTabs();
    // The loader's part: requestClose hides the panel and calls closed().
    for (const tab of [first, second]) tab.host.requestClose.mockImplementation(() => tab.controller.closed());

    act(() => first.controller.opened());
    await second.settle();
    expect(second.host.requestClose).not.toHaveBeenCalled();

    act(() => second.controller.opened());
    act(() => first.controller.closed());
    await first.settle();
    await second.settle();
    expect(second.host.requestClose).toHaveBeenCalledTimes(1);
    // The second tab's close was the first's doing: it does not announce one back.
    expect(first.host.requestClose).not.toHaveBeenCalled();

    // A close in a tab whose panel is closed already changes nothing there.
    act(() => first.controller.closed());
    await second.settle();
    expect(second.host.requestClose).toHaveBeenCalledTimes(1);
  });
});

describe('a conversation started in another tab', () => {
  it('is followed by a tab on its first run: same thread, same token, no second conversation', async () => {
    const server = new FakeServer();
    const tabs = new StorageHub();
    const waiting = await mountTestPanel({ server, tabs });
    expect(waiting.engineInputs).toHaveLength(0);

    // The visitor starts chatting in another tab (its record lands in the shared storage).
    const chatting = await mountTestPanel({ server, tabs, record: KNOWN });
    await waiting.settle();
    await act(() => waiting.connection.open());
    await waiting.settle();

    expect(waiting.engineInputs).toHaveLength(1);
    expect(waiting.engineInputs[0]).toMatchObject({ threadId: THREAD, visitorToken: TOKEN });
    expect(waiting.dialog().querySelector('#ama-email')).toBeNull();
    expect(waiting.dialog().querySelector('textarea')).not.toBeNull();
    // It resumed with the other tab's token: nothing new was resolved on the server.
    expect(server.api.resolveThread).toHaveBeenLastCalledWith('demo', expect.anything(), TOKEN);
    expect(waiting.record()).toMatchObject({ threadId: THREAD, visitorToken: TOKEN });
    expect(chatting.record()).toMatchObject({ threadId: THREAD, visitorToken: TOKEN });
  });
});
