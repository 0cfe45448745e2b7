import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { tabHubChannelName } from '../tabs/tab-hub.ts';
import type { TabEnvelope } from '../tabs/tab-envelope.ts';
import type { TabState } from '../tabs/tab-roster.ts';
import { DesktopNotifier, HANDLED_BATCH_MAX, HANDLED_BATCH_MS, PENDING_KEEP_MS, type NotifyCandidate } from './desktop-notifier.ts';

const message = (n: number, threadId = 't1'): NotifyCandidate => ({
  threadId,
  messageId: `m${n}`,
  senderId: 'user:bob',
  content: `hello ${n}`,
});

/** Three tabs of one user: each has its own notifier; `shown` records which tab showed what. */
function setup(options: { tabs?: TabState[]; muted?: string[] } = {}) {
  const hub = new FakeTabHub();
  const shown: { tab: string; messageId: string }[] = [];
  let now = 1_000;
  const tabs = (['a', 'b', 'c'] as const).map((tabId) => {
    const leadership = hub.leadership(tabId);
    const tabHub = hub.tabHub(tabId, { leadership });
    const notifier = new DesktopNotifier({
      hub: tabHub,
      selfSenderId: 'user:alice',
      tabs: () => options.tabs ?? [],
      isMuted: (threadId) => options.muted?.includes(threadId) ?? false,
      show: (candidate) => shown.push({ tab: tabId, messageId: candidate.messageId }),
      now: () => now,
    });
    return { tabId, leadership, tabHub, notifier };
  });
  // What the tabs tell each other about notifications, as another tab hears it.
  const told: string[][] = [];
  hub.channel<unknown>(tabHubChannelName('u1')).subscribe((raw) => {
    const envelope = raw as Partial<TabEnvelope> | null;
    const body = envelope?.topic === 'notified' ? (envelope.body as { messageIds?: unknown } | null) : null;
    if (Array.isArray(body?.messageIds)) told.push(body.messageIds as string[]);
  });
  return {
    hub,
    shown,
    told,
    tabs,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('DesktopNotifier', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('each tab hears every message itself (own sockets): exactly one notification, by the leader', async () => {
    const { hub, shown, tabs } = setup();
    for (let n = 1; n <= 3; n++) {
      // Followers first, then the leader, then the followers again (a repeat after catch-up).
      tabs[2]!.notifier.consider(message(n));
      tabs[1]!.notifier.consider(message(n));
      expect(tabs[0]!.notifier.consider(message(n))).toBe('notify');
      await hub.flush();
      expect(tabs[1]!.notifier.consider(message(n))).toBe('handled');
    }
    expect(shown).toEqual([
      { tab: 'a', messageId: 'm1' },
      { tab: 'a', messageId: 'm2' },
      { tab: 'a', messageId: 'm3' },
    ]);
  });

  it('relayed frames (the leader hears first, the others after): one notification', async () => {
    const { hub, shown, tabs } = setup();
    tabs[0]!.notifier.consider(message(1));
    await hub.flush();
    expect(tabs[1]!.notifier.consider(message(1))).toBe('handled');
    expect(tabs[2]!.notifier.consider(message(1))).toBe('handled');
    expect(shown).toEqual([{ tab: 'a', messageId: 'm1' }]);
  });

  it('a new leader never repeats what the old one showed, and shows what the old one never decided on', async () => {
    const { hub, shown, tabs, advance } = setup();
    for (const tab of tabs) tab.notifier.consider(message(1));
    await hub.flush();
    // m2 reaches the followers, but the leader closes before hearing it.
    tabs[1]!.notifier.consider(message(2));
    tabs[2]!.notifier.consider(message(2));
    advance(PENDING_KEEP_MS / 2);
    tabs[0]!.leadership.close();
    await hub.flush();
    expect(tabs[1]!.leadership.isLeader()).toBe(true);
    // A catch-up after the hand-over delivers m1 and m2 again: neither is shown twice.
    expect(tabs[1]!.notifier.consider(message(1))).toBe('handled');
    expect(tabs[1]!.notifier.consider(message(2))).toBe('handled');
    expect(tabs[2]!.notifier.consider(message(2))).toBe('handled');
    expect(shown).toEqual([
      { tab: 'a', messageId: 'm1' },
      { tab: 'b', messageId: 'm2' },
    ]);
  });

  it('what a follower heard long before taking over is not shown late', async () => {
    const { hub, shown, tabs, advance } = setup();
    tabs[1]!.notifier.consider(message(7));
    advance(PENDING_KEEP_MS + 1);
    tabs[0]!.leadership.close();
    await hub.flush();
    expect(shown).toEqual([]);
  });

  it('none while a tab is on the thread; none for a muted thread; a single tab (no leadership) decides alone', async () => {
    const onScreen = setup({ tabs: [{ tabId: 'b', visible: true, focused: false, threadId: 't1' }] });
    expect(onScreen.tabs[0]!.notifier.consider(message(1))).toBe('on_screen');
    expect(onScreen.tabs[0]!.notifier.consider(message(2, 't2'))).toBe('notify');
    expect(onScreen.shown).toEqual([{ tab: 'a', messageId: 'm2' }]);

    const muted = setup({ muted: ['t1'] });
    expect(muted.tabs[0]!.notifier.consider(message(1))).toBe('muted');
    expect(muted.shown).toEqual([]);

    const shown: string[] = [];
    const single = new DesktopNotifier({
      hub: null,
      selfSenderId: 'user:alice',
      tabs: () => [],
      isMuted: () => false,
      show: (candidate) => shown.push(candidate.messageId),
    });
    single.consider(message(1));
    single.consider(message(1));
    single.consider({ ...message(2), senderId: 'user:alice' });
    expect(shown).toEqual(['m1']);
  });

  it('ignores channel messages it does not understand', async () => {
    const { hub, shown, tabs } = setup();
    const rogue = hub.rogue('notified');
    rogue.post({ type: 'handled', messageId: 42 });
    rogue.post({ type: 'other', messageId: 'm1' });
    rogue.post(null);
    await hub.flush();
    expect(tabs[0]!.notifier.consider(message(1))).toBe('notify');
    expect(shown).toEqual([{ tab: 'a', messageId: 'm1' }]);
  });

  it('tells the other tabs about skipped messages together, and about a shown one at once', async () => {
    vi.useFakeTimers();
    const { hub, shown, told, tabs } = setup({ tabs: [{ tabId: 'b', visible: true, focused: false, threadId: 't1' }] });
    // 50 messages in the thread tab b shows: each skipped, none told yet.
    for (let n = 1; n <= 50; n++) expect(tabs[0]!.notifier.consider(message(n))).toBe('on_screen');
    await hub.flush();
    expect(told).toEqual([]);
    vi.advanceTimersByTime(HANDLED_BATCH_MS);
    await hub.flush();
    expect(told).toEqual([Array.from({ length: 50 }, (_, i) => `m${i + 1}`)]);
    expect(tabs[2]!.notifier.consider(message(50))).toBe('handled');

    // A skipped one waits; a shown one goes at once and takes it along.
    tabs[0]!.notifier.consider(message(51));
    expect(tabs[0]!.notifier.consider(message(52, 't2'))).toBe('notify');
    await hub.flush();
    expect(told.slice(1)).toEqual([['m51', 'm52']]);
    expect(tabs[1]!.notifier.consider(message(52, 't2'))).toBe('handled');
    expect(shown).toEqual([{ tab: 'a', messageId: 'm52' }]);

    // A batch never grows past its cap.
    for (let n = 100; n < 100 + HANDLED_BATCH_MAX + 1; n++) tabs[0]!.notifier.consider(message(n));
    await hub.flush();
    expect(told.slice(2).map((ids) => ids.length)).toEqual([HANDLED_BATCH_MAX]);
  });

  it('a leader that goes tells what it skipped on its way out, so the next one does not decide it again', async () => {
    vi.useFakeTimers();
    const onScreen: TabState[] = [{ tabId: 'a', visible: true, focused: true, threadId: 't1' }];
    const { hub, shown, told, tabs } = setup({ tabs: onScreen });
    tabs[1]!.notifier.consider(message(1));
    expect(tabs[0]!.notifier.consider(message(1))).toBe('on_screen');
    // The page is hidden for good (pagehide), then its lock goes; tab a no longer shows the thread.
    tabs[0]!.tabHub.leave();
    await hub.flush();
    onScreen.length = 0;
    tabs[0]!.leadership.close();
    await hub.flush();
    expect(told).toEqual([['m1']]);
    expect(tabs[1]!.leadership.isLeader()).toBe(true);
    expect(shown).toEqual([]);
  });
});
