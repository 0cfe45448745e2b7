import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import type { TabEnvelope } from './tab-envelope.ts';
import { TabHub, tabHubChannelName } from './tab-hub.ts';
import { HEARTBEAT_MS, TAB_TIMEOUT_MS } from './tab-roster.ts';

/** A clock and interval the test moves by hand. */
function fakeTime() {
  let now = 1_000_000;
  const timers = new Set<{ ms: number; callback: () => void; next: number }>();
  return {
    now: () => now,
    every(ms: number, callback: () => void) {
      const timer = { ms, callback, next: now + ms };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter((timer) => timer.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.callback();
      }
      now = end;
    },
  };
}

function setup() {
  const hub = new FakeTabHub();
  const time = fakeTime();
  const reasons: string[] = [];
  const open = (tabId: string) =>
    new TabHub({
      tabId,
      leadership: hub.leadership(tabId),
      channel: hub.channel<TabEnvelope>(tabHubChannelName('u1')),
      now: time.now,
      every: (ms, cb) => time.every(ms, cb),
      lifecycle: () => () => undefined,
      onInvalid: (topic, reason) => reasons.push(`${topic ?? 'envelope'}: ${reason}`),
    });
  /** Posts on the channel as a tab of another build (or no tab at all) would. */
  const rogue = () => hub.channel<unknown>(tabHubChannelName('u1'));
  return { hub, time, open, rogue, reasons };
}

const ids = (tabs: TabHub) => tabs.tabs().map((state) => state.tabId);
const beatOf = (state: Record<string, unknown>) => ({
  v: 1,
  topic: 'hub',
  from: state.tabId,
  body: { kind: 'beat', beat: { leader: false, follow: [], focus: [], cursors: [], ...state } },
});

describe('TabHub: one heartbeat, one list of live tabs', () => {
  it('a tab that joins learns the states of the tabs already open, and they learn its own', async () => {
    const { hub, open } = setup();
    const a = open('a');
    a.update({ visible: true, focused: true, threadId: 't1' });
    await hub.flush();
    const b = open('b');
    await hub.flush();
    expect(b.tabs()).toEqual([
      { tabId: 'b', visible: false, focused: false, threadId: null },
      { tabId: 'a', visible: true, focused: true, threadId: 't1' },
    ]);
    expect(ids(a)).toEqual(['a', 'b']);
  });

  it('changes are announced at once and tell the listeners', async () => {
    const { hub, open } = setup();
    const a = open('a');
    const b = open('b');
    await hub.flush();
    let told = 0;
    b.subscribe(() => told++);
    a.update({ visible: true, threadId: 't2' });
    await hub.flush();
    expect(b.anyVisibleOn('t2')).toBe(true);
    expect(b.anyVisibleOn('t1')).toBe(false);
    expect(told).toBe(1);
    a.update({ visible: true, threadId: 't2' });
    await hub.flush();
    expect(told).toBe(1);
    a.update({ visible: false });
    await hub.flush();
    expect(b.anyVisibleOn('t2')).toBe(false);
    expect(told).toBe(2);
  });

  it('a tab that goes silent expires; a live one is kept by its steady announcements', async () => {
    const { hub, time, open, rogue } = setup();
    const a = open('a');
    const b = open('b');
    // A tab that beat once and then froze (no more beats, no goodbye).
    rogue().post(beatOf({ tabId: 'frozen', visible: true, focused: true, threadId: 't1' }));
    await hub.flush();
    expect(ids(a)).toEqual(['a', 'b', 'frozen']);
    expect(a.anyVisibleOn('t1')).toBe(true);
    let told = 0;
    a.subscribe(() => told++);
    for (let elapsed = 0; elapsed <= TAB_TIMEOUT_MS; elapsed += HEARTBEAT_MS) {
      time.advance(HEARTBEAT_MS);
      await hub.flush();
    }
    expect(ids(a)).toEqual(['a', 'b']);
    expect(ids(b)).toEqual(['b', 'a']);
    expect(a.anyVisibleOn('t1')).toBe(false);
    expect(told).toBe(1);
  });

  it('a tab that closes (page hide) is removed from the others at once', async () => {
    const { hub, open } = setup();
    const a = open('a');
    const b = open('b');
    b.update({ visible: true, threadId: 't1' });
    await hub.flush();
    expect(a.anyVisibleOn('t1')).toBe(true);
    b.leave();
    await hub.flush();
    expect(ids(a)).toEqual(['a']);
    expect(a.anyVisibleOn('t1')).toBe(false);
    // Back from the back/forward cache: known again at once.
    b.rejoin();
    await hub.flush();
    expect(a.anyVisibleOn('t1')).toBe(true);
    b.close();
    await hub.flush();
    expect(ids(a)).toEqual(['a']);
  });

  it('drops and counts what it does not understand (another build, another concept), never throwing', async () => {
    const { hub, open, rogue, reasons } = setup();
    const a = open('a');
    const other = rogue();
    other.post(beatOf({ tabId: 'x', visible: 'yes', focused: false, threadId: null }));
    other.post({ ...beatOf({ tabId: '', visible: true, focused: false, threadId: null }), from: 'q' });
    other.post(beatOf({ tabId: 'y', visible: true, focused: false, threadId: 42 }));
    other.post('hello');
    other.post(null);
    other.post({ ...beatOf({ tabId: 'w', visible: true, focused: false, threadId: null }), v: 2 });
    other.post({ v: 1, topic: 'weather', from: 'w', body: {} });
    other.post(beatOf({ tabId: 'z', visible: false, focused: true, threadId: 't9' }));
    await hub.flush();
    expect(a.invalidCount).toBe(7);
    expect(reasons).toEqual([
      'hub: invalid beat.visible',
      'hub: invalid beat.tabId',
      'hub: invalid beat.threadId',
      'envelope: not an envelope',
      'envelope: not an envelope',
      'envelope: invalid v',
      'envelope: invalid topic',
    ]);
    // Only the well-formed one is kept; a hidden tab cannot be focused.
    expect(a.tabs()).toEqual([
      { tabId: 'a', visible: false, focused: false, threadId: null },
      { tabId: 'z', visible: false, focused: false, threadId: 't9' },
    ]);
  });
});

