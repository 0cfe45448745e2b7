import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SenderRefused, type NewMessage, type Storage, type ThreadRecord, type UserRecord } from './storage.ts';

/**
 * The commit's recheck of the sender ({@link NewMessage.recheckUserId}) and the facts it
 * returns, which the send cache relies on: run against each storage with a factory of empty
 * stores. `describeWith` is vitest's `describe` or a conditional one (PostgreSQL).
 */
export function sendRecheckContract(
  name: string,
  describeWith: (title: string, body: () => void) => void,
  open: () => Promise<Storage>,
): void {
  describeWith(`${name} commit: the sender checked again atomically with the commit, and what it read about the thread`, () => {
    let storage: Storage;
    let alice: UserRecord;
    let bob: UserRecord;
    let thread: ThreadRecord;

    const user = (name: string) =>
      storage.users.create({ id: randomUUID(), email: `${name}-${randomUUID()}@example.com`, name, avatarUrl: null, passwordHash: 'x' });
    const message = (sender: UserRecord, recheck: boolean): NewMessage => ({
      threadId: thread.id,
      senderId: `user:${sender.id}`,
      role: 'user',
      content: 'hello',
      clientMessageId: randomUUID(),
      mentions: [],
      baseSeq: null,
      latestSeenSeq: null,
      ...(recheck ? { recheckUserId: sender.id } : {}),
    });
    const lastSeq = async () => (await storage.threads.get(thread.id))!.lastSeq;

    beforeEach(async () => {
      storage = await open();
      alice = await user('alice');
      bob = await user('bob');
      ({ thread } = await storage.threads.create({
        kind: 'private',
        title: null,
        participationMode: 'open',
        participants: [alice, bob].map((u) => ({ sender_id: `user:${u.id}`, name: u.name, avatar_url: null })),
        extraAudience: [],
        createdBy: `user:${alice.id}`,
        initialMessage: null,
      }));
    });
    afterEach(() => storage.close());

    it('a participant commits, and the commit returns the mode, the status and the active webhooks', async () => {
      const first = await storage.log.commitMessage(message(alice, true));
      expect(first.status).toBe('created');
      expect(first.status === 'created' && first.facts).toEqual({ participationMode: 'open', status: 'open', activeWebhookIds: [] });

      const hook = await storage.webhooks.create({
        threadId: thread.id,
        callbackUrl: 'https://example.com/h',
        secret: 's',
        createdBy: `user:${alice.id}`,
        creatorSessionVersion: 0,
      });
      const off = await storage.webhooks.create({
        threadId: thread.id,
        callbackUrl: 'https://example.com/o',
        secret: 's',
        createdBy: `user:${alice.id}`,
        creatorSessionVersion: 0,
      });
      await storage.webhooks.deactivate(off.id);
      await storage.threads.setMode(thread.id, 'invocation_only', `user:${alice.id}`);
      await storage.ownership.change(thread.id, (current) => ({ next: { ...current, status: 'resolved' }, events: [] }));
      const second = await storage.log.commitMessage(message(bob, false));
      expect(second.status === 'created' && second.facts).toEqual({
        participationMode: 'invocation_only',
        status: 'resolved',
        activeWebhookIds: [hook.id],
      });
    });

    it('a disabled sender is refused and nothing is stored, not even the seq', async () => {
      await storage.users.setDisabled(bob.id, true);
      const before = await lastSeq();
      await expect(storage.log.commitMessage(message(bob, true))).rejects.toBeInstanceOf(SenderRefused);
      expect(await lastSeq()).toBe(before);
      // Without the recheck the storage does not look at the sender (the caller checked).
      expect((await storage.log.commitMessage(message(bob, false))).status).toBe('created');
    });

    it('a sender whose password was changed since their token is refused, and one on the new version commits', async () => {
      await storage.users.setPassword(bob.id, 'scrypt$changed');
      const before = await lastSeq();
      const stale = { ...message(bob, true), recheckSessionVersion: 0 };
      await expect(storage.log.commitMessage(stale)).rejects.toBeInstanceOf(SenderRefused);
      expect(await lastSeq()).toBe(before);
      expect((await storage.log.commitMessage({ ...message(bob, true), recheckSessionVersion: 1 })).status).toBe('created');
    });

    it('a user who does not see the thread is refused, also with a repeat of an earlier message', async () => {
      const carol = await user('carol');
      const before = await lastSeq();
      await expect(storage.log.commitMessage(message(carol, true))).rejects.toBeInstanceOf(SenderRefused);
      expect(await lastSeq()).toBe(before);

      const sent = message(bob, true);
      expect((await storage.log.commitMessage(sent)).status).toBe('created');
      await storage.users.setDisabled(bob.id, true);
      await expect(storage.log.commitMessage(sent)).rejects.toBeInstanceOf(SenderRefused);
    });

    it('a refused commit does not fail the others of its group', async () => {
      await storage.users.setDisabled(bob.id, true);
      const results = await Promise.allSettled([
        storage.log.commitMessage(message(alice, true)),
        storage.log.commitMessage(message(bob, true)),
        storage.log.commitMessage(message(alice, true)),
      ]);
      expect(results.map((result) => (result.status === 'fulfilled' ? result.value.status : (result.reason as Error).name))).toEqual([
        'created',
        'SenderRefused',
        'created',
      ]);
      expect(await lastSeq()).toBe(thread.lastSeq + 2);
    });
  });
}
