import { expect, it } from 'vitest';
import { message, thread, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of the thread log: seqs, idempotency, paging, read positions, atomic creation. */
export function logRules(open: ContractOpen): void {
  it('rule 1: a new thread commits one participant_joined per participant, seq 1..n', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const created = await storage.threads.create(thread([a!, b!]));
    expect(created.events.map((event) => [event.thread_seq, event.event_type])).toEqual([
      [1, 'participant_joined'],
      [2, 'participant_joined'],
    ]);
    expect(created.thread.lastSeq).toBe(2);
    await storage.close();
  });

  it('rule 2: events and messages get the next seq, densely, in commit order', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? storage.log.appendEvent(t.id, { eventType: 'escalation_created', senderId: 'system', content: null, data: { i } })
          : storage.log.commitMessage(message(t.id, `user:${a}`, `m${i}`)),
      ),
    );
    const seqs = results.map((result) => ('thread_seq' in result ? result.thread_seq : result.message.thread_seq));
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 3));
    const { events } = await storage.log.list(t.id, 0, 200);
    expect(events.map((event) => event.thread_seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    await storage.close();
  });

  it('rule 3: a repeated client_message_id is a duplicate with the same message, or a conflict', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    const first = await storage.log.commitMessage(message(t.id, `user:${a}`, 'hello', 'c1'));
    const again = await storage.log.commitMessage(message(t.id, `user:${a}`, 'hello', 'c1'));
    const other = await storage.log.commitMessage(message(t.id, `user:${a}`, 'bye', 'c1'));
    const bobs = await storage.log.commitMessage(message(t.id, `user:${b}`, 'hello', 'c1'));
    expect(first.status).toBe('created');
    expect(again).toEqual({ status: 'duplicate', message: first.message });
    expect(other).toEqual({ status: 'conflict', message: first.message });
    expect(bobs.status).toBe('created');
    expect((await storage.threads.get(t.id))!.lastSeq).toBe(4);
    await storage.close();
  });

  it('rule 4: listEvents pages ascending after a seq and says whether more follow', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    for (let i = 0; i < 9; i++) await storage.log.commitMessage(message(t.id, `user:${a}`, `m${i}`));
    const page1 = await storage.log.list(t.id, 0, 4);
    const page3 = await storage.log.list(t.id, 8, 4);
    expect(page1.events.map((e) => e.thread_seq)).toEqual([1, 2, 3, 4]);
    expect(page1.hasMore).toBe(true);
    expect(page3.events.map((e) => e.thread_seq)).toEqual([9, 10]);
    expect(page3.hasMore).toBe(false);
    expect(await storage.log.list(t.id, 10, 4)).toEqual({ events: [], hasMore: false });
    await storage.close();
  });

  it('rule 5: the read position never moves back and never passes the log', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'one'));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'two'));
    expect(await storage.threads.readState(t.id, b!)).toEqual({ readSeq: 0, unreadCount: 2 });
    expect(await storage.threads.markRead(t.id, b!, 3)).toBe(3);
    expect(await storage.threads.markRead(t.id, b!, 1)).toBe(3);
    expect(await storage.threads.markRead(t.id, b!, 99)).toBe(4);
    expect(await storage.threads.readState(t.id, b!)).toEqual({ readSeq: 4, unreadCount: 0 });
    await storage.close();
  });

  it('rule 6: a failed thread creation stores nothing of it', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const before = await storage.threads.userThreadIds(a!);
    // The same participant twice violates the participants key half-way through.
    await expect(storage.threads.create(thread([a!, a!]))).rejects.toThrow();
    expect(await storage.threads.userThreadIds(a!)).toEqual(before);
    await storage.close();
  });
}
