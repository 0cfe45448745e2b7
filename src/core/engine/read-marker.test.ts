import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadSync } from '../tabs/read-sync.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { MARK_READ_DELAY_MS, readMarker } from './read-marker.ts';
import { fakeEngine } from '../testing/fake-engine.ts';

let tabs = 0;

/** One tab's engine on the read topic of its tab hub; what it told the server and the thread list is recorded. */
function openTab(hub: FakeTabHub) {
  const saved: [string, number][] = [];
  const { engine, connection } = fakeEngine({
    reads: readMarker({
      reads: new ReadSync(hub.tabHub(`tab-${++tabs}`)),
      save: async (threadId, readSeq) => {
        saved.push([threadId, readSeq]);
      },
    }),
  });
  const summaries: number[] = [];
  engine.onActivity((activity) => {
    if (activity.kind === 'summary') summaries.push(activity.summary.readSeq);
  });
  return { engine, connection, saved, summaries };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('engine.markRead', () => {
  it('changes the summary once per mark; the server’s echo and the other tabs’ echo change nothing', async () => {
    const hub = new FakeTabHub();
    const [a, b] = [openTab(hub), openTab(hub)];
    await a.engine.start();
    a.connection.open();
    a.engine.markRead('t1', 5);
    expect(a.summaries).toEqual([]);
    vi.advanceTimersByTime(MARK_READ_DELAY_MS);
    expect(a.summaries).toEqual([5]);
    expect(a.saved).toEqual([['t1', 5]]);
    await hub.flush();
    expect(b.summaries).toEqual([5]);
    // The server echoes the read to every connection of the user, the reader's included.
    a.connection.deliver({ type: 'thread_read', thread_id: 't1', data: { read_seq: 5 } });
    b.engine.applyRead('t1', 5);
    // Marking what is already read (the list re-renders) tells no one again.
    a.engine.markRead('t1', 5);
    vi.advanceTimersByTime(MARK_READ_DELAY_MS);
    await hub.flush();
    expect(a.summaries).toEqual([5]);
    expect(b.summaries).toEqual([5]);
    expect(a.saved).toEqual([['t1', 5]]);
    expect(b.saved).toEqual([]);
  });

  it('reports marks made within the delay once, at the newest position', () => {
    const a = openTab(new FakeTabHub());
    a.engine.markRead('t1', 3);
    a.engine.markRead('t1', 6);
    a.engine.markRead('t1', 4);
    vi.advanceTimersByTime(MARK_READ_DELAY_MS);
    expect(a.summaries).toEqual([6]);
    expect(a.saved).toEqual([['t1', 6]]);
  });

  it('reports a waiting mark at once when flushed, and never when cancelled', () => {
    const a = openTab(new FakeTabHub());
    a.engine.markRead('t1', 2);
    a.engine.flushRead('t1');
    expect(a.saved).toEqual([['t1', 2]]);
    a.engine.markRead('t1', 8);
    a.engine.cancelRead('t1');
    vi.advanceTimersByTime(MARK_READ_DELAY_MS);
    a.engine.flushRead('t1');
    expect(a.summaries).toEqual([2]);
    expect(a.saved).toEqual([['t1', 2]]);
  });

  it('drops a waiting mark when the engine stops', () => {
    const a = openTab(new FakeTabHub());
    a.engine.markRead('t1', 4);
    a.engine.stop();
    vi.advanceTimersByTime(MARK_READ_DELAY_MS);
    expect(a.saved).toEqual([]);
  });
});
