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
}
