import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { WINDOW_SIZE } from '../sync/thread-log.ts';
import { AROUND_BEFORE, AROUND_SIZE } from '../sync/windowed-thread-log.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeThreadSource } from '../testing/fake-thread-source.ts';
import type { TimelineItem } from '../timeline/timeline-item.ts';
import { InboxSyncEngine } from './inbox-sync-engine.ts';

const THREAD = 't-long';
const ME = 'user:me';
const MESSAGES = 10_000;
const HIT = 4_000;

/** An engine over a thread of MESSAGES messages, opened around HIT with every answer given. */
async function openedAtHit() {
  const source = new FakeThreadSource(THREAD);
  source.plan(MESSAGES);
  source.commit(MESSAGES);
  const engine = new InboxSyncEngine({
    connection: new FakeConnection(),
    source,
    outboxStore: new MemoryOutboxStore(),
    environment: new FakeEnvironment(),
    selfSenderId: ME,
  });
  const opening = engine.openThread(THREAD, HIT);
  await source.settle();
  await opening;
  engine.flush();
  return { source, engine };
}

const seqsOf = (items: readonly TimelineItem[]) => items.flatMap((item) => (item.kind === 'message' ? [item.message.seq] : []));

describe('InboxSyncEngine: a thread opened at a message (a search result)', () => {
  it('reads one window around it, says it has newer events, and is synced', async () => {
    const { source, engine } = await openedAtHit();
    expect(source.polls).toEqual([{ afterSeq: HIT - AROUND_BEFORE - 1, limit: AROUND_SIZE }]);
    const snapshot = engine.getThreadSnapshot(THREAD);
    expect(seqsOf(snapshot.items)[0]).toBe(HIT - AROUND_BEFORE);
    expect(seqsOf(snapshot.items)).toContain(HIT);
    expect(snapshot.hasNewer).toBe(true);
    expect(snapshot.hasOlder).toBe(true);
    expect(snapshot.health.status).toBe('synced');
    // A fallback stream resumes at the live end, not after the window.
    expect(engine.cursorOf(THREAD)).toBe(MESSAGES);
  });

  it('asking to show a message the window holds sends nothing, also at the live end', async () => {
    const { source, engine } = await openedAtHit();
    await engine.showSeq(THREAD, HIT + 10);
    expect(source.calls).toHaveLength(0);
    expect(source.polls).toHaveLength(1);
    const jumping = engine.jumpToLatest(THREAD);
    await source.settle();
    await jumping;
    const polls = source.polls.length;
    await engine.showSeq(THREAD, MESSAGES - 1);
    expect(source.calls).toHaveLength(0);
    expect(source.polls).toHaveLength(polls);
  });

  it('a live message past the window shows only once the window reaches it, once', async () => {
    const { source, engine } = await openedAtHit();
    source.plan(1);
    source.commit(1);
    engine.receiveEvent(THREAD, source.log[MESSAGES]!);
    engine.flush();
    expect(seqsOf(engine.getThreadSnapshot(THREAD).items)).not.toContain(MESSAGES + 1);
    while (engine.getThreadSnapshot(THREAD).hasNewer) {
      const loading = engine.loadNewer(THREAD);
      await source.settle();
      await loading;
      engine.flush();
    }
    const seqs = seqsOf(engine.getThreadSnapshot(THREAD).items);
    expect(seqs).toEqual(Array.from({ length: MESSAGES + 1 - (HIT - AROUND_BEFORE) + 1 }, (_, i) => HIT - AROUND_BEFORE + i));
  });

  it('a message sent from there goes back to the latest window, where it shows', async () => {
    const { source, engine } = await openedAtHit();
    void engine.send(THREAD, 'hello from the past');
    await source.settle();
    engine.flush();
    const snapshot = engine.getThreadSnapshot(THREAD);
    expect(snapshot.hasNewer).toBe(false);
    expect(seqsOf(snapshot.items)).toEqual(Array.from({ length: WINDOW_SIZE }, (_, i) => MESSAGES - WINDOW_SIZE + 1 + i));
    const last = snapshot.items.at(-1)!;
    expect(last.kind === 'pending_message' && last.item.content).toBe('hello from the past');
  });

  it('jumps to the latest window, live', async () => {
    const { source, engine } = await openedAtHit();
    const jumping = engine.jumpToLatest(THREAD);
    await source.settle();
    await jumping;
    engine.flush();
    const snapshot = engine.getThreadSnapshot(THREAD);
    expect(snapshot.hasNewer).toBe(false);
    expect(seqsOf(snapshot.items).at(-1)).toBe(MESSAGES);
    expect(engine.cursorOf(THREAD)).toBe(MESSAGES);
  });
});
