import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeTabBrowser } from '../testing/fake-tab-browser.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { TabConnection } from './tab-connection.ts';
import type { TabEnvelope } from './tab-envelope.ts';
import { TabHub } from './tab-hub.ts';
import { HEARTBEAT_MS, TAB_TIMEOUT_MS } from './tab-roster.ts';

/** A tab's hub on the fake channel and lock. */
const tabHub = (hub: FakeTabHub, tabId: string) =>
  new TabHub({ tabId, leadership: hub.leadership(tabId), channel: hub.channel<TabEnvelope>('ama2:u1'), lifecycle: () => () => undefined });

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const T3 = '33333333-3333-4333-8333-333333333333';

const message = (seq: number) => ({
  type: 'thread_message',
  thread_id: T1,
  data: { id: `m-${seq}`, thread_id: T1, sender_id: 'user:other', content: `message ${seq}`, role: 'user', thread_seq: seq },
});
const typing = (threadId: string) => ({ type: 'typing' as const, data: { thread_id: threadId, status: 'started' as const } });
const focus = (threadId: string) => ({ type: 'focus_thread' as const, data: { thread_id: threadId } });
const unfocus = (threadId: string) => ({ type: 'unfocus_thread' as const, data: { thread_id: threadId } });

describe('TabConnection', () => {
  let browser: FakeTabBrowser;

  beforeEach(() => {
    vi.useFakeTimers();
    browser = new FakeTabBrowser();
  });
  afterEach(() => {
    for (const tab of browser.alive) tab.close();
    vi.useRealTimers();
  });

  /** Opens three tabs, lets the first lead and its socket open. */
  async function threeTabs() {
    const tabs = ['a', 'b', 'c'].map((id) => browser.open(id));
    for (const tab of tabs) tab.connection.start();
    await browser.flush();
    browser.readyAll();
    await browser.flush();
    return tabs as [(typeof tabs)[0], (typeof tabs)[0], (typeof tabs)[0]];
  }

  it('holds one socket in the leader and relays its state, opens and frames to every tab once', async () => {
    const [a, b, c] = await threeTabs();
    expect(browser.liveSockets()).toHaveLength(1);
    expect([a, b, c].map((tab) => tab.connection.isLeader)).toEqual([true, false, false]);
    expect([a, b, c].map((tab) => tab.connection.getState())).toEqual(Array(3).fill({ status: 'open', transport: 'websocket' }));
    expect([a, b, c].map((tab) => tab.opens)).toEqual(Array(3).fill([{ transport: 'websocket', reconnect: false }]));

    const frames: Record<string, InboundFrame[]> = { a: [], b: [], c: [] };
    for (const tab of [a, b, c]) tab.connection.onFrame((frame) => frames[tab.tabId]!.push(frame));
    browser.serverSends(message(1));
    browser.serverSends(message(2));
    await browser.flush();
    for (const tab of ['a', 'b', 'c'])
      expect(frames[tab]!.map((frame) => frame.type === 'thread_message' && frame.data.thread_seq)).toEqual([1, 2]);
  });

  it("takes who sent a relay message from the hub's envelope only: another tab cannot pass for the leader", async () => {
    const [, b] = await threeTabs();
    const frames: InboundFrame[] = [];
    b.connection.onFrame((frame) => frames.push(frame));
    // A tab that is not the leader (a stale build, a broken one) names the leader in its body.
    const rogue = browser.hub.rogue('conn', 'rogue');
    rogue.post({ kind: 'frame', from: 'a', frame: message(9) });
    await browser.flush();
    expect(frames).toEqual([]);
    browser.serverSends(message(1));
    await browser.flush();
    expect(frames.map((frame) => frame.type === 'thread_message' && frame.data.thread_seq)).toEqual([1]);
  });

  it("sends a follower's frames on the leader's socket, once", async () => {
    const [a, b, c] = await threeTabs();
    expect(b.connection.send(typing(T1))).toBe(true);
    expect(c.connection.send(typing(T2))).toBe(true);
    await browser.flush();
    expect(a.sent).toEqual([typing(T1), typing(T2)]);
    expect([b.sent, c.sent]).toEqual([[], []]);
  });

  it('a follower cannot send while the leader is not open, like a single tab', async () => {
    const tabs = ['a', 'b'].map((id) => browser.open(id));
    for (const tab of tabs) tab.connection.start();
    await browser.flush();
    expect(tabs[1]!.connection.getState()).toEqual({ status: 'connecting', attempt: 1 });
    expect(tabs[1]!.connection.send(typing(T1))).toBe(false);
  });

  it('follows the union of every tab’s threads, and forgets a closed tab’s', async () => {
    const [a, b, c] = await threeTabs();
    a.connection.follow([T1]);
    b.connection.follow([T2]);
    c.connection.follow([T2, T3]);
    await browser.flush();
    expect(browser.liveSockets()[0]!.followed).toEqual([T1, T2, T3]);
    c.close();
    await browser.flush();
    expect(browser.liveSockets()[0]!.followed).toEqual([T1, T2]);
  });

  it('resumes a per-thread fallback from the lowest applied seq of the tabs that follow the thread', async () => {
    const hub = new FakeTabHub();
    const seqs: Record<string, Record<string, number>> = { a: { [T1]: 9 }, b: { [T1]: 4, [T2]: 7 } };
    const hubs = ['a', 'b'].map((id) => tabHub(hub, id));
    const tabs = ['a', 'b'].map(
      (id, index) =>
        new TabConnection({
          hub: hubs[index]!,
          createConnection: () => new FakeConnection(),
          cursorOf: (threadId) => seqs[id]![threadId] ?? 0,
        }),
    );
    for (const tab of tabs) tab.start();
    tabs[0]!.follow([T1]);
    tabs[1]!.follow([T1, T2]);
    await hub.flush();
    expect([T1, T2, T3].map((threadId) => tabs[0]!.cursorOf(threadId))).toEqual([4, 7, 0]);
    for (const tab of tabs) tab.stop();
    for (const made of hubs) made.close();
  });

  it('tells the server a thread is focused while any tab is on it', async () => {
    const [a, b, c] = await threeTabs();
    const focusFrames = () => a.sent.filter((frame) => frame.type !== 'typing');
    b.connection.send(focus(T1));
    c.connection.send(focus(T1));
    a.connection.send(focus(T2));
    await browser.flush();
    expect(focusFrames()).toEqual([focus(T2), focus(T1)]);
    b.connection.send(unfocus(T1));
    a.connection.send(unfocus(T2));
    await browser.flush();
    expect(focusFrames()).toEqual([focus(T2), focus(T1), unfocus(T2)]);
    // Typing keeps flowing while presence is aggregated.
    c.connection.send(typing(T1));
    await browser.flush();
    expect(a.sent.at(-1)).toEqual(typing(T1));
    c.connection.send(unfocus(T1));
    await browser.flush();
    expect(focusFrames()).toEqual([focus(T2), focus(T1), unfocus(T2), unfocus(T1)]);
  });

  it('forgets a tab that vanished after missing its beats: its focus ends', async () => {
    const [a, b] = await threeTabs();
    b.connection.send(focus(T3));
    await browser.flush();
    expect(a.sent).toEqual([focus(T3)]);
    b.crash();
    for (let beat = 0; beat < TAB_TIMEOUT_MS / HEARTBEAT_MS; beat++) {
      await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
      await browser.flush();
    }
    expect(a.sent).toEqual([focus(T3)]);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    await browser.flush();
    expect(a.sent).toEqual([focus(T3), unfocus(T3)]);
  });

  it('hands over when the leader crashes: the next tab connects, and every tab hears a reconnect open', async () => {
    const [a, b, c] = await threeTabs();
    b.connection.send(focus(T1));
    await browser.flush();
    a.crash();
    await browser.flush();
    expect(b.connection.isLeader).toBe(true);
    expect(c.connection.getState()).toEqual({ status: 'connecting', attempt: 1 });
    expect(browser.liveSockets()).toHaveLength(1);
    browser.readyAll();
    await browser.flush();
    expect([b, c].map((tab) => tab.opens.at(-1))).toEqual(Array(2).fill({ transport: 'websocket', reconnect: true }));
    expect(c.connection.getState()).toEqual({ status: 'open', transport: 'websocket' });
    // The new socket is told the focus the old one had.
    expect(b.sent).toEqual([focus(T1)]);
  });

  it('a frame a follower sent to a leader that died before reading it is sent once, by the next leader', async () => {
    const [a, b, c] = await threeTabs();
    expect(c.connection.send(typing(T2))).toBe(true);
    a.crash();
    await browser.flush();
    expect(b.connection.isLeader).toBe(true);
    browser.readyAll();
    await browser.flush();
    await browser.flush();
    expect(a.sent).toEqual([]);
    expect(b.sent).toEqual([typing(T2)]);
    // Acknowledged: another hand-over does not send it again.
    b.crash();
    await browser.flush();
    browser.readyAll();
    await browser.flush();
    expect(c.connection.isLeader).toBe(true);
    expect(c.sent).toEqual([]);
  });

  it('a follower whose leader died mid-send sends it itself when it becomes the leader', async () => {
    const [a, b] = await threeTabs();
    expect(b.connection.send(typing(T1))).toBe(true);
    a.crash();
    await browser.flush();
    browser.readyAll();
    await browser.flush();
    expect(b.sent).toEqual([typing(T1)]);
    expect(a.sent).toEqual([]);
  });

  it('a leader that closes hands over at once, and a follower that closes changes nothing', async () => {
    const [a, b, c] = await threeTabs();
    c.close();
    await browser.flush();
    expect(browser.liveSockets()).toHaveLength(1);
    a.close();
    await browser.flush();
    expect(b.connection.isLeader).toBe(true);
    expect(browser.liveSockets()).toHaveLength(1);
    expect(b.connection.getState()).toEqual({ status: 'connecting', attempt: 1 });
  });

  it('a leader whose lock was stolen (it was frozen) closes its socket and follows the thief', async () => {
    const [a, b, c] = await threeTabs();
    const states: string[] = [];
    a.connection.subscribe((state) => states.push(state.status));
    // What a steal does: the old holder learns it lost the lock, the thief holds it.
    a.leadership.set(false);
    b.leadership.set(true);
    await browser.flush();
    expect([a, b, c].map((tab) => tab.connection.isLeader)).toEqual([false, true, false]);
    expect(a.transports[0]!.isClosed).toBe(true);
    expect(browser.liveSockets()).toHaveLength(1);
    browser.readyAll();
    await browser.flush();
    for (const tab of [a, b, c]) expect(tab.connection.getState()).toEqual({ status: 'open', transport: 'websocket' });
    expect(a.opens.at(-1)).toEqual({ transport: 'websocket', reconnect: true });
    // The old leader's engine never saw its connection stopped, only a reconnect.
    expect(states).not.toContain('paused');
    const frames: InboundFrame[] = [];
    a.connection.onFrame((frame) => frames.push(frame));
    browser.serverSends(message(7));
    await browser.flush();
    expect(frames).toHaveLength(1);
  });

  it('forwards retry and resume to the leader', async () => {
    const [a, b] = await threeTabs();
    browser.liveSockets()[0]!.drop();
    await browser.flush();
    expect(b.connection.getState().status).toBe('reconnecting');
    b.connection.retryNow();
    await browser.flush();
    expect(a.transports).toHaveLength(2);
  });

  it('drops and counts a relay message that fails validation', async () => {
    const hub = new FakeTabHub();
    const leadership = hub.leadership('a');
    const reasons: string[] = [];
    const bHub = tabHub(hub, 'b');
    const connection = new TabConnection({
      hub: bHub,
      createConnection: () => {
        throw new Error('not the leader');
      },
      onInvalidMessage: (reason) => reasons.push(reason),
    });
    connection.start();
    const other = hub.channel('ama2:u1');
    const relay = (body: unknown) => other.post({ v: 1, topic: 'conn', from: 'a', body });
    relay({ kind: 'frame', frame: { type: 'thread_message', thread_id: T1 } });
    relay({ kind: 'state', state: { status: 'sleeping' } });
    relay('hello');
    await hub.flush();
    expect(connection.invalidFrameCount).toBe(3);
    expect(reasons).toEqual(['relayed frame: invalid data', 'invalid state.status', 'not a relay message']);
    expect(connection.getState()).toEqual({ status: 'connecting', attempt: 1 });
    connection.stop();
    bHub.close();
    leadership.close();
  });
});
