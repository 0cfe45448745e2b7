import { describe, expect, it } from 'vitest';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { DraftTabSync } from './draft-tab-sync.ts';

let tabs = 0;

/** A tab with its drafts and the thread whose composer the user is in (if any). */
function tab(hub: FakeTabHub) {
  const state = { drafts: new Map<string, string>(), active: null as string | null };
  const sync = new DraftTabSync({
    hub: hub.tabHub(`tab-${++tabs}`),
    isActive: (threadId) => state.active === threadId,
    apply: (threadId, text) => state.drafts.set(threadId, text),
  });
  const type = (threadId: string, text: string) => {
    state.drafts.set(threadId, text);
    sync.changed(threadId, text);
  };
  return { state, sync, type };
}

describe('drafts across tabs', () => {
  it('shows a draft typed in one tab in the others, for the same thread, and a send clears it everywhere', async () => {
    const hub = new FakeTabHub();
    const [one, two, three] = [tab(hub), tab(hub), tab(hub)];
    one.type('t1', 'hel');
    one.type('t1', 'hello');
    two.type('t2', 'other thread');
    await hub.flush();
    expect(Object.fromEntries(two.state.drafts)).toEqual({ t1: 'hello', t2: 'other thread' });
    expect(Object.fromEntries(three.state.drafts)).toEqual({ t1: 'hello', t2: 'other thread' });
    one.type('t1', '');
    await hub.flush();
    expect(two.state.drafts.get('t1')).toBe('');
  });

  it('does not overwrite the composer the user is in; applies the other tab’s draft when they leave it', async () => {
    const hub = new FakeTabHub();
    const [one, two] = [tab(hub), tab(hub)];
    two.type('t1', 'mine');
    two.state.active = 't1';
    await hub.flush();
    one.type('t1', 'from the other tab');
    await hub.flush();
    expect(two.state.drafts.get('t1')).toBe('mine');
    two.state.active = null;
    two.sync.settle();
    expect(two.state.drafts.get('t1')).toBe('from the other tab');
  });

  it('keeps the local text when the user typed after the other tab’s draft came, and sends it to the others', async () => {
    const hub = new FakeTabHub();
    const [one, two] = [tab(hub), tab(hub)];
    two.state.active = 't1';
    one.type('t1', 'older');
    await hub.flush();
    two.type('t1', 'newer, typed here');
    await hub.flush();
    two.state.active = null;
    two.sync.settle();
    expect(two.state.drafts.get('t1')).toBe('newer, typed here');
    expect(one.state.drafts.get('t1')).toBe('newer, typed here');
  });

  it('ignores messages it does not understand', async () => {
    const hub = new FakeTabHub();
    const one = tab(hub);
    hub.rogue('drafts').post({ type: 'draft', threadId: 't1', text: 42 });
    hub.rogue('drafts').post('draft');
    await hub.flush();
    expect(one.state.drafts.size).toBe(0);
  });
});
