import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import { entryFromEvent } from './log-entry.ts';
import { ThreadLog, WINDOW_SIZE } from './thread-log.ts';
import { AROUND_BEFORE, AROUND_SIZE, NEWER_PAGE_SIZE, WindowedThreadLog } from './windowed-thread-log.ts';

const THREAD = 't1';

function setup(source = new FakeThreadSource(THREAD)) {
  let changes = 0;
  const log = new ThreadLog(THREAD, { source, onChange: () => changes++ });
  return { source, log, changes: () => changes };
}

/** The inbox's log: everything a ThreadLog does, and opening around a message. */
function setupWindowed(source = new FakeThreadSource(THREAD)) {
  return { source, log: new WindowedThreadLog(THREAD, { source, onChange: () => undefined }) };
}

/** A log opened on a server that planned `planned` events and has committed `committed` of them. */
async function opened(planned: number, committed: number) {
  const result = setup();
  result.source.plan(planned);
  result.source.commit(committed);
  const opening = result.log.open();
  await result.source.settle();
  await opening;
  return result;
}

const entry = (event: InboundEvent) => entryFromEvent(THREAD, event);
const seqsOf = (log: ThreadLog) => log.items.map((item) => item.seq);
const keysOf = (log: ThreadLog) => log.items.map((item) => item.key);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Loads newer pages until a detached window has joined the live end. */
async function loadAllNewer(log: WindowedThreadLog, source: FakeThreadSource) {
  while (log.detached && log.isOpen) {
    const loading = log.loadNewer();
    await source.settle();
    await loading;
  }
}

/** Loads older pages until the window reaches seq 1. */
async function loadAll(log: ThreadLog, source: FakeThreadSource) {
  while (log.hasOlder) {
    const loading = log.loadOlder();
    await source.settle();
    await loading;
  }
}

