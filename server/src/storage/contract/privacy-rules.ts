import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { hash, newAgent, users, type ContractOpen } from './fixtures.ts';

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
}
