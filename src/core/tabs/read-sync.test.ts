import { describe, expect, it } from 'vitest';
import { readMarker } from '../engine/read-marker.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { ReadSync } from './read-sync.ts';
import { fakeEngine } from '../testing/fake-engine.ts';

let tabs = 0;

/** One tab: its own engine (as each tab has), joined to the read topic of its tab hub. */
function openTab(hub: FakeTabHub) {
  const sync = new ReadSync(hub.tabHub(`tab-${++tabs}`));
  const { engine, connection } = fakeEngine({ reads: readMarker({ reads: sync }) });
  /** This tab reads `threadId` up to `readSeq` now. */
  const read = (threadId: string, readSeq: number) => {
    engine.markRead(threadId, readSeq);
    engine.flushRead(threadId);
  };
  return { engine, sync, connection, read };
}

describe('ReadSync', () => {
  it('a read in one tab moves the read position in every tab, forward only', async () => {
    const hub = new FakeTabHub();
    const [a, b, c] = [openTab(hub), openTab(hub), openTab(hub)];
    a.read('t1', 7);
    expect(a.engine.getThreadSummary('t1').readSeq).toBe(7);
    await hub.flush();
    expect(b.engine.getThreadSummary('t1').readSeq).toBe(7);
    expect(c.engine.getThreadSummary('t1').readSeq).toBe(7);
    // An older read (a slow tab) does not move it back.
    c.sync.publish('t1', 3);
    await hub.flush();
    expect(a.engine.getThreadSummary('t1').readSeq).toBe(7);
    expect(b.engine.getThreadSummary('t1').readSeq).toBe(7);
  });

  it('tells the thread list once per change (the echo of the same read changes nothing)', async () => {
    const hub = new FakeTabHub();
    const [a, b] = [openTab(hub), openTab(hub)];
    const summaries: number[] = [];
    b.engine.onActivity((activity) => {
      if (activity.kind === 'summary') summaries.push(activity.summary.readSeq);
    });
    a.read('t1', 5);
    await hub.flush();
    b.engine.applyRead('t1', 5); // the server's thread_read echo, heard later
    expect(summaries).toEqual([5]);
  });

  it('ignores malformed messages', async () => {
    const hub = new FakeTabHub();
    const a = openTab(hub);
    const rogue = hub.rogue('read');
    rogue.post({ type: 'read', threadId: 't1', readSeq: -1 });
    rogue.post({ type: 'read', threadId: 't1', readSeq: 1.5 });
    rogue.post({ type: 'read', threadId: '', readSeq: 4 });
    rogue.post({ type: 'read', readSeq: 4 });
    rogue.post('read');
    await hub.flush();
    expect(a.engine.getThreadSummary('t1').readSeq).toBe(0);
  });
});
