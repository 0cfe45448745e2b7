import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeLockManager } from '../testing/fake-lock-manager.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import type { PageLifecycleEvent } from './page-lifecycle.ts';
import type { TabChannel } from './tab-channel.ts';
import type { TabEnvelope } from './tab-envelope.ts';
import { TabHub } from './tab-hub.ts';
import { LEADER_CHECK_MS, LEADER_SILENCE_MS, webLocksLeadership } from './web-locks-leadership.ts';

const LOCK = 'ama2:leader:u1';

/** One fake tab: its leadership (its leader's beats carried by its tab hub), a visibility switch, its lifecycle events, and a switch that hangs it. */
class Tab {
  visible = true;
  /** A hung tab (frozen without a `freeze` event) posts nothing. */
  hung = false;
  private lifecycleListener: ((event: PageLifecycleEvent) => void) | null = null;
  readonly leadership;
  readonly tabHub: TabHub;

  constructor(
    hub: FakeTabHub,
    locks: FakeLockManager,
    readonly tabId: string,
  ) {
    const real = hub.channel<TabEnvelope>('ama2:u1');
    const channel: TabChannel<TabEnvelope> = {
      post: (message) => {
        if (!this.hung) real.post(message);
      },
      subscribe: (listener) => real.subscribe(listener),
      close: () => real.close(),
    };
    this.leadership = webLocksLeadership(LOCK, {
      tabId,
      locks: locks.requester(),
      isVisible: () => this.visible,
      lifecycle: (listener) => {
        this.lifecycleListener = listener;
        return () => (this.lifecycleListener = null);
      },
    })!;
    this.tabHub = new TabHub({ tabId, leadership: this.leadership, channel, lifecycle: () => () => undefined });
  }

  lifecycle(event: PageLifecycleEvent) {
    this.lifecycleListener?.(event);
  }
}

describe('webLocksLeadership', () => {
  let hub: FakeTabHub;
  let locks: FakeLockManager;

  beforeEach(() => {
    vi.useFakeTimers();
    hub = new FakeTabHub();
    locks = new FakeLockManager();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets time pass in small steps, delivering channel messages and lock grants between them. */
  async function pass(ms: number) {
    for (let passed = 0; passed < ms; passed += 50) {
      await vi.advanceTimersByTimeAsync(50);
      await hub.flush();
    }
    await vi.advanceTimersByTimeAsync(0);
  }

  it('grants the lock to one tab and hands it on when that tab closes', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    const c = new Tab(hub, locks, 'c');
    await pass(2 * LEADER_SILENCE_MS);
    expect([a, b, c].map((tab) => tab.leadership.isLeader())).toEqual([true, false, false]);
    a.leadership.close();
    await pass(100);
    expect([a, b, c].map((tab) => tab.leadership.isLeader())).toEqual([false, true, false]);
    b.leadership.close();
    c.leadership.close();
    await pass(100);
    expect(locks.isHeld(LOCK)).toBe(false);
  });

  it('a visible follower steals the lock from a leader that went silent, within 2 s', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    const changes: boolean[] = [];
    a.leadership.subscribe((leader) => changes.push(leader));
    await pass(1_000);
    expect(a.leadership.isLeader()).toBe(true);
    a.hung = true;
    await pass(LEADER_SILENCE_MS + LEADER_CHECK_MS);
    expect(b.leadership.isLeader()).toBe(true);
    // The stolen holder's request rejected: it knows it no longer leads, and queues again.
    expect(a.leadership.isLeader()).toBe(false);
    expect(changes).toEqual([true, false]);
    a.hung = false;
    b.leadership.close();
    await pass(100);
    expect(a.leadership.isLeader()).toBe(true);
  });

  it('a hidden follower never steals', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    b.visible = false;
    await pass(200);
    a.hung = true;
    await pass(5 * LEADER_SILENCE_MS);
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
  });

  it('a follower that was itself paused does not steal on its first late check: the beats waiting in its queue count first', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    await pass(1_000);
    expect(a.leadership.isLeader()).toBe(true);
    // Both tabs' main threads stall for 3 s (a loaded machine); then the timers run before the
    // channel's queued messages are delivered, as they may in a browser.
    vi.setSystemTime(Date.now() + 3_000);
    await vi.advanceTimersByTimeAsync(LEADER_CHECK_MS);
    await pass(2 * LEADER_SILENCE_MS);
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
  });

  it('a beaconing leader is never stolen from', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    await pass(10 * LEADER_SILENCE_MS);
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
  });

  it('lets the lock go on freeze and pagehide, and queues again on resume and pageshow', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    await pass(100);
    a.lifecycle('freeze');
    await pass(100);
    expect(a.leadership.isLeader()).toBe(false);
    expect(b.leadership.isLeader()).toBe(true);
    a.lifecycle('resume');
    await pass(3 * LEADER_SILENCE_MS);
    expect(a.leadership.isLeader()).toBe(false);
    b.lifecycle('pagehide');
    await pass(100);
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
    b.lifecycle('pageshow');
    a.leadership.close();
    await pass(100);
    expect(b.leadership.isLeader()).toBe(true);
  });

  it('a frozen follower gives up its place in the queue', async () => {
    const a = new Tab(hub, locks, 'a');
    const b = new Tab(hub, locks, 'b');
    const c = new Tab(hub, locks, 'c');
    await pass(100);
    b.lifecycle('freeze');
    a.leadership.close();
    await pass(100);
    expect(b.leadership.isLeader()).toBe(false);
    expect(c.leadership.isLeader()).toBe(true);
  });

  it('is null without navigator.locks', () => {
    expect(webLocksLeadership(LOCK, { steal: false })).toBeNull();
  });
});
