import { createHash, randomUUID } from 'node:crypto';
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

  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  const newAgent = (storage: Storage, owner: string) =>
    storage.agents.create(
      {
        id: randomUUID(),
        slug: `a-${randomUUID().slice(0, 8)}`,
        name: 'A',
        avatarUrl: null,
        greeting: 'hi',
        themeColor: '#000',
        engine: 'demo',
      },
      [owner],
    );

  async function users(storage: Storage, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      await storage.users.create({ id, email: `${id}@example.com`, name: `U${i}`, avatarUrl: null, passwordHash: 'x' });
      ids.push(id);
    }
    return ids;
  }

  describe(`storage contract: ${name}`, () => {
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

    it('rule 7: every new visitor gets its own thread and token, whatever the email; owners see it', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const first = await storage.visitors.create({ agent, email: 'v@example.com', name: 'V', tokenHash: hash('a') });
      const same = await storage.visitors.create({ agent, email: 'v@example.com', name: null, tokenHash: hash('b') });
      expect(first.resumed).toBe(false);
      expect(same.resumed).toBe(false);
      expect(same.thread.id).not.toBe(first.thread.id);
      expect(same.visitor.id).not.toBe(first.visitor.id);
      expect(first.thread.kind).toBe('public');
      expect(first.events.map((event) => event.event_type)).toEqual(['participant_joined', 'participant_joined']);
      expect(await storage.threads.audience(first.thread.id)).toEqual([owner]);
      expect(await storage.visitors.ofThread(first.thread.id)).toMatchObject({
        id: first.visitor.id,
        email: 'v@example.com',
        verified: false,
      });
      // The participant name is the visitor's name, or "Visitor": never the email.
      expect(first.thread.participants[0]).toMatchObject({ sender_id: `visitor:${first.visitor.id}`, name: 'V' });
      expect(same.thread.participants[0]).toMatchObject({ sender_id: `visitor:${same.visitor.id}`, name: 'Visitor' });
      await storage.close();
    });

    it('rule 7b: resuming returns the open thread; fresh opens a new one that later resumes return, the old keeps its visitor', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const first = await storage.visitors.create({ agent, email: 'v@example.com', name: 'V', tokenHash: hash('a') });
      const resume = (fresh: boolean) =>
        storage.visitors.resume({ agent, visitorId: first.visitor.id, email: null, name: null, fresh, bind: null });
      expect(await resume(false)).toMatchObject({ resumed: true, thread: { id: first.thread.id }, events: [] });
      const fresh = await resume(true);
      expect(fresh?.resumed).toBe(false);
      expect(fresh?.thread.id).not.toBe(first.thread.id);
      expect(fresh?.visitor).toMatchObject({ id: first.visitor.id, threadId: fresh?.thread.id });
      expect(await resume(false)).toMatchObject({ resumed: true, thread: { id: fresh?.thread.id } });
      expect(await storage.threads.userThreadIds(owner!)).toEqual(expect.arrayContaining([first.thread.id, fresh!.thread.id]));
      expect((await storage.visitors.ofThread(first.thread.id))?.id).toBe(first.visitor.id);
      expect(
        await storage.visitors.resume({ agent, visitorId: randomUUID(), email: null, name: null, fresh: false, bind: null }),
      ).toBeUndefined();
      await storage.close();
    });

    it("rule 11: a visitor token finds its visitor, only for the visitor's agent", async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const other = await newAgent(storage, owner!);
      const { visitor } = await storage.visitors.create({ agent, email: 'v@example.com', name: null, tokenHash: hash('t1') });
      expect((await storage.visitors.byToken(agent.id, hash('t1')))?.id).toBe(visitor.id);
      expect(await storage.visitors.byToken(other.id, hash('t1'))).toBeUndefined();
      expect(await storage.visitors.byToken(agent.id, hash('t2'))).toBeUndefined();
      await storage.close();
    });

    it('rule 12: an identity (agent, sub) is one verified visitor with one open thread, on every device', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const input = { agent, sub: 'cust-1', email: 'c@example.com', name: 'C', fresh: false };
      const phone = await storage.visitors.resolveIdentified({ ...input, tokenHash: hash('phone') });
      const laptop = await storage.visitors.resolveIdentified({ ...input, name: null, email: null, tokenHash: hash('laptop') });
      const someoneElse = await storage.visitors.resolveIdentified({ ...input, sub: 'cust-2', tokenHash: hash('else') });
      expect(phone).toMatchObject({
        resumed: false,
        visitor: { identitySub: 'cust-1', verified: true, email: 'c@example.com', name: 'C' },
      });
      expect(laptop).toMatchObject({ resumed: true, thread: { id: phone.thread.id }, visitor: { id: phone.visitor.id, name: 'C' } });
      expect(someoneElse.visitor.id).not.toBe(phone.visitor.id);
      for (const device of ['phone', 'laptop']) expect((await storage.visitors.byToken(agent.id, hash(device)))?.id).toBe(phone.visitor.id);
      expect((await storage.visitors.byIdentity(agent.id, 'cust-1'))?.id).toBe(phone.visitor.id);
      expect(phone.thread.visitor).toMatchObject({ id: phone.visitor.id, verified: true });
      const fresh = await storage.visitors.resolveIdentified({ ...input, fresh: true, tokenHash: hash('tablet') });
      expect(fresh.resumed).toBe(false);
      const back = await storage.visitors.resolveIdentified({ ...input, tokenHash: hash('phone2') });
      expect(back.thread.id).toBe(fresh.thread.id);
      await storage.close();
    });

    it('rule 13: binding an identity makes an anonymous visitor verified, unless another visitor has that identity', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const anon = await storage.visitors.create({ agent, email: 'a@example.com', name: 'Typed', tokenHash: hash('a') });
      const bound = await storage.visitors.resume({
        agent,
        visitorId: anon.visitor.id,
        email: null,
        name: null,
        fresh: false,
        bind: { sub: 'ann', email: 'ann@shop.example', name: 'Ann', tokenHash: hash('a2') },
      });
      // The labels are the identity's claims, the typed ones gone; the earlier token is revoked for the new one.
      expect(bound).toMatchObject({ bound: true, thread: { id: anon.thread.id } });
      expect(bound?.visitor).toMatchObject({ identitySub: 'ann', verified: true, name: 'Ann', email: 'ann@shop.example' });
      expect(bound?.thread.participants[0]).toMatchObject({ sender_id: `visitor:${anon.visitor.id}`, name: 'Ann' });
      expect(await storage.visitors.byToken(agent.id, hash('a'))).toBeUndefined();
      expect((await storage.visitors.byToken(agent.id, hash('a2')))?.id).toBe(anon.visitor.id);
      const other = await storage.visitors.create({ agent, email: 'b@example.com', name: 'Bo', tokenHash: hash('b') });
      const refused = await storage.visitors.resume({
        agent,
        visitorId: other.visitor.id,
        email: null,
        name: null,
        fresh: false,
        bind: { sub: 'ann', email: null, name: null, tokenHash: hash('b2') },
      });
      expect(refused?.bound).toBeUndefined();
      expect(refused?.visitor).toMatchObject({ identitySub: null, verified: false, email: 'b@example.com', name: 'Bo' });
      expect((await storage.visitors.byToken(agent.id, hash('b')))?.id).toBe(other.visitor.id);
      expect(await storage.visitors.byToken(agent.id, hash('b2'))).toBeUndefined();
      await storage.close();
    });

    it("rule 13b: a visitor token's last use starts at its issue and moves when touched; a revoked token finds no one", async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const other = await newAgent(storage, owner!);
      const before = new Date().toISOString();
      const { visitor } = await storage.visitors.create({ agent, email: 'v@example.com', name: null, tokenHash: hash('t1') });
      const issued = (await storage.visitors.byToken(agent.id, hash('t1')))!.tokenLastUsedAt;
      expect(issued >= before).toBe(true);
      await storage.visitors.touchToken(hash('t1'), '2020-01-02T03:04:05.000Z');
      expect(await storage.visitors.byToken(agent.id, hash('t1'))).toMatchObject({
        id: visitor.id,
        tokenLastUsedAt: '2020-01-02T03:04:05.000Z',
      });
      // Only the token's own agent revokes it.
      expect(await storage.visitors.revokeToken(other.id, hash('t1'))).toBe(false);
      expect(await storage.visitors.revokeToken(agent.id, hash('t1'))).toBe(true);
      expect(await storage.visitors.revokeToken(agent.id, hash('t1'))).toBe(false);
      expect(await storage.visitors.byToken(agent.id, hash('t1'))).toBeUndefined();
      // The visitor and their thread stay for the owners.
      expect((await storage.visitors.ofThread(visitor.threadId))?.id).toBe(visitor.id);
      await storage.close();
    });

    it("rule 14: an agent's settings and identity secret are stored; new agents allow any origin and no secret", async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      expect(agent).toMatchObject({
        allowedOrigins: [],
        requireVerifiedIdentity: false,
        identitySecret: null,
        identitySecretCreatedAt: null,
      });
      const updated = await storage.agentSettings.update(agent.id, {
        allowedOrigins: ['https://a.example'],
        requireVerifiedIdentity: true,
      });
      expect(updated).toMatchObject({ allowedOrigins: ['https://a.example'], requireVerifiedIdentity: true });
      const { createdAt } = await storage.agentSettings.setIdentitySecret(agent.id, 'ais_one');
      expect(await storage.agents.bySlug(agent.slug)).toMatchObject({ identitySecret: 'ais_one', identitySecretCreatedAt: createdAt });
      await storage.agentSettings.setIdentitySecret(agent.id, 'ais_two');
      expect((await storage.agents.get(agent.id))?.identitySecret).toBe('ais_two');
      await storage.close();
    });

    it('rule 15: agent tokens are found by hash until revoked, listed and checked by id without revoked ones, and record their last use', async () => {
      const { storage } = await open();
      const [owner] = await users(storage, 1);
      const agent = await newAgent(storage, owner!);
      const one = await storage.agentSettings.addToken({ agentId: agent.id, tokenHash: hash('one'), prefix: 'ama_eat_one' });
      const two = await storage.agentSettings.addToken({ agentId: agent.id, tokenHash: hash('two'), prefix: 'ama_eat_two' });
      expect(await storage.agentSettings.getToken(hash('one'))).toMatchObject({
        agent: { id: agent.id },
        token: { id: one.id, lastUsedAt: null },
      });
      await storage.agentSettings.touchToken(one.id, '2026-01-01T00:00:00.000Z');
      expect((await storage.agentSettings.listTokens(agent.id)).map((token) => [token.id, token.lastUsedAt])).toEqual([
        [one.id, '2026-01-01T00:00:00.000Z'],
        [two.id, null],
      ]);
      expect(await storage.agentSettings.revokeToken(agent.id, one.id)).toBe(true);
      expect(await storage.agentSettings.revokeToken(agent.id, one.id)).toBe(false);
      expect(await storage.agentSettings.revokeToken(randomUUID(), two.id)).toBe(false);
      expect(await storage.agentSettings.getToken(hash('one'))).toBeUndefined();
      expect((await storage.agentSettings.listTokens(agent.id)).map((token) => token.id)).toEqual([two.id]);
      expect(await storage.agentSettings.liveTokenIds([one.id, two.id, randomUUID()])).toEqual([two.id]);
      expect(await storage.agentSettings.liveTokenIds([])).toEqual([]);
      await storage.close();
    });

    it('rule 16: a new user is enabled; disabling and enabling is seen by every way of reading users; unknown users are false', async () => {
      const { storage } = await open();
      const [a, b] = await users(storage, 2);
      const email = `${a}@example.com`;
      expect((await storage.users.get(a!))?.disabled).toBe(false);
      expect(await storage.users.setDisabled(a!, true)).toBe(true);
      expect((await storage.users.get(a!))?.disabled).toBe(true);
      expect((await storage.users.byEmail(email))?.disabled).toBe(true);
      expect(new Map((await storage.users.many([a!, b!])).map((user) => [user.id, user.disabled]))).toEqual(
        new Map([
          [a, true],
          [b, false],
        ]),
      );
      expect((await storage.users.list()).find((user) => user.id === a)?.disabled).toBe(true);
      // Disabling twice is no error: the user is there, and stays disabled.
      expect(await storage.users.setDisabled(a!, true)).toBe(true);
      expect(await storage.users.setDisabled(a!, false)).toBe(true);
      expect((await storage.users.get(a!))?.disabled).toBe(false);
      expect(await storage.users.setDisabled(randomUUID(), true)).toBe(false);
      // Nothing else about the user changes.
      expect(await storage.users.get(a!)).toMatchObject({ id: a, email, name: 'U0', passwordHash: 'x' });
      await storage.close();
    });

    it("rule 17: setUserPassword replaces only that user's password hash and bumps their session version; unknown users are false", async () => {
      const { storage } = await open();
      const [a, b] = await users(storage, 2);
      expect((await storage.users.get(a!))?.sessionVersion).toBe(0);
      expect(await storage.users.setPassword(a!, 'scrypt$new')).toBe(true);
      expect(await storage.users.get(a!)).toMatchObject({ passwordHash: 'scrypt$new', disabled: false, name: 'U0', sessionVersion: 1 });
      expect(await storage.users.setPassword(a!, 'scrypt$newer')).toBe(true);
      expect((await storage.users.many([a!, b!])).map((user) => user.sessionVersion)).toEqual([2, 0]);
      expect(await storage.users.setPassword(a!, 'scrypt$new')).toBe(true);
      expect((await storage.users.byEmail(`${a}@example.com`))?.passwordHash).toBe('scrypt$new');
      expect((await storage.users.get(b!))?.passwordHash).toBe('x');
      expect(await storage.users.setPassword(randomUUID(), 'scrypt$other')).toBe(false);
      await storage.close();
    });

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

    it('rule 20: a rate counter counts every hit of a key atomically, opens a new window after the last ended, and gives back only within it', async () => {
      const { storage } = await open();
      const hits = await Promise.all(Array.from({ length: 10 }, () => storage.counters.hit('k', 1_000, 60_000)));
      expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(hits.map((hit) => hit.resetAt))).toEqual(new Set([61_000]));
      expect(await storage.counters.hit('other', 30_000, 60_000)).toEqual({ count: 1, resetAt: 90_000 });
      await storage.counters.refund('k', 50_000);
      expect(await storage.counters.hit('k', 60_999, 60_000)).toEqual({ count: 10, resetAt: 61_000 });
      // The window has ended: a refund does nothing, and the next hit opens a new window.
      await storage.counters.refund('k', 61_000);
      expect(await storage.counters.hit('k', 70_000, 60_000)).toEqual({ count: 1, resetAt: 130_000 });
      await storage.counters.refund('k', 70_001);
      await storage.counters.refund('k', 70_002);
      expect(await storage.counters.hit('k', 70_003, 60_000)).toEqual({ count: 1, resetAt: 130_000 });
      // Pruning forgets ended windows only.
      await storage.counters.prune(100_000);
      expect(await storage.counters.hit('other', 100_000, 60_000)).toEqual({ count: 1, resetAt: 160_000 });
      expect(await storage.counters.hit('k', 100_000, 60_000)).toEqual({ count: 2, resetAt: 130_000 });
      await storage.close();
    });

    it('rule 21: a run id is claimed once; a run ends once; only runs of processes without a live lease are orphans', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const { thread: t } = await storage.threads.create(thread([a!]));
      const run = (id: string, processId: string) => ({ id, threadId: t.id, agentId: 'ag', messageId: 'm', processId });
      const failure = (runId: string) => ({
        eventType: 'run_failed' as const,
        senderId: 'agent:ag',
        content: null,
        data: { run_id: runId, message_id: 'm', error: { code: 'stream_interrupted', message: 'x', retryable: true } },
      });
      await storage.runs.renewLease('alive', 60_000);
      // Two claims of one id at once: one wins.
      const [r1, r2] = [randomUUID(), randomUUID()];
      expect((await Promise.all([storage.runs.start(run(r1, 'alive')), storage.runs.start(run(r1, 'other'))])).sort()).toEqual([
        false,
        true,
      ]);
      expect(await storage.runs.start(run(r2, 'dead'))).toBe(true);
      // 'dead' never had a lease; 'alive' has one.
      expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r2]);
      expect(await storage.runs.end(r1, { status: 'failed', orphanedOnly: true, event: failure(r1) })).toBeNull();
      const lastSeq = (await storage.threads.get(t.id))!.lastSeq;
      const ends = await Promise.all([
        storage.runs.end(r2, { status: 'failed', orphanedOnly: true, event: failure(r2) }),
        storage.runs.end(r2, { status: 'failed', orphanedOnly: true, event: failure(r2) }),
      ]);
      const won = ends.filter((end) => end !== null);
      expect(won).toHaveLength(1);
      expect(won[0]!.run).toMatchObject({ id: r2, status: 'failed', processId: 'dead' });
      expect(won[0]!.event).toMatchObject({ event_type: 'run_failed', thread_seq: lastSeq + 1, data: { run_id: r2 } });
      expect(await storage.runs.orphans(10)).toEqual([]);
      // A released lease makes the process's runs orphans; its own end still works once.
      await storage.runs.releaseLease('alive');
      expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r1]);
      expect(await storage.runs.end(r1, { status: 'finished', event: null })).toMatchObject({ run: { status: 'finished' }, event: null });
      expect(await storage.runs.end(r1, { status: 'failed', event: failure(r1) })).toBeNull();
      expect((await storage.threads.get(t.id))!.lastSeq).toBe(lastSeq + 1);
      // A lease that ran out is no lease.
      const r3 = randomUUID();
      await storage.runs.renewLease('brief', 1);
      expect(await storage.runs.start(run(r3, 'brief'))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r3]);
      await storage.close();
    });

    it('rule 8: an approval settles once, and its event is committed with it', async () => {
      const { storage } = await open();
      const [a] = await users(storage, 1);
      const { thread: t } = await storage.threads.create(thread([a!]));
      const { approval, event } = await storage.approvals.create(
        { threadId: t.id, runId: 'r1', toolName: 'x', preview: { p: 1 }, expiresAt: new Date(Date.now() + 1000).toISOString() },
        { eventType: 'approval_pending', senderId: 'system', content: null, data: {} },
      );
      expect(event.data.approval_id).toBe(approval.id);
      const settle = () =>
        storage.approvals.settle(
          approval.id,
          { status: 'approved', decidedBy: `user:${a}` },
          { eventType: 'approval_resolved', senderId: `user:${a}`, content: null, data: {} },
        );
      const first = await settle();
      expect(first?.approval.status).toBe('approved');
      expect(first?.event.thread_seq).toBe(event.thread_seq + 1);
      expect(await settle()).toBeNull();
      expect((await storage.threads.get(t.id))!.lastSeq).toBe(event.thread_seq + 1);
      await storage.close();
    });

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
  });
}
