import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { message, thread, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of the whole database: failed writes stay apart, commits outlive a reopen. */
export function durabilityRules(open: ContractOpen): void {
  it('rule 10: a write that fails does not take the writes beside it down', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    const outcomes = await Promise.allSettled([
      storage.log.commitMessage(message(t.id, `user:${a}`, 'first')),
      storage.log.commitMessage(message(randomUUID(), `user:${a}`, 'to a thread that does not exist')),
      storage.log.appendEvent(randomUUID(), { eventType: 'escalation_created', senderId: 'system', content: null, data: {} }),
      storage.log.commitMessage(message(t.id, `user:${a}`, 'second')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const { events } = await storage.log.list(t.id, 0, 10);
    expect(events.map((e) => [e.thread_seq, e.content])).toEqual([
      [1, null],
      [2, 'first'],
      [3, 'second'],
    ]);
    await storage.close();
  });

  it('rule 9: what was committed is there after reopening, and seqs continue', async () => {
    const { storage, reopen } = await open();
    if (!reopen) return;
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'kept'));
    await storage.close();
    const again = await reopen();
    const { events } = await again.log.list(t.id, 0, 10);
    expect(events.map((e) => e.content)).toEqual([null, 'kept']);
    const next = await again.log.commitMessage(message(t.id, `user:${a}`, 'after'));
    expect(next.message.thread_seq).toBe(3);
    await again.close();
  });
}
