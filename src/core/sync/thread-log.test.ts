import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import { entryFromEvent } from './log-entry.ts';
import { ThreadLog, WINDOW_SIZE } from './thread-log.ts';

const THREAD = 't1';

function setup(source = new FakeThreadSource(THREAD)) {
  let changes = 0;
  const log = new ThreadLog(THREAD, { source, onChange: () => changes++ });
  return { source, log, changes: () => changes };
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

type Op =
  | { op: 'commit'; count: number }
  | { op: 'deliver'; pick: number }
  | { op: 'unsequenced' }
  | { op: 'reconnect' }
  | { op: 'answer'; pick: number }
  | { op: 'older' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'unsequenced' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'older' as const }) },
);

describe('ThreadLog under any delivery schedule (property)', () => {
  it('ends equal to the server log: every seq once, in order, no hole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 140 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(opArbitrary, { maxLength: 120 }),
        fc.boolean(),
        async (total, initiallyCommitted, ops, knowsLastSeq) => {
          const { source, log } = setup();
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
            }
            await flushMicrotasks();
          }
          // The end of the schedule: everything committed, one last reconnect, all answers arrive.
          source.commit(total);
          void log.verify();
          await source.settle();
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
