import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { hash, newAgent, users, type ContractOpen } from './fixtures.ts';

const LEASE_MS = 30_000;

/** Storage contract rules of visitor follow-ups and their resume tokens (CONTRACT §12 "Visitors who left"). */
export function followUpRules(open: ContractOpen): void {
  it('rule follow-up 1: a schedule keeps the earliest reply of the same thread, one in another thread replaces it; one lease at a time; finish keeps what came after the claim', async () => {
    const { storage } = await open();
    const [owner] = await users(storage, 1);
    const agent = await newAgent(storage, owner!);
    const { visitor, thread } = await storage.visitors.create({ agent, email: 'v@example.com', name: 'V', tokenHash: hash('v') });
    const base = { visitorId: visitor.id, agentId: agent.id, threadId: thread.id };
    await storage.followUps.schedule({ ...base, seq: 5, dueAt: 2_000 });
    // The same reply again (a batch evaluated twice), and a later one: the earliest start and time stay.
    await storage.followUps.schedule({ ...base, seq: 5, dueAt: 2_000 });
    await storage.followUps.schedule({ ...base, seq: 7, dueAt: 3_000 });
    expect(await storage.followUps.due(1_999, 10)).toEqual([]);
    expect(await storage.followUps.due(2_000, 10)).toEqual([visitor.id]);
    const claimed = await storage.followUps.claim(visitor.id, 'p1', 2_000, LEASE_MS);
    expect(claimed).toMatchObject({ ...base, fromSeq: 5, dueAt: 2_000, lastSentAt: null, sentThreadId: null, sentUpToSeq: null });
    // Held: neither due nor claimable by another process until the lease runs out.
    expect(await storage.followUps.due(2_001, 10)).toEqual([]);
    expect(await storage.followUps.claim(visitor.id, 'p2', 2_001, LEASE_MS)).toBeUndefined();
    expect(await storage.followUps.renew(visitor.id, 'p2', 99_999)).toBe(false);
    // A reply scheduled while the email goes out stays due after the finish.
    await storage.followUps.schedule({ ...base, seq: 9, dueAt: 4_000 });
    expect(await storage.followUps.finish(visitor.id, 'p1', claimed!.version, { at: 2_500, threadId: thread.id, upToSeq: 7 })).toBe(true);
    expect(await storage.followUps.finish(visitor.id, 'p1', claimed!.version, null)).toBe(false);
    const next = await storage.followUps.claim(visitor.id, 'p2', 4_000, LEASE_MS);
    expect(next).toMatchObject({ fromSeq: 5, lastSentAt: 2_500, sentThreadId: thread.id, sentUpToSeq: 7 });
    // Postponed (the hourly cap) and released; then finished with nothing to send: nothing waits.
    expect(await storage.followUps.postpone(visitor.id, 'p2', 2_500 + 3_600_000)).toBe(true);
    expect(await storage.followUps.due(4_000, 10)).toEqual([]);
    const capped = await storage.followUps.claim(visitor.id, 'p1', 2_500 + 3_600_000, LEASE_MS);
    expect(capped).toBeDefined();
    expect(await storage.followUps.finish(visitor.id, 'p1', capped!.version, null)).toBe(true);
    expect(await storage.followUps.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    // A reply in another thread after nothing waits starts afresh there.
    await storage.followUps.schedule({ ...base, threadId: randomUUID(), seq: 3, dueAt: 10_000 });
    expect(await storage.followUps.claim(visitor.id, 'p1', 10_000, LEASE_MS)).toMatchObject({ fromSeq: 3, lastSentAt: 2_500 });
    await storage.close();
  });

  it('rule follow-up 2: a resume token is spent once, for its own agent only, not after it expired, and gives the visitor a new token', async () => {
    const { storage } = await open();
    const [owner] = await users(storage, 1);
    const agent = await newAgent(storage, owner!);
    const other = await newAgent(storage, owner!);
    const { visitor, thread } = await storage.visitors.create({ agent, email: 'v@example.com', name: 'V', tokenHash: hash('v') });
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await storage.resumeTokens.create({ tokenHash: hash('r1'), visitorId: visitor.id, agentId: agent.id, threadId: thread.id, expiresAt });
    const at = new Date().toISOString();
    expect(await storage.resumeTokens.spend({ tokenHash: hash('r1'), agentId: other.id, at, visitorTokenHash: hash('x') })).toEqual({
      outcome: 'unknown',
    });
    expect(await storage.resumeTokens.spend({ tokenHash: hash('r1'), agentId: agent.id, at, visitorTokenHash: hash('v2') })).toEqual({
      outcome: 'resumed',
      visitorId: visitor.id,
      threadId: thread.id,
    });
    expect(await storage.visitors.byToken(agent.id, hash('v2'))).toMatchObject({ id: visitor.id });
    expect(await storage.visitors.byToken(agent.id, hash('x'))).toBeUndefined();
    expect(await storage.resumeTokens.spend({ tokenHash: hash('r1'), agentId: agent.id, at, visitorTokenHash: hash('v3') })).toEqual({
      outcome: 'spent',
    });
    expect(await storage.visitors.byToken(agent.id, hash('v3'))).toBeUndefined();
    await storage.resumeTokens.create({
      tokenHash: hash('r2'),
      visitorId: visitor.id,
      agentId: agent.id,
      threadId: thread.id,
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });
    expect(await storage.resumeTokens.spend({ tokenHash: hash('r2'), agentId: agent.id, at, visitorTokenHash: hash('v4') })).toEqual({
      outcome: 'expired',
    });
    await storage.resumeTokens.prune(new Date().toISOString());
    expect(await storage.resumeTokens.spend({ tokenHash: hash('r2'), agentId: agent.id, at, visitorTokenHash: hash('v5') })).toEqual({
      outcome: 'unknown',
    });
    await storage.close();
  });
}
