import { describe, expect, it } from 'vitest';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { TAB_ANNOUNCE_INTERVAL_MS, TAB_STATE_TTL_MS, TabStates, tabStatesChannelName } from './tab-states.ts';

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
  const open = (tabId: string) =>
    new TabStates({ channel: hub.channel(tabStatesChannelName('u1')), tabId, now: time.now, every: (ms, cb) => time.every(ms, cb) });
  return { hub, time, open };
}

const ids = (states: TabStates) => states.all().map((state) => state.tabId);

describe('TabStates', () => {
  it('a tab that joins learns the states of the tabs already open, and they learn its own', async () => {
    const { hub, open } = setup();
    const a = open('a');
    a.update({ visible: true, focused: true, threadId: 't1' });
    await hub.flush();
    const b = open('b');
    await hub.flush();
    expect(b.all()).toEqual([
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
    const { hub, time, open } = setup();
    const a = open('a');
    const b = open('b');
    // A tab that announced once and then froze (no more announcements, no goodbye).
    hub.channel<unknown>(tabStatesChannelName('u1')).post({
      type: 'tab_state',
      state: { tabId: 'frozen', visible: true, focused: true, threadId: 't1' },
    });
    await hub.flush();
    expect(ids(a)).toEqual(['a', 'b', 'frozen']);
    expect(a.anyVisibleOn('t1')).toBe(true);
    let told = 0;
    a.subscribe(() => told++);
    for (let elapsed = 0; elapsed <= TAB_STATE_TTL_MS; elapsed += TAB_ANNOUNCE_INTERVAL_MS) {
      time.advance(TAB_ANNOUNCE_INTERVAL_MS);
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

  it('ignores messages it does not understand (another build, another concept)', async () => {
    const { hub, open } = setup();
    const a = open('a');
    const rogue = hub.channel<unknown>(tabStatesChannelName('u1'));
    rogue.post({ type: 'tab_state', state: { tabId: 'x', visible: 'yes', focused: false, threadId: null } });
    rogue.post({ type: 'tab_state', state: { tabId: '', visible: true, focused: false, threadId: null } });
    rogue.post({ type: 'tab_state', state: { tabId: 'y', visible: true, focused: false, threadId: 42 } });
    rogue.post('hello');
    rogue.post(null);
    rogue.post({ type: 'tab_state', state: { tabId: 'z', visible: false, focused: true, threadId: 't9' } });
    await hub.flush();
    // Only the well-formed one is kept; a hidden tab cannot be focused.
    expect(a.all()).toEqual([
      { tabId: 'a', visible: false, focused: false, threadId: null },
      { tabId: 'z', visible: false, focused: false, threadId: 't9' },
    ]);
  });
});