describe('ThreadLog', () => {
  it('opens at the latest window of the log (dense seq arithmetic)', async () => {
    const { source, log } = await opened(120, 120);
    expect(seqsOf(log)).toEqual(Array.from({ length: WINDOW_SIZE }, (_, i) => 71 + i));
    expect(log.appliedSeq).toBe(120);
    expect(log.status).toBe('synced');
    await loadAll(log, source);
    expect(seqsOf(log)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('applies the next seq at once and drops duplicates', async () => {
    const { source, log } = await opened(3, 1);
    source.commit(2);
    log.receive(entry(source.log[1]!));
    log.receive(entry(source.log[1]!));
    log.receive(entry(source.log[0]!));
    log.receive(entry(source.log[2]!));
    expect(seqsOf(log)).toEqual([1, 2, 3]);
    expect(source.calls).toHaveLength(0);
  });

  it('fills a gap with one catch-up, however many events arrive meanwhile', async () => {
    const { source, log } = await opened(10, 1);
    source.commit(9);
    for (const seq of [5, 7, 6, 10, 9]) log.receive(entry(source.log[seq - 1]!));
    expect(source.calls).toHaveLength(1);
    expect(log.status).toBe('catching_up');
    await source.settle();
    expect(seqsOf(log)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.status).toBe('synced');
  });

  it('catches up instead of inserting a message that has no seq', async () => {
    const { source, log } = await opened(2, 1);
    source.commit(1);
    log.receiveUnsequenced();
    await source.settle();
    expect(seqsOf(log)).toEqual([1, 2]);
  });

  it('reloads when the server log is behind what it holds (database reset): no ghost messages', async () => {
    const { source, log } = await opened(30, 30);
    const fresh = new FakeThreadSource(THREAD);
    fresh.plan(4);
    source.reset(
      fresh.log.map((event) => ({ ...event, event_id: `new-${event.thread_seq}`, data: { message_id: `new-m-${event.thread_seq}` } })),
    );
    const verifying = log.verify();
    await source.settle();
    await verifying;
    await source.settle();
    expect(keysOf(log)).toEqual(['new-m-1', 'new-m-2', 'new-m-3', 'new-m-4']);
    expect(log.appliedSeq).toBe(4);
  });

  it('reloads when an event arrives at a held seq with another identity', async () => {
    const { source, log } = await opened(5, 5);
    source.reset(source.log.map((event) => ({ ...event, data: { message_id: `other-${event.thread_seq}` } })));
    log.receive(entry(source.log[2]!));
    await source.settle();
    expect(keysOf(log)).toEqual(['other-1', 'other-2', 'other-3', 'other-4', 'other-5']);
  });

  it('reads a seed-only server (no last_seq) from the start and keeps the latest window', async () => {
    const { source, log } = setup();
    source.knowsLastSeq = false;
    source.plan(260);
    source.commit(260);
    const opening = log.open();
    await source.settle();
    await opening;
    expect(seqsOf(log)).toEqual(Array.from({ length: WINDOW_SIZE }, (_, i) => 211 + i));
  });

  it('trims a thread that leaves the screen to its latest window', async () => {
    const { source, log } = await opened(200, 200);
    await loadAll(log, source);
    expect(log.items).toHaveLength(200);
    log.trim(WINDOW_SIZE);
    expect(seqsOf(log)[0]).toBe(151);
    expect(log.hasOlder).toBe(true);
  });

  it('reports a failed catch-up and recovers on the next one', async () => {
    const { source, log } = await opened(3, 1);
    source.commit(2);
    const { ApiError } = await import('../api/api-error.ts');
    source.failNext = new ApiError('network_error', 'offline', true);
    log.receive(entry(source.log[2]!));
    await flushMicrotasks();
    expect(log.status).toBe('failed');
    void log.catchUp();
    await source.settle();
    expect(seqsOf(log)).toEqual([1, 2, 3]);
    expect(log.status).toBe('synced');
  });
});

describe('ThreadLog opened around a message', () => {
  /** A log opened around `seq` on a server with `committed` events, every answer given. */
  async function around(committed: number, seq: number) {
    const result = setupWindowed();
    result.source.plan(committed);
    result.source.commit(committed);
    const opening = result.log.openAround(seq);
    await result.source.settle();
    await opening;
    return result;
  }

  it('reads the window around the message in one poll, detached from the live end', async () => {
    const { source, log } = await around(50_000, 25_000);
    expect(source.polls).toEqual([{ afterSeq: 25_000 - AROUND_BEFORE - 1, limit: AROUND_SIZE }]);
    expect(seqsOf(log)).toEqual(range(25_000 - AROUND_BEFORE, 25_000 - AROUND_BEFORE + AROUND_SIZE - 1));
    expect(log.detached).toBe(true);
    expect(log.hasOlder).toBe(true);
    expect(log.status).toBe('synced');
    // A stream resumes at the live end, not after the window (that would replay the thread).
    expect(log.resumeSeq).toBe(50_000);
  });

  it('asked again for the same message while it loads, sends nothing more', async () => {
    const { source, log } = setupWindowed();
    source.plan(1_000);
    source.commit(1_000);
    const first = log.openAround(500);
    const again = log.openAround(500);
    const open = log.open();
    await source.settle();
    await Promise.all([first, again, open]);
    expect(source.polls).toHaveLength(1);
    expect(seqsOf(log)[0]).toBe(500 - AROUND_BEFORE);
  });

  it('clamps the window at the start of the log, and is live when it reaches the end', async () => {
    const { source, log } = await around(150, 20);
    expect(source.polls[0]).toEqual({ afterSeq: 0, limit: AROUND_SIZE });
    expect(seqsOf(log)).toEqual(range(1, 150));
    expect(log.detached).toBe(false);
    source.plan(1);
    source.commit(1);
    log.receive(entry(source.log[150]!));
    expect(log.appliedSeq).toBe(151);
  });

  it('does not hold live events past the window; scrolling down joins the live end with no gap and no duplicate', async () => {
    const { source, log } = await around(1_000, 300);
    const end = 300 - AROUND_BEFORE + AROUND_SIZE - 1;
    expect(log.appliedSeq).toBe(end);
    // Live events while detached: past the window, neither applied nor held.
    source.plan(5);
    source.commit(3);
    for (const seq of [1_001, 1_002, 1_003]) log.receive(entry(source.log[seq - 1]!));
    expect(log.appliedSeq).toBe(end);
    expect(log.size).toBe(AROUND_SIZE);
    expect(source.calls).toHaveLength(0);
    // A page down: the next NEWER_PAGE_SIZE events after the window, still detached.
    const loading = log.loadNewer();
    expect(log.isLoadingNewer).toBe(true);
    await source.settle();
    await loading;
    expect(source.polls.at(-1)).toEqual({ afterSeq: end, limit: NEWER_PAGE_SIZE });
    expect(log.appliedSeq).toBe(end + NEWER_PAGE_SIZE);
    expect(log.detached).toBe(true);
    await loadAllNewer(log, source);
    // Joined: what came live meanwhile is there once, and the next live event applies at once.
    expect(log.detached).toBe(false);
    expect(seqsOf(log)).toEqual(range(300 - AROUND_BEFORE, 1_003));
    source.commit(2);
    log.receive(entry(source.log[1_004]!));
    log.receive(entry(source.log[1_003]!));
    await source.settle();
    expect(seqsOf(log)).toEqual(range(300 - AROUND_BEFORE, 1_005));
    expect(log.resumeSeq).toBe(1_005);
  });

  it('catches up on what was committed while the page that reached the end was in flight', async () => {
    // The window ends NEWER_PAGE_SIZE before the end: the next page reaches it.
    const { source, log } = await around(249 + NEWER_PAGE_SIZE, 150);
    expect(log.appliedSeq).toBe(249);
    const loading = log.loadNewer();
    // The answer is taken when the request reaches the server; these commit after it.
    source.plan(4);
    source.commit(4);
    const last = 249 + NEWER_PAGE_SIZE;
    for (const seq of [last + 1, last + 2, last + 3, last + 4]) log.receive(entry(source.log[seq - 1]!));
    await source.settle();
    await loading;
    expect(log.detached).toBe(false);
    expect(seqsOf(log)).toEqual(range(150 - AROUND_BEFORE, last + 4));
  });

  it('grows older pages from the window start', async () => {
    const { source, log } = await around(2_000, 1_000);
    const loading = log.loadOlder();
    await source.settle();
    await loading;
    expect(seqsOf(log)[0]).toBe(1_000 - AROUND_BEFORE - WINDOW_SIZE);
    expect(log.detached).toBe(true);
  });

  it('jumps back to the latest window, live', async () => {
    const { source, log } = await around(5_000, 100);
    const jumping = log.jumpToLatest();
    await source.settle();
    await jumping;
    expect(log.detached).toBe(false);
    expect(seqsOf(log)).toEqual(range(5_000 - WINDOW_SIZE + 1, 5_000));
  });

  it('a detached window that leaves the screen is replaced by the latest window', async () => {
    const { source, log } = await around(5_000, 100);
    log.trim(WINDOW_SIZE);
    await source.settle();
    expect(log.detached).toBe(false);
    expect(seqsOf(log)).toEqual(range(5_000 - WINDOW_SIZE + 1, 5_000));
  });

  it('a message past the end of the log opens the latest window', async () => {
    const { log } = await around(120, 900);
    expect(log.detached).toBe(false);
    expect(seqsOf(log)).toEqual(range(120 - WINDOW_SIZE + 1, 120));
  });
});

type Op =
  | { op: 'commit'; count: number }
  | { op: 'deliver'; pick: number }
  | { op: 'unsequenced' }
  | { op: 'reconnect' }
  | { op: 'answer'; pick: number }
  | { op: 'older' }
  | { op: 'around'; pick: number }
  | { op: 'newer' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'unsequenced' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'older' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('around' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ op: 'newer' as const }) },
);

/** What holds after every step: the window is contiguous, every seq once, in order. */
function expectContiguous(log: ThreadLog) {
  const seqs = seqsOf(log);
  expect(seqs).toEqual(seqs.length ? range(log.windowStart, log.appliedSeq) : []);
}

describe('ThreadLog under any delivery schedule (property)', () => {
  it('ends equal to the server log: every seq once, in order, no hole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 140 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(opArbitrary, { maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        async (total, initiallyCommitted, ops, knowsLastSeq, windowed) => {
          // The widget's plain log, or the inbox's, which also opens around search results.
          const { source, log } = windowed ? setupWindowed() : setup();
          source.knowsLastSeq = knowsLastSeq;
          source.plan(total, (seq) => (seq % 4 === 0 ? 'tool_call_started' : 'message_committed'));
          source.commit(initiallyCommitted);
          void log.open();
          for (const step of ops) {
            switch (step.op) {
              case 'commit':
                source.commit(step.count);
                break;
              case 'deliver':
                // Any committed event, possibly again, possibly out of order; the others are "dropped".
                if (source.committed > 0) log.receive(entry(source.log[step.pick % source.committed]!));
                break;
              case 'unsequenced':
                log.receiveUnsequenced();
                break;
              case 'reconnect':
                void log.verify();
                break;
              case 'answer':
                if (source.calls.length > 0) source.releaseOne(step.pick % source.calls.length);
                break;
              case 'older':
                void log.loadOlder();
                break;
              case 'around':
                // A search result: any seq of the planned log, maybe not committed yet.
                if (total > 0 && log instanceof WindowedThreadLog) void log.openAround(1 + (step.pick % total));
                break;
              case 'newer':
                if (log instanceof WindowedThreadLog) void log.loadNewer();
                break;
            }
            await flushMicrotasks();
            expectContiguous(log);
          }
          // The end of the schedule: everything committed, one last reconnect, all answers arrive.
          source.commit(total);
          void log.verify();
          await source.settle();
          if (log instanceof WindowedThreadLog) await loadAllNewer(log, source);
          await loadAll(log, source);

          const expected = source.log.map((event) => entryFromEvent(THREAD, event));
          expect(log.appliedSeq).toBe(total);
          expect(seqsOf(log)).toEqual(expected.map((item) => item.seq));
          expect(keysOf(log)).toEqual(expected.map((item) => item.key));
          expect(log.status).toBe('synced');
        },
      ),
      { numRuns: 300 },
    );
  });
});
