import { expect, it } from 'vitest';
import { hash, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of web push (VAPID keys, subscriptions), approval action tokens and email opt-outs. */
export function pushRules(open: ContractOpen): void {
  it('rule push-1: the first VAPID keys stored are the ones every later call gets, private key included', async () => {
    const { storage } = await open();
    const first = { publicKey: 'pub-1', privateKey: 'priv-1' };
    expect(await storage.push.vapidKeys(first)).toEqual(first);
    expect(await storage.push.vapidKeys({ publicKey: 'pub-2', privateKey: 'priv-2' })).toEqual(first);
    await storage.close();
  });

  it('rule push-2: one subscription per user and endpoint (re-subscribing takes the new keys), listed per user, removed only by its user', async () => {
    const { storage } = await open();
    const [ada, bob] = (await users(storage, 2)) as [string, string];
    const endpoint = 'https://push.example.com/abc';
    const first = await storage.push.subscribe({ userId: ada, endpoint, p256dh: 'k1', auth: 'a1' });
    expect(first.created).toBe(true);
    const again = await storage.push.subscribe({ userId: ada, endpoint, p256dh: 'k2', auth: 'a2' });
    expect(again).toMatchObject({ created: false, subscription: { id: first.subscription.id, p256dh: 'k2', auth: 'a2' } });
    const bobs = await storage.push.subscribe({ userId: bob, endpoint, p256dh: 'k3', auth: 'a3' });
    expect(bobs.created).toBe(true);
    expect((await storage.push.listForUser(ada)).map((item) => item.id)).toEqual([first.subscription.id]);
    expect(await storage.push.remove(bob, first.subscription.id)).toBe(false);
    await storage.push.touch(first.subscription.id, '2026-01-01T00:00:00.000Z');
    expect((await storage.push.listForUser(ada))[0]!.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    // Many in one write: each named one moves, the others stay; an unknown id or a repeat is harmless.
    await storage.push.touchMany([bobs.subscription.id, 'no-such-subscription', bobs.subscription.id], '2026-01-02T00:00:00.000Z');
    expect((await storage.push.listForUser(bob))[0]!.lastUsedAt).toBe('2026-01-02T00:00:00.000Z');
    expect((await storage.push.listForUser(ada))[0]!.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    await storage.push.touchMany([], '2026-01-03T00:00:00.000Z');
    expect(await storage.push.remove(ada, first.subscription.id)).toBe(true);
    expect(await storage.push.removeGone(bobs.subscription.id)).toBe(true);
    expect(await storage.push.removeGone(bobs.subscription.id)).toBe(false);
    expect(await storage.push.listForUser(ada)).toEqual([]);
    expect(await storage.push.listForUser(bob)).toEqual([]);
    await storage.close();
  });

  it('rule push-3: an action token is spent once however many try at the same time, and pruned after it expired', async () => {
    const { storage } = await open();
    const [ada] = (await users(storage, 1)) as [string];
    const tokenHash = hash('tok');
    await storage.actionTokens.create({ tokenHash, userId: ada, approvalId: 'ap-1', expiresAt: '2026-01-01T00:01:00.000Z' });
    const spends = await Promise.all(Array.from({ length: 5 }, () => storage.actionTokens.spend(tokenHash, '2026-01-01T00:00:30.000Z')));
    expect(spends.filter(Boolean)).toHaveLength(1);
    expect(await storage.actionTokens.get(tokenHash)).toEqual({
      tokenHash,
      userId: ada,
      approvalId: 'ap-1',
      expiresAt: '2026-01-01T00:01:00.000Z',
      spentAt: '2026-01-01T00:00:30.000Z',
    });
    expect(await storage.actionTokens.spend(hash('unknown'), '2026-01-01T00:00:30.000Z')).toBe(false);
    await storage.actionTokens.prune('2026-01-01T00:00:59.000Z');
    expect(await storage.actionTokens.get(tokenHash)).toBeDefined();
    await storage.actionTokens.prune('2026-01-01T00:01:01.000Z');
    expect(await storage.actionTokens.get(tokenHash)).toBeUndefined();
    await storage.close();
  });

  it('rule push-4: turning a kind of email off is kept once per user and kind', async () => {
    const { storage } = await open();
    const [ada, bob] = (await users(storage, 2)) as [string, string];
    await storage.emailOptOuts.turnOff(ada, 'mention', '2026-01-01T00:00:00.000Z');
    await storage.emailOptOuts.turnOff(ada, 'mention', '2026-01-01T00:00:01.000Z');
    await storage.emailOptOuts.turnOff(ada, 'assigned', '2026-01-01T00:00:02.000Z');
    expect(await storage.emailOptOuts.kindsOf(ada)).toEqual(['assigned', 'mention']);
    expect(await storage.emailOptOuts.kindsOf(bob)).toEqual([]);
    await storage.close();
  });
}
