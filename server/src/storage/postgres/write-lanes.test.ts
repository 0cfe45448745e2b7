import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { AppendFailed, type EventWrite } from './append-group.ts';
import { migrate } from './schema.ts';
import { homeLane, WriteLanes } from './write-lanes.ts';

/** How long a test waits for a write that should not be held up before calling it stuck. */
const STUCK_MS = 10_000;

/** A migrated database with the given threads, lanes on it, and a separate connection that sees only what is committed. */
async function setup(threadIds: readonly string[], laneCount = 1) {
  const url = await freshDatabase();
  const reader = postgres(url, { max: 2, onnotice: () => {} });
  await migrate(reader);
  for (const id of threadIds) {
    await reader`
      INSERT INTO threads (id, kind, participation_mode, created_by, created_at, updated_at, activity_at)
      VALUES (${id}, 'private', 'open', 'system', now(), now(), now())`;
  }
  const lanes = new WriteLanes(url, laneCount, { onnotice: () => {} });
  const event = (threadId: string, label: string, eventId: string = randomUUID()): EventWrite => ({
    kind: 'event',
    thread_id: threadId,
    event_id: eventId,
    event_type: 'mode_changed',
    sender_id: 'system',
    content: label,
    data: {},
    created_at: new Date().toISOString(),
  });
  const committed = async (threadId: string) =>
    (
      await reader<{ content: string; thread_seq: number; xid: string }[]>`
      SELECT content, thread_seq, xmin::text AS xid FROM events WHERE thread_id = ${threadId} ORDER BY thread_seq`
    ).map((row) => ({ ...row }));
  return {
    url,
    reader,
    lanes,
    event,
    committed,
    async close() {
      await lanes.close();
      await reader.end();
    },
  };
}

describePostgres('WriteLanes', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  it('commits the writes queued together in one statement, each thread in call order', async () => {
    const s = await setup(['t1', 't2']);
    cleanup = s.close;
    const outcomes = await Promise.all([
      s.lanes.run(s.event('t2', 'a')),
      s.lanes.run(s.event('t1', 'b')),
      s.lanes.run(s.event('t2', 'c')),
      s.lanes.run(s.event('t1', 'd')),
    ]);
    expect(outcomes).toEqual([{ seq: 1 }, { seq: 1 }, { seq: 2 }, { seq: 2 }]);
    const rows = [...(await s.committed('t1')), ...(await s.committed('t2'))];
    expect(rows.map((row) => [row.content, row.thread_seq])).toEqual([
      ['b', 1],
      ['d', 2],
      ['a', 1],
      ['c', 2],
    ]);
    expect(new Set(rows.map((row) => row.xid)).size).toBe(1);
    // A later write is a new group.
    await s.lanes.run(s.event('t1', 'e'));
    expect((await s.committed('t1')).at(-1)!.xid).not.toBe(rows[0]!.xid);
  });

  it('fails a failing write alone: the others commit, seqs stay dense, a missing thread is null', async () => {
    const s = await setup(['t1']);
    cleanup = s.close;
    const taken = randomUUID();
    await s.lanes.run(s.event('t1', 'first', taken));
    const outcomes = await Promise.allSettled([
      s.lanes.run(s.event('t1', 'one')),
      s.lanes.run(s.event('t1', 'repeat', taken)),
      s.lanes.run(s.event('no-such-thread', 'lost')),
      s.lanes.run(s.event('t1', 'two')),
    ]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'rejected'))).toEqual([
      { seq: 2 },
      'rejected',
      null,
      { seq: 3 },
    ]);
    const reason = (outcomes[1] as PromiseRejectedResult).reason as AppendFailed;
    expect(reason).toBeInstanceOf(AppendFailed);
    expect({ code: reason.code, constraint: reason.constraint_name }).toEqual({ code: '23505', constraint: 'events_event_id_key' });
    expect((await s.committed('t1')).map((row) => [row.content, row.thread_seq])).toEqual([
      ['first', 1],
      ['one', 2],
      ['two', 3],
    ]);
  });

  it('commits what is queued when closed', async () => {
    const s = await setup(['t1', 't2'], 3);
    cleanup = s.close;
    const queued = Promise.all([s.lanes.run(s.event('t1', 'x')), s.lanes.run(s.event('t2', 'y'))]);
    await s.lanes.close();
    await expect(queued).resolves.toEqual([{ seq: 1 }, { seq: 1 }]);
  });

  it('a thread whose commit waits for a lock held elsewhere does not hold up another thread of its lane', async () => {
    const lanesCount = 2;
    const ids = Array.from({ length: 20 }, (_, index) => `thread-${index}`);
    const [blocked, other] = ids.filter((id) => homeLane(id, lanesCount) === homeLane(ids[0]!, lanesCount));
    const s = await setup([blocked!, other!], lanesCount);
    cleanup = s.close;
    // Another process's transaction holds the blocked thread's row, as a frozen one would.
    const holder = await s.reader.reserve();
    await holder`BEGIN`;
    await holder`SELECT 1 FROM threads WHERE id = ${blocked!} FOR UPDATE`;
    try {
      const waiting = s.lanes.run(s.event(blocked!, 'waits'));
      const passing = s.lanes.run(s.event(other!, 'passes'));
      const first = await Promise.race([
        passing.then((outcome) => ({ other: outcome })),
        waiting.then(() => 'the blocked thread committed first'),
        new Promise((resolve) => setTimeout(() => resolve('the other thread is stuck behind the blocked one'), STUCK_MS)),
      ]);
      expect(first).toEqual({ other: { seq: 1 } });
      expect(await s.committed(blocked!)).toEqual([]);
      await holder`ROLLBACK`;
      await expect(waiting).resolves.toEqual({ seq: 1 });
      // Both threads go on through the lanes as before.
      await expect(Promise.all([s.lanes.run(s.event(blocked!, 'later')), s.lanes.run(s.event(other!, 'later'))])).resolves.toEqual([
        { seq: 2 },
        { seq: 2 },
      ]);
    } finally {
      holder.release();
    }
  });
});
