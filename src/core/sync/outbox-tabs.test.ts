import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeOutboxTabs } from '../testing/fake-outbox-tabs.ts';
import { parseOutboxTabMessage } from './outbox-tab-messages.ts';

const input = (content: string, threadId = 't') => ({ threadId, content, baseSeq: null, latestSeenSeq: null });
const settle = (world: FakeOutboxTabs) => world.settle(() => vi.runAllTimersAsync());
const runFor = async (world: FakeOutboxTabs, ms: number) => {
  await world.hub.flush();
  await vi.advanceTimersByTimeAsync(ms);
};

describe('one outbox shared by the tabs of a browser profile', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a message written in each tab once, by the leader, and every tab ends empty', async () => {
    const world = new FakeOutboxTabs();
    const tabs = [await world.open(), await world.open(), await world.open()];
    expect(tabs.map((tab) => tab.leadership.isLeader())).toEqual([true, false, false]);
    for (const [index, tab] of tabs.entries()) {
      await tab.outbox.add(input(`from tab ${index + 1}`));
      await world.hub.flush();
    }
    await settle(world);
    expect(world.server.contents('t')).toEqual(['from tab 1', 'from tab 2', 'from tab 3']);
    expect(world.server.attempts).toBe(3);
    expect(world.store.items.size).toBe(0);
    for (const tab of tabs) expect(tab.outbox.list('t')).toEqual([]);
  });

  it("shows the leader's states live in a follower: sending, failed with its reason, then sent after a retry from the follower", async () => {
    const world = new FakeOutboxTabs(false);
    const [leader, follower] = [await world.open(), await world.open()];
    world.server.faults = ['rejected'];
    const item = await follower.outbox.add(input('hello'));
    await settle(world);
    expect(follower.outbox.get(item.clientMessageId)).toMatchObject({
      status: 'failed',
      error: { code: 'client_error', message: 'content refused', retryable: false },
    });
    expect(leader.outbox.get(item.clientMessageId)?.status).toBe('failed');
    follower.outbox.retry(item.clientMessageId);
    await settle(world);
    expect(follower.seen.get(item.clientMessageId)).toEqual(['queued', 'sending', 'failed', 'queued', 'sending', 'sent']);
    expect(world.server.contents('t')).toEqual(['hello']);
    expect(follower.outbox.list('t')).toEqual([]);
    expect(world.store.items.size).toBe(0);
  });

  it('applies an edit and a discard made in a follower (the edit under a new id, sent once)', async () => {
    const world = new FakeOutboxTabs();
    const [leader, follower, third] = [await world.open(), await world.open(), await world.open()];
    world.server.faults = ['rejected', 'rejected'];
    const first = await leader.outbox.add(input('one'));
    const second = await third.outbox.add(input('two'));
    await settle(world);
    expect(follower.outbox.list('t').map((item) => [item.content, item.status])).toEqual([
      ['one', 'failed'],
      ['two', 'failed'],
    ]);
    expect(follower.outbox.edit(first.clientMessageId, 'one, edited')).toBeUndefined();
    follower.outbox.discard(second.clientMessageId);
    await settle(world);
    expect(world.server.contents('t')).toEqual(['one, edited']);
    expect(world.server.committed[0]!.client_message_id).not.toBe(first.clientMessageId);
    for (const tab of [leader, follower, third]) expect(tab.outbox.list('t')).toEqual([]);
    expect(world.store.items.size).toBe(0);
  });

  it('refuses an edit of an item the leader is already sending: one message, the original text', async () => {
    const world = new FakeOutboxTabs(false);
    const [leader, follower] = [await world.open(), await world.open()];
    world.server.latencyMs = 40;
    world.server.faults = ['server_busy'];
    const item = await leader.outbox.add(input('original'));
    await runFor(world, 100);
    await world.hub.flush();
    expect(follower.outbox.get(item.clientMessageId)).toMatchObject({ status: 'queued', error: { code: 'unavailable' } });
    // The retry starts in the leader (2 s after the failure at 40 ms); the follower edits before it hears of it.
    await vi.advanceTimersByTimeAsync(1_945);
    expect(leader.outbox.get(item.clientMessageId)?.status).toBe('sending');
    expect(follower.outbox.get(item.clientMessageId)?.status).toBe('queued');
    follower.outbox.edit(item.clientMessageId, 'changed');
    await settle(world);
    expect(world.server.committed.map((message) => [message.content, message.client_message_id])).toEqual([
      ['original', item.clientMessageId],
    ]);
    expect(follower.outbox.list('t')).toEqual([]);
  });

  it('a leader that dies after its request reached the server: the next leader repeats it under the same id, committed once', async () => {
    // No socket: the follower does not hear the commit, so only the repeat can tell it.
    const world = new FakeOutboxTabs(false);
    const [leader, follower] = [await world.open(), await world.open()];
    world.server.latencyMs = 40;
    const item = await follower.outbox.add(input('mid-send'));
    await runFor(world, 50); // committed at 40 ms; the response is still on its way
    expect(world.server.committed).toHaveLength(1);
    leader.close();
    expect(follower.leadership.isLeader()).toBe(true);
    await settle(world);
    expect(world.server.attemptIds).toEqual([item.clientMessageId, item.clientMessageId]);
    expect(world.server.committed.map((message) => [message.content, message.client_message_id])).toEqual([
      ['mid-send', item.clientMessageId],
    ]);
    expect(follower.outbox.list('t')).toEqual([]);
    expect(world.store.items.size).toBe(0);
  });

  it('a leader that dies before its request arrived: the next leader sends it, once, then the rest in order', async () => {
    const world = new FakeOutboxTabs();
    const [leader, follower] = [await world.open(), await world.open()];
    world.server.latencyMs = 40;
    world.server.faults = ['lost_request'];
    await leader.outbox.add(input('first'));
    await world.hub.flush();
    await follower.outbox.add(input('second'));
    await runFor(world, 10);
    leader.close();
    await settle(world);
    expect(world.server.contents('t')).toEqual(['first', 'second']);
    expect(follower.outbox.list('t')).toEqual([]);
    expect(world.store.items.size).toBe(0);
  });

  it('keeps a request made while no tab leads and applies it once the next leader has taken over', async () => {
    const world = new FakeOutboxTabs();
    const [leader, next, third] = [await world.open(), await world.open(), await world.open()];
    world.server.faults = ['rejected'];
    const item = await leader.outbox.add(input('to discard'));
    await settle(world);
    expect(third.outbox.get(item.clientMessageId)?.status).toBe('failed');
    leader.close();
    // The next leader is still loading the store: it cannot decide yet.
    third.outbox.discard(item.clientMessageId);
    await settle(world);
    expect(next.leadership.isLeader()).toBe(true);
    expect(world.server.committed).toEqual([]);
    for (const tab of [next, third]) expect(tab.outbox.list('t')).toEqual([]);
    expect(world.store.items.size).toBe(0);
  });

  it('a tab opened later shows what waits, and sends nothing while it follows', async () => {
    const world = new FakeOutboxTabs();
    world.environment.online = false;
    const leader = await world.open();
    await leader.outbox.add(input('offline'));
    const late = await world.open();
    await settle(world);
    expect(late.outbox.list('t').map((item) => [item.content, item.status])).toEqual([['offline', 'queued']]);
    world.environment.setOnline(true);
    await settle(world);
    expect(world.server.contents('t')).toEqual(['offline']);
    expect(world.server.attempts).toBe(1);
    expect(late.outbox.list('t')).toEqual([]);
  });

  it('ignores channel messages it does not understand (another build)', () => {
    expect(parseOutboxTabMessage({ type: 'added', item: { clientMessageId: 'x' } })).toBeNull();
    expect(parseOutboxTabMessage({ type: 'request', requestId: 'r', request: { action: 'edit', clientMessageId: 'x' } })).toBeNull();
    expect(parseOutboxTabMessage({ type: 'launch' })).toBeNull();
    expect(parseOutboxTabMessage('removed')).toBeNull();
    expect(parseOutboxTabMessage({ type: 'removed', clientMessageId: 'x' })).toEqual({ type: 'removed', clientMessageId: 'x' });
  });
});