describe('TabHub: topics and the one hand-over', () => {
  it('carries each topic to the same topic in the other tabs, its body checked by the topic’s schema', async () => {
    const { hub, open, rogue } = setup();
    const [a, b] = [open('a'), open('b')];
    const schema = v.object({ type: v.literal('read'), seq: v.number() });
    const invalid: string[] = [];
    const readsA = a.join({ topic: 'read', schema });
    const readsB = b.join({ topic: 'read', schema, onInvalid: (reason) => invalid.push(reason) });
    const draftsB = b.join({ topic: 'drafts', schema: v.unknown() });
    const heard: unknown[] = [];
    const drafts: unknown[] = [];
    readsB.subscribe((body, from) => heard.push([from, body]));
    draftsB.subscribe((body) => drafts.push(body));
    readsA.post({ type: 'read', seq: 3 });
    rogue().post({ v: 1, topic: 'read', from: 'c', body: { type: 'read', seq: 'three' } });
    await hub.flush();
    expect(heard).toEqual([['a', { type: 'read', seq: 3 }]]);
    expect(drafts).toEqual([]);
    expect(invalid).toEqual(['invalid seq']);
    expect(b.invalidCount).toBe(1);
    expect(() => a.join({ topic: 'read', schema })).toThrow('already joined');
  });

  it('a hand-over calls every topic’s hook in the order they joined, in one place; the hub is the one closer of the lock', async () => {
    const { hub, open } = setup();
    const [a, b] = [open('a'), open('b')];
    await hub.flush();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    const calls: string[] = [];
    for (const topic of ['conn', 'outbox', 'notified'] as const) {
      b.join({
        topic,
        schema: v.unknown(),
        onLeader: () => calls.push(`${topic} leads`),
        onFollower: () => calls.push(`${topic} follows`),
      });
    }
    a.close();
    await hub.flush();
    expect(b.isLeader()).toBe(true);
    expect(calls).toEqual(['conn leads', 'outbox leads', 'notified leads']);
    // The new leader's beat says so at once.
    const c = open('c');
    await hub.flush();
    expect(c.others().map((beat) => [beat.tabId, beat.leader])).toEqual([['b', true]]);
    b.close();
    c.close();
  });

  it('is alone without a channel: it leads, lets the lock go, posts nowhere', () => {
    const hub = new FakeTabHub();
    const other = hub.leadership('b');
    const alone = new TabHub({ tabId: 'a', leadership: hub.leadership('a'), channel: null, lifecycle: () => () => undefined });
    expect(alone.alone).toBe(true);
    expect(alone.isLeader()).toBe(true);
    expect(other.isLeader()).toBe(true);
    expect(alone.join({ topic: 'read', schema: v.unknown() }).isLeader()).toBe(true);
    alone.close();
  });
});
