import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { parseSearchQuery } from '../../search/search-query.ts';
import { hash, message, newAgent, thread, users, type ContractOpen } from './fixtures.ts';

/** An audit entry of `agentId` with the given id (a repeated id is how the rules make its write fail). */
const entry = (agentId: string, id: string = randomUUID(), action = 'test.action'): AuditEntry => ({
  id,
  agentId,
  at: new Date().toISOString(),
  actor: 'admin',
  action,
  target: `agent:${agentId}`,
  details: { n: 1 },
  address: null,
});

/** Storage contract rules of the privacy store and the audit entries other stores write with their changes (CONTRACT §14). */
export function privacyRules(open: ContractOpen): void {
  it('rule privacy-1: audit entries read back newest first, paged by position, of one action when asked, per agent', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const agent = await newAgent(storage, a!);
    const other = await newAgent(storage, a!);
    const written = [];
    for (let i = 0; i < 5; i++) {
      written.push(entry(agent.id, randomUUID(), i % 2 === 0 ? 'even' : 'odd'));
      await storage.privacy.appendAudit(written[i]!);
    }
    await storage.privacy.appendAudit(entry(other.id));
    const first = await storage.privacy.auditEntries(agent.id, { before: null, action: null, limit: 3 });
    expect(first.entries.map((e) => e.id)).toEqual([written[4]!.id, written[3]!.id, written[2]!.id]);
    expect(first.entries[0]).toEqual(written[4]);
    expect(first.next).not.toBeNull();
    const second = await storage.privacy.auditEntries(agent.id, { before: first.next, action: null, limit: 3 });
    expect(second.entries.map((e) => e.id)).toEqual([written[1]!.id, written[0]!.id]);
    expect(second.next).toBeNull();
    const odd = await storage.privacy.auditEntries(agent.id, { before: null, action: 'odd', limit: 10 });
    expect(odd.entries.map((e) => e.id)).toEqual([written[3]!.id, written[1]!.id]);
    await storage.close();
  });

  it('rule privacy-2: a change and its audit entry commit together: when the entry cannot be written, the change is rolled back', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const agent = await newAgent(storage, a!);
    const taken = entry(agent.id);
    await storage.privacy.appendAudit(taken);
    // The same id again: the entry's write fails, and with it the change.
    await expect(storage.agentSettings.setIdentitySecret(agent.id, 'ais_lost', { ...taken })).rejects.toThrow();
    expect((await storage.agents.get(agent.id))?.identitySecret ?? null).toBeNull();
    await expect(
      storage.agentSettings.addToken({ agentId: agent.id, tokenHash: hash('ama_eat_lost'), prefix: 'ama_eat_lost' }, () => ({ ...taken })),
    ).rejects.toThrow();
    expect(await storage.agentSettings.listTokens(agent.id)).toEqual([]);
    // Written with the change when it succeeds, not when nothing changed.
    const token = await storage.agentSettings.addToken(
      { agentId: agent.id, tokenHash: hash('ama_eat_kept'), prefix: 'ama_eat_kept' },
      (id) => entry(agent.id, randomUUID(), `issued ${id}`),
    );
    expect(await storage.agentSettings.revokeToken(agent.id, 'no-such-token', entry(agent.id, randomUUID(), 'none'))).toBe(false);
    const page = await storage.privacy.auditEntries(agent.id, { before: null, action: null, limit: 10 });
    expect(page.entries.map((e) => e.action)).toEqual([`issued ${token.id}`, 'test.action']);
    await storage.close();
  });

  it('rule privacy-3: a thread erased in bounded steps: unsearchable once closed, its index and log in chunks of at most the size asked, other threads untouched', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: erased } = await storage.threads.create(thread([a!, b!]));
    const { thread: kept } = await storage.threads.create(thread([a!, b!]));
    for (let i = 0; i < 5; i++) {
      await storage.log.commitMessage(message(erased.id, `user:${a}`, `gone zqerased ${i}`));
      await storage.log.commitMessage(message(kept.id, `user:${b}`, `stays zqkept ${i}`));
    }
    const hits = async (word: string) =>
      (await storage.search.events(a!, parseSearchQuery(word), { threadId: null, before: null, limit: 20 })).map((hit) => hit.threadSeq);
    expect(await hits('zqerased')).toHaveLength(5);
    const keptLog = (await storage.log.list(kept.id, 0, 100)).events;

    await storage.privacy.closeThread(erased.id);
    expect(await hits('zqerased')).toEqual([]);
    const chunks = async (step: () => Promise<number>) => {
      const sizes: number[] = [];
      for (let deleted = await step(); deleted > 0; deleted = await step()) sizes.push(deleted);
      return sizes;
    };
    expect(await chunks(() => storage.privacy.eraseSearchChunk(erased.id, 2))).toEqual([2, 2, 1]);
    for (let start = true; await storage.privacy.compactSearchStep(start); start = false);
    const events = erased.lastSeq + 5;
    const logChunks = await chunks(() => storage.privacy.eraseLogChunk(erased.id, 3));
    expect(logChunks.every((size) => size <= 3)).toBe(true);
    expect(logChunks.reduce((sum, size) => sum + size, 0)).toBe(events);
    await storage.privacy.eraseThread(erased.id);

    expect(await storage.threads.get(erased.id)).toBeUndefined();
    expect((await storage.log.list(erased.id, 0, 100)).events).toEqual([]);
    expect(await hits('zqerased')).toEqual([]);
    expect(await hits('zqkept')).toHaveLength(5);
    expect((await storage.log.list(kept.id, 0, 100)).events).toEqual(keptLog);
    await storage.close();
  });

  it('rule privacy-4: thread_deleted commits with its erasure mark, which takes the thread from every reader at once and is finished from', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: erased } = await storage.threads.create(thread([a!, b!]));
    const { thread: kept } = await storage.threads.create(thread([a!, b!]));
    await storage.log.commitMessage(message(erased.id, `user:${a}`, 'gone zqmarked'));
    const before = Date.now();
    const committed = await storage.privacy.commitFarewell(erased.id, {
      visitorId: null,
      agentId: null,
      reason: 'retention',
      by: 'system',
      actor: 'system',
      address: null,
    });
    expect(committed).toBeDefined();
    const { event, mark } = committed!;
    expect(event).toMatchObject({ thread_id: erased.id, event_type: 'thread_deleted', sender_id: 'system', data: { reason: 'retention' } });
    expect(mark).toEqual({
      threadId: erased.id,
      visitorId: null,
      agentId: null,
      reason: 'retention',
      by: 'system',
      actor: 'system',
      address: null,
      farewellSeq: event.thread_seq,
      markedAt: expect.any(String),
    });
    expect(await storage.privacy.erasureMark(erased.id)).toEqual(mark);
    // In the log with the mark (its webhooks read it from there), and gone for every reader.
    const log = (await storage.log.list(erased.id, 0, 100)).events;
    expect(log.at(-1)).toEqual(event);
    expect(await storage.threads.get(erased.id)).toBeUndefined();
    expect(await storage.threads.hasAccess(erased.id, a!)).toBe(false);
    expect((await storage.search.events(a!, parseSearchQuery('zqmarked'), { threadId: null, before: null, limit: 20 })).length).toBe(0);
    expect(await storage.threads.get(kept.id)).toBeDefined();
    // Marked once: a second farewell commits nothing.
    expect(await storage.privacy.commitFarewell(erased.id, { ...mark })).toBeUndefined();
    expect((await storage.log.list(erased.id, 0, 100)).events).toEqual(log);
    expect(await storage.privacy.commitFarewell(randomUUID(), { ...mark })).toBeUndefined();
    // Unfinished once older than asked.
    expect(await storage.privacy.staleErasureMarks(before - 60_000, 10)).toEqual([]);
    expect(await storage.privacy.staleErasureMarks(Date.now() + 1_000, 10)).toEqual([mark]);
    // A thread erased alone: its mark goes with the thread row, and the audit entry is written once.
    const audit = entry(randomUUID());
    await storage.privacy.eraseThread(erased.id, audit);
    await storage.privacy.eraseThread(erased.id, entry(audit.agentId!));
    expect(await storage.privacy.erasureMark(erased.id)).toBeUndefined();
    expect((await storage.privacy.allAuditEntries({ agentId: audit.agentId, before: null, limit: 10 })).entries).toEqual([audit]);
    await storage.close();
  });

  it("rule privacy-5: a visitor's erasure marks stay until the visitor row goes, with one audit entry however often it is finished", async () => {
    const { storage } = await open();
    const [owner] = await users(storage, 1);
    const agent = await newAgent(storage, owner!);
    const { visitor, thread: opened } = await storage.visitors.create({ agent, email: null, name: null, tokenHash: hash(randomUUID()) });
    const origin = { visitorId: visitor.id, agentId: agent.id, reason: 'erased_by_owner', by: `user:${owner}`, actor: `user:${owner}` };
    const committed = await storage.privacy.commitFarewell(opened.id, { ...origin, address: '203.0.113.9' });
    expect(committed?.mark).toMatchObject({ ...origin, address: '203.0.113.9', threadId: opened.id });
    expect(await storage.privacy.erasureMarksOf(visitor.id)).toEqual([committed!.mark]);
    // The thread row goes (the visitor whose open thread it is with it): the mark stays, the audit entry is not written yet.
    await storage.privacy.eraseThread(opened.id);
    expect(await storage.privacy.visitor(agent.id, visitor.id)).toBeUndefined();
    expect(await storage.privacy.erasureMarksOf(visitor.id)).toEqual([committed!.mark]);
    const audit = entry(agent.id, randomUUID(), 'visitor.erased');
    await storage.privacy.eraseVisitor(visitor.id, audit);
    expect(await storage.privacy.erasureMarksOf(visitor.id)).toEqual([]);
    // Finished again (a resume racing the erasure it finishes): nothing left, nothing recorded twice.
    await storage.privacy.eraseVisitor(visitor.id, entry(agent.id, randomUUID(), 'visitor.erased'));
    expect((await storage.privacy.auditEntries(agent.id, { before: null, action: 'visitor.erased', limit: 10 })).entries).toEqual([audit]);
    await storage.close();
  });
}
