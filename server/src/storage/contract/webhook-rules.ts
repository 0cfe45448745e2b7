import { expect, it } from 'vitest';
import { message, thread, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of webhook cursors, leases and their creator's rights. */
export function webhookRules(open: ContractOpen): void {
  it("rule 18: a webhook cursor starts at the thread's last seq; only the lease holder moves it, forward only", async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'before the subscription'));
    const hook = await storage.webhooks.create({
      threadId: t.id,
      callbackUrl: 'https://example.com/h',
      secret: 's',
      createdBy: `user:${a}`,
      creatorSessionVersion: 0,
    });
    expect(hook.deliveredSeq).toBe(2);
    expect(await storage.webhooks.due(100)).not.toContain(hook.id);
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'after it'));
    expect(await storage.webhooks.due(100)).toContain(hook.id);

    const claimed = await storage.webhooks.claim(hook.id, 'p1', 60_000);
    expect(claimed?.deliveredSeq).toBe(2);
    // Held: another owner cannot take it, and a held subscription is not due.
    expect(await storage.webhooks.claim(hook.id, 'p2', 60_000)).toBeUndefined();
    expect(await storage.webhooks.due(100)).not.toContain(hook.id);
    expect(await storage.webhooks.advance(hook.id, 'p2', 3, 60_000)).toBe(false);
    expect(await storage.webhooks.renew(hook.id, 'p2', 60_000)).toBe(false);
    expect(await storage.webhooks.renew(hook.id, 'p1', 60_000)).toBe(true);
    expect(await storage.webhooks.advance(hook.id, 'p1', 3, 60_000)).toBe(true);
    expect(await storage.webhooks.advance(hook.id, 'p1', 3, 60_000)).toBe(false);
    expect(await storage.webhooks.advance(hook.id, 'p1', 2, 60_000)).toBe(false);
    expect((await storage.webhooks.get(hook.id))?.deliveredSeq).toBe(3);
    // Releasing by someone else does nothing; by the holder frees it for anyone.
    await storage.webhooks.release(hook.id, 'p2');
    expect(await storage.webhooks.claim(hook.id, 'p2', 60_000)).toBeUndefined();
    await storage.webhooks.release(hook.id, 'p1');
    expect((await storage.webhooks.claim(hook.id, 'p2', 60_000))?.deliveredSeq).toBe(3);
    // Caught up: not due, whoever holds it.
    await storage.webhooks.release(hook.id, 'p2');
    expect(await storage.webhooks.due(100)).not.toContain(hook.id);
    await storage.close();
  });

  it('rule 19: one claimer wins at a time; an expired lease passes on and the old holder can no longer move the cursor', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    const hook = await storage.webhooks.create({
      threadId: t.id,
      callbackUrl: 'https://example.com/h',
      secret: 's',
      createdBy: `user:${a}`,
      creatorSessionVersion: 0,
    });
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'pending'));
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => storage.webhooks.claim(hook.id, `p${i}`, 60_000)));
    expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    const winner = `p${claims.findIndex((claim) => claim !== undefined)}`;
    await storage.webhooks.release(hook.id, winner);

    // A lease of 0 ms has run out at once: as if its process had died.
    expect(await storage.webhooks.claim(hook.id, 'dead', 0)).toBeDefined();
    expect(await storage.webhooks.due(100)).toContain(hook.id);
    expect((await storage.webhooks.claim(hook.id, 'alive', 60_000))?.deliveredSeq).toBe(1);
    expect(await storage.webhooks.advance(hook.id, 'dead', 2, 60_000)).toBe(false);
    expect(await storage.webhooks.advance(hook.id, 'alive', 2, 60_000)).toBe(true);

    // Turned off: nobody can claim it, and it is not due even with new events.
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'after'));
    await storage.webhooks.deactivate(hook.id);
    expect(await storage.webhooks.claim(hook.id, 'alive', 60_000)).toBeUndefined();
    expect(await storage.webhooks.due(100)).not.toContain(hook.id);
    await storage.close();
  });

  it("rule 22: a webhook ends with its creator's rights: claim, renewal and cursor moves turn it off with the reason; a listing shows it at once", async () => {
    const { storage } = await open();
    const [a, b, c, outsider] = await users(storage, 4);
    const { thread: t } = await storage.threads.create(thread([a!, b!, c!]));
    const hook = (creator: string, creatorSessionVersion = 0) =>
      storage.webhooks.create({
        threadId: t.id,
        callbackUrl: `https://example.com/${creator}`,
        secret: 's',
        createdBy: `user:${creator}`,
        creatorSessionVersion,
      });
    const byA = await hook(a!);
    const byB = await hook(b!);
    const byC = await hook(c!);
    const byOutsider = await hook(outsider!);
    const byStale = await hook(a!, 7);
    expect(byA).toMatchObject({ active: true, inactiveReason: null, createdBy: `user:${a}`, creatorSessionVersion: 0 });
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'pending'));

    // Listed at once, before any delivery turned them off.
    await storage.users.setDisabled(b!, true);
    const listed = await storage.webhooks.list(t.id);
    // Oldest first; these five may share a millisecond, so their order is not asserted.
    expect(new Set(listed.map((record) => [record.id, record.active, record.inactiveReason].join()))).toEqual(
      new Set(
        [
          [byA.id, true, null],
          [byB.id, false, 'creator_disabled'],
          [byC.id, true, null],
          [byOutsider.id, false, 'creator_lost_access'],
          [byStale.id, false, 'creator_password_changed'],
        ].map((row) => row.join()),
      ),
    );
    expect(listed.every((record, i) => i === 0 || listed[i - 1]!.createdAt <= record.createdAt)).toBe(true);

    // A claim turns a lapsed subscription off for good and says why; a healthy one is claimed.
    expect(await storage.webhooks.claim(byB.id, 'p1', 60_000)).toMatchObject({ active: false, inactiveReason: 'creator_disabled' });
    expect(await storage.webhooks.claim(byOutsider.id, 'p1', 60_000)).toMatchObject({
      active: false,
      inactiveReason: 'creator_lost_access',
    });
    await storage.users.setDisabled(b!, false);
    expect(await storage.webhooks.claim(byB.id, 'p1', 60_000)).toBeUndefined();
    expect((await storage.webhooks.get(byB.id))?.inactiveReason).toBe('creator_disabled');
    expect(await storage.webhooks.due(100)).not.toContain(byB.id);

    // Held, then the creator's password changes: the holder can neither renew nor move the cursor.
    expect((await storage.webhooks.claim(byC.id, 'p1', 60_000))?.active).toBe(true);
    expect(await storage.webhooks.advance(byC.id, 'p1', 4, 60_000)).toBe(true);
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'next'));
    await storage.users.setPassword(c!, 'scrypt$new');
    expect(await storage.webhooks.advance(byC.id, 'p1', 5, 60_000)).toBe(false);
    expect(await storage.webhooks.get(byC.id)).toMatchObject({
      active: false,
      inactiveReason: 'creator_password_changed',
      deliveredSeq: 4,
    });
    expect(await storage.webhooks.claim(byA.id, 'p1', 60_000)).toMatchObject({ active: true });
    await storage.users.setDisabled(a!, true);
    expect(await storage.webhooks.renew(byA.id, 'p1', 60_000)).toBe(false);
    expect(await storage.webhooks.get(byA.id)).toMatchObject({ active: false, inactiveReason: 'creator_disabled' });
    // A subscription turned off by failures says so.
    await storage.webhooks.deactivate(byStale.id);
    expect((await storage.webhooks.get(byStale.id))?.inactiveReason).toBe('delivery_failed');
    await storage.close();
  });
}
