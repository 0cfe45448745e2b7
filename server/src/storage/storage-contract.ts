import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewThread, Storage } from './storage.ts';

/**
 * The rules every {@link Storage} implementation must keep, numbered so that a failure
 * names the rule. Run it against each implementation with a factory of empty stores.
 */
export function storageContract(name: string, open: () => Promise<{ storage: Storage; reopen?: () => Promise<Storage> }>) {
  const thread = (userIds: string[], extra: Partial<NewThread> = {}): NewThread => ({
    kind: 'private',
    title: 'T',
    participationMode: 'open',
    participants: userIds.map((id) => ({ sender_id: `user:${id}`, name: id.slice(0, 4), avatar_url: null })),
    extraAudience: [],
    createdBy: `user:${userIds[0]}`,
    initialMessage: null,
    ...extra,
  });
  const message = (threadId: string, senderId: string, content: string, clientMessageId: string = randomUUID()) => ({
    threadId,
    senderId,
    role: 'user' as const,
    content,
    clientMessageId,
    mentions: [],
    baseSeq: null,
    latestSeenSeq: null,
  });

  async function users(storage: Storage, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      await storage.createUser({ id, email: `${id}@example.com`, name: `U${i}`, avatarUrl: null, passwordHash: 'x' });
      ids.push(id);
    }
    return ids;
  }

  describe(`storage contract: ${name}`, () => {
    it('rule 1: a new thread commits one participant_joined per participant, seq 1..n', async () => {
      const { storage } = await open();
      const [a, b] = await users(storage, 2);
      const created = await storage.createThread(thread([a!, b!]));
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
      const { thread: t } = await storage.createThread(thread([a!, b!]));
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? storage.appendEvent(t.id, { eventType: 'escalation_created', senderId: 'system', content: null, data: { i } })
            : storage.commitMessage(message(t.id, `user:${a}`, `m${i}`)),
        ),
      );
      const seqs = results.map((result) => ('thread_seq' in result ? result.thread_seq : result.message.thread_seq));
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 3));
      const { events } = await storage.listEvents(t.id, 0, 200);
      expect(events.map((event) => event.thread_seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      await storage.close();
    });

    it('rule 3: a repeated client_message_id is a duplicate with the same message, or a conflict', async () => {
      const { storage } = await open();
      const [a, b] = await users(storage, 2);
      const { thread: t } = await storage.createThread(thread([a!, b!]));
      const first = await storage.commitMessage(message(t.id, `user:${a}`, 'hello', 'c1'));
      const again = await storage.commitMessage(message(t.id, `user:${a}`, 'hello', 'c1'));
      const other = await storage.commitMessage(message(t.id, `user:${a}`, 'bye', 'c1'));
      const bobs = await storage.commitMessage(message(t.id, `user:${b}`, 'hello', 'c1'));
      expect(first.status).toBe('created');
      expect(again).toEqual({ status: 'duplicate', message: first.message });
      expect(other).toEqual({ status: 'conflict', message: first.message });
      expect(bobs.status).toBe('created');
      expect((await storage.getThread(t.id))!.lastSeq).toBe(4);
      await storage.close();
    });

    it('rule 4: listEvents pages ascending after a seq and says whether more follow', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const { thread: t } = await storage.createThread(thread([a!]));
      for (let i = 0; i < 9; i++) await storage.commitMessage(message(t.id, `user:${a}`, `m${i}`));
      const page1 = await storage.listEvents(t.id, 0, 4);
      const page3 = await storage.listEvents(t.id, 8, 4);
      expect(page1.events.map((e) => e.thread_seq)).toEqual([1, 2, 3, 4]);
      expect(page1.hasMore).toBe(true);
      expect(page3.events.map((e) => e.thread_seq)).toEqual([9, 10]);
      expect(page3.hasMore).toBe(false);
      expect(await storage.listEvents(t.id, 10, 4)).toEqual({ events: [], hasMore: false });
      await storage.close();
    });

    it('rule 5: the read position never moves back and never passes the log', async () => {
      const { storage } = await open();
      const [a, b] = await users(storage, 2);
      const { thread: t } = await storage.createThread(thread([a!, b!]));
      await storage.commitMessage(message(t.id, `user:${a}`, 'one'));
      await storage.commitMessage(message(t.id, `user:${a}`, 'two'));
      expect(await storage.getReadState(t.id, b!)).toEqual({ readSeq: 0, unreadCount: 2 });
      expect(await storage.markRead(t.id, b!, 3)).toBe(3);
      expect(await storage.markRead(t.id, b!, 1)).toBe(3);
      expect(await storage.markRead(t.id, b!, 99)).toBe(4);
      expect(await storage.getReadState(t.id, b!)).toEqual({ readSeq: 4, unreadCount: 0 });
      await storage.close();
    });

    it('rule 6: a failed thread creation stores nothing of it', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const before = await storage.listUserThreadIds(a!);
      // The same participant twice violates the participants key half-way through.
      await expect(storage.createThread(thread([a!, a!]))).rejects.toThrow();
      expect(await storage.listUserThreadIds(a!)).toEqual(before);
      await storage.close();
    });

    it('rule 7: the same (agent, email) resolves to the same public thread, visible to the owners', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await storage.createAgent(
        { id: randomUUID(), slug: `a${Date.now()}`, name: 'A', avatarUrl: null, greeting: 'hi', themeColor: '#000', engine: 'demo' },
        [owner!],
      );
      const first = await storage.resolvePublicThread({ agent, email: 'v@example.com', name: 'V' });
      const again = await storage.resolvePublicThread({ agent, email: 'v@example.com', name: null });
      const other = await storage.resolvePublicThread({ agent, email: 'w@example.com', name: null });
      expect(first.resumed).toBe(false);
      expect(again).toMatchObject({ resumed: true, thread: { id: first.thread.id } });
      expect(other.thread.id).not.toBe(first.thread.id);
      expect(first.thread.kind).toBe('public');
      expect(await storage.listThreadAudience(first.thread.id)).toEqual([owner]);
      expect((await storage.getVisitorOfThread(first.thread.id))?.email).toBe('v@example.com');
      await storage.close();
    });

    it('rule 7b: a fresh resolve gives the same visitor a new thread, which later resolves return', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await storage.createAgent(
        { id: randomUUID(), slug: `f${Date.now()}`, name: 'A', avatarUrl: null, greeting: 'hi', themeColor: '#000', engine: 'demo' },
        [owner!],
      );
      const first = await storage.resolvePublicThread({ agent, email: 'v@example.com', name: 'V' });
      const fresh = await storage.resolvePublicThread({ agent, email: 'v@example.com', name: null, fresh: true });
      const again = await storage.resolvePublicThread({ agent, email: 'v@example.com', name: null });
      expect(fresh.resumed).toBe(false);
      expect(fresh.thread.id).not.toBe(first.thread.id);
      expect(fresh.visitor.id).toBe(first.visitor.id);
      expect(again).toMatchObject({ resumed: true, thread: { id: fresh.thread.id } });
      // The old conversation stays in the owners' inbox, no longer the visitor's.
      expect(await storage.listUserThreadIds(owner!)).toEqual(expect.arrayContaining([first.thread.id, fresh.thread.id]));
      expect(await storage.getVisitorOfThread(first.thread.id)).toBeUndefined();
      await storage.close();
    });

    it('rule 8: an approval settles once, and its event is committed with it', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const { thread: t } = await storage.createThread(thread([a!]));
      const { approval, event } = await storage.createApproval(
        { threadId: t.id, runId: 'r1', toolName: 'x', preview: { p: 1 }, expiresAt: new Date(Date.now() + 1000).toISOString() },
        { eventType: 'approval_pending', senderId: 'system', content: null, data: {} },
      );
      expect(event.data.approval_id).toBe(approval.id);
      const settle = () =>
        storage.settleApproval(approval.id, { status: 'approved', decidedBy: `user:${a}` }, { eventType: 'approval_resolved', senderId: `user:${a}`, content: null, data: {} });
      const first = await settle();
      expect(first?.approval.status).toBe('approved');
      expect(first?.event.thread_seq).toBe(event.thread_seq + 1);
      expect(await settle()).toBeNull();
      expect((await storage.getThread(t.id))!.lastSeq).toBe(event.thread_seq + 1);
      await storage.close();
    });

    it('rule 10: a write that fails does not take the writes beside it down', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const { thread: t } = await storage.createThread(thread([a!]));
      const outcomes = await Promise.allSettled([
        storage.commitMessage(message(t.id, `user:${a}`, 'first')),
        storage.commitMessage(message(randomUUID(), `user:${a}`, 'to a thread that does not exist')),
        storage.appendEvent(randomUUID(), { eventType: 'escalation_created', senderId: 'system', content: null, data: {} }),
        storage.commitMessage(message(t.id, `user:${a}`, 'second')),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      const { events } = await storage.listEvents(t.id, 0, 10);
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
      const { thread: t } = await storage.createThread(thread([a!]));
      await storage.commitMessage(message(t.id, `user:${a}`, 'kept'));
      await storage.close();
      const again = await reopen();
      const { events } = await again.listEvents(t.id, 0, 10);
      expect(events.map((e) => e.content)).toEqual([null, 'kept']);
      const next = await again.commitMessage(message(t.id, `user:${a}`, 'after'));
      expect(next.message.thread_seq).toBe(3);
      await again.close();
    });
  });
}
