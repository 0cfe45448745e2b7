import { expect, it } from 'vitest';
import type { Storage } from '../storage.ts';
import type { OwnershipDecision } from '../stores/ownership-store.ts';
import { thread, users, type ContractOpen } from './fixtures.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

/** A decision that sets the status (and its times) and records it with a status_changed by `by`. */
const toStatus =
  (status: 'open' | 'waiting' | 'resolved' | 'snoozed', by: string, when: string): OwnershipDecision =>
  (current) =>
    current.status === status
      ? null
      : {
          next: {
            ...current,
            status,
            waitingSince: status === 'waiting' ? when : null,
            snoozedUntil: status === 'snoozed' ? when : null,
          },
          events: [{ eventType: 'status_changed', senderId: by, content: null, data: { status, previous: current.status, by } }],
        };

const assign =
  (userId: string | null): OwnershipDecision =>
  (current) => ({
    next: { ...current, assigneeId: userId },
    events: [{ eventType: 'assignee_changed', senderId: 'system', content: null, data: { assignee_id: userId } }],
  });

async function newThread(storage: Storage, userIds: string[], kind: 'private' | 'public' = 'private') {
  return (await storage.threads.create(thread(userIds, { kind }))).thread;
}

/** Storage contract rules of ownership (CONTRACT §11): the state, its events, the queues and the counts. */
export function ownershipRules(open: ContractOpen): void {
  it('rule O1: a new thread is open, unassigned, its agent not paused', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const t = await newThread(storage, [a!]);
    expect(t).toMatchObject({ status: 'open', assigneeId: null, agentPaused: false, waitingSince: null, snoozedUntil: null });
    await storage.close();
  });

  it('rule O2: a change writes the state and its events at the next seqs in one step; no plan, no write', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const t = await newThread(storage, [a!]);
    const changed = await storage.ownership.change(t.id, toStatus('waiting', `user:${a}`, at(1)));
    expect(changed!.state).toMatchObject({ status: 'waiting', waitingSince: at(1) });
    expect(changed!.events.map((e) => [e.thread_seq, e.event_type, e.data])).toEqual([
      [2, 'status_changed', { status: 'waiting', previous: 'open', by: `user:${a}` }],
    ]);
    expect(await storage.threads.get(t.id)).toMatchObject({ status: 'waiting', waitingSince: at(1), lastSeq: 2 });
    const again = await storage.ownership.change(t.id, toStatus('waiting', `user:${a}`, at(2)));
    expect(again).toEqual({ state: changed!.state, events: [] });
    expect((await storage.threads.get(t.id))!.lastSeq).toBe(2);
    expect(await storage.ownership.change('00000000-0000-4000-8000-000000000000', toStatus('open', 'system', at(1)))).toBeUndefined();
    await storage.close();
  });

  it('rule O3: concurrent changes of one thread each see the state the one before left (one event, not two)', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const t = await newThread(storage, [a!]);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => storage.ownership.change(t.id, toStatus('resolved', `user:${a}`, at(i)))),
    );
    expect(results.flatMap((result) => result!.events).length).toBe(1);
    const { events } = await storage.log.list(t.id, 0, 50);
    expect(events.map((e) => e.event_type)).toEqual(['participant_joined', 'status_changed']);
    await storage.close();
  });

  it("rule O4: counts are the reader's: waiting, mine and unassigned (open and waiting only), open, resolved, snoozed", async () => {
    const { storage } = await open();
    const [a, b, c] = await users(storage, 3);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await newThread(storage, [a!, b!])).id);
    await newThread(storage, [c!]);
    await storage.ownership.change(ids[0]!, toStatus('waiting', 'system', at(1)));
    await storage.ownership.change(ids[1]!, toStatus('waiting', 'system', at(2)));
    await storage.ownership.change(ids[1]!, assign(a!));
    await storage.ownership.change(ids[2]!, assign(a!));
    await storage.ownership.change(ids[3]!, toStatus('resolved', 'system', at(3)));
    await storage.ownership.change(ids[3]!, assign(a!));
    await storage.ownership.change(ids[4]!, toStatus('snoozed', 'system', at(4)));
    await storage.ownership.change(ids[5]!, assign(b!));
    expect(await storage.ownership.counts(a!)).toEqual({ waiting: 2, mine: 2, unassigned: 1, open: 2, resolved: 1, snoozed: 1 });
    expect(await storage.ownership.counts(b!)).toEqual({ waiting: 2, mine: 1, unassigned: 1, open: 2, resolved: 1, snoozed: 1 });
    expect(await storage.ownership.counts(c!)).toEqual({ waiting: 0, mine: 0, unassigned: 1, open: 1, resolved: 0, snoozed: 0 });
    await storage.close();
  });

  it('rule O5: the queue filters, several statuses at once; the waiting queue is oldest first and pages by (waitingSince, id)', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await newThread(storage, [a!, b!]);
      // Started waiting in reverse order of creation; two at the same time (the id breaks the tie).
      await storage.ownership.change(t.id, toStatus('waiting', 'system', at(10 - Math.min(i, 3))));
      waiting.push(t.id);
    }
    const other = await newThread(storage, [a!, b!], 'public');
    await storage.ownership.change(other.id, assign(b!));
    const done = await newThread(storage, [a!, b!]);
    await storage.ownership.change(done.id, toStatus('resolved', 'system', at(11)));
    const expected = [...waiting].sort((x, y) => {
      const minute = (id: string) => 10 - Math.min(waiting.indexOf(id), 3);
      return minute(x) - minute(y) || (x < y ? -1 : 1);
    });
    const first = await storage.threads.userThreads(a!, { limit: 3, cursor: null, filter: { statuses: ['waiting'] } });
    const last = first.at(-1)!;
    const second = await storage.threads.userThreads(a!, {
      limit: 3,
      cursor: { at: last.waitingSince!, id: last.id },
      filter: { statuses: ['waiting'] },
    });
    expect([...first, ...second].map((t) => t.id)).toEqual(expected);
    const list = (filter: Parameters<Storage['threads']['userThreads']>[1]['filter']) =>
      storage.threads.userThreads(a!, { limit: 50, cursor: null, filter }).then((threads) => threads.map((t) => t.id));
    expect(await list({ assignee: { userId: b! } })).toEqual([other.id]);
    expect(await list({ kind: 'public' })).toEqual([other.id]);
    expect((await list({ assignee: 'none' })).sort()).toEqual([...waiting, done.id].sort());
    expect(await list({ statuses: ['open'], kind: 'private' })).toEqual([]);
    // Several statuses: any of them, newest activity first (the waiting order is for waiting alone).
    expect((await list({ statuses: ['open', 'waiting'], assignee: 'none' })).sort()).toEqual([...waiting].sort());
    expect((await list({ statuses: ['waiting', 'resolved'] })).sort()).toEqual([...waiting, done.id].sort());
    expect(await list({ statuses: ['open', 'waiting'], assignee: { userId: b! } })).toEqual([other.id]);
    await storage.close();
  });

  it('rule O6: dueSnoozes names the snoozed threads due at a time, soonest first', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const early = await newThread(storage, [a!]);
    const late = await newThread(storage, [a!]);
    const untouched = await newThread(storage, [a!]);
    await storage.ownership.change(early.id, toStatus('snoozed', 'system', at(5)));
    await storage.ownership.change(late.id, toStatus('snoozed', 'system', at(20)));
    expect(await storage.ownership.dueSnoozes(at(4), 10)).toEqual([]);
    expect(await storage.ownership.dueSnoozes(at(5), 10)).toEqual([early.id]);
    expect(await storage.ownership.dueSnoozes(at(30), 10)).toEqual([early.id, late.id]);
    expect(await storage.ownership.dueSnoozes(at(30), 1)).toEqual([early.id]);
    expect(untouched.status).toBe('open');
    await storage.close();
  });
}
