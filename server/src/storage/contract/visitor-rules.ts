import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { hash, message, newAgent, users, type ContractOpen } from './fixtures.ts';

/** Longer than the clock's millisecond: writes this far apart have distinct `updated_at` times. */
const CLOCK_STEP_MS = 3;
const nextTick = () => new Promise((resolve) => setTimeout(resolve, CLOCK_STEP_MS));

/** Storage contract rules of visitors, their threads, tokens and identities. */
export function visitorRules(open: ContractOpen): void {
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

  it("rule 7c: a visitor's threads are theirs alone (also those left by a fresh start), most recently updated first", async () => {
    const { storage } = await open();
    const [owner] = await users(storage, 1);
    const agent = await newAgent(storage, owner!);
    const other = await newAgent(storage, owner!);
    const first = await storage.visitors.create({ agent, email: 'v@example.com', name: null, tokenHash: hash('a') });
    const sameEmail = await storage.visitors.create({ agent, email: 'v@example.com', name: null, tokenHash: hash('b') });
    const elsewhere = await storage.visitors.create({ agent: other, email: 'v@example.com', name: null, tokenHash: hash('c') });
    const self = `visitor:${first.visitor.id}`;
    await nextTick();
    const fresh = (await storage.visitors.resume({
      agent,
      visitorId: first.visitor.id,
      email: null,
      name: null,
      fresh: true,
      bind: null,
    }))!;
    await nextTick();
    // The earlier thread goes on (a message there), and is then resolved: it is the most recently updated.
    await storage.log.commitMessage(message(first.thread.id, self, 'Where is my order?'));
    await storage.ownership.change(first.thread.id, (current) => ({
      next: { ...current, status: 'resolved' },
      events: [{ eventType: 'status_changed', senderId: 'system', content: null, data: { status: 'resolved', previous: current.status } }],
    }));

    const mine = await storage.visitors.threadsOf(first.visitor.id, 10);
    expect(mine.map((summary) => summary.id)).toEqual([first.thread.id, fresh.thread.id]);
    const [earlier, current] = mine;
    expect(earlier).toMatchObject({ status: 'resolved', lastMessage: { sender_id: self, content: 'Where is my order?' } });
    expect(earlier!.updatedAt > current!.updatedAt).toBe(true);
    expect(current).toMatchObject({ status: 'open', lastMessage: null });
    expect(await storage.visitors.threadsOf(first.visitor.id, 1)).toEqual([earlier]);
    // Another visitor with the same email, or of another agent, lists only their own.
    expect((await storage.visitors.threadsOf(sameEmail.visitor.id, 10)).map((summary) => summary.id)).toEqual([sameEmail.thread.id]);
    expect((await storage.visitors.threadsOf(elsewhere.visitor.id, 10)).map((summary) => summary.id)).toEqual([elsewhere.thread.id]);
    expect(await storage.visitors.threadsOf(randomUUID(), 10)).toEqual([]);
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
}
