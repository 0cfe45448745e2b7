import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { hash, newAgent, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of agents' settings, identity secrets and tokens. */
export function agentRules(open: ContractOpen): void {
  it("rule 14: an agent's settings and identity secret are stored; new agents allow any origin and no secret", async () => {
    const { storage } = await open();
    const [owner] = await users(storage, 1);
    const agent = await newAgent(storage, owner!);
    expect(agent).toMatchObject({
      allowedOrigins: [],
      requireVerifiedIdentity: false,
      identitySecret: null,
      identitySecretCreatedAt: null,
      expectedReplyMinutes: null,
      websiteUrl: null,
      emailFollowUp: false,
    });
    const updated = await storage.agentSettings.update(agent.id, {
      allowedOrigins: ['https://a.example'],
      requireVerifiedIdentity: true,
      expectedReplyMinutes: 90,
      websiteUrl: 'https://a.example/help',
      emailFollowUp: true,
    });
    expect(updated).toMatchObject({
      allowedOrigins: ['https://a.example'],
      requireVerifiedIdentity: true,
      expectedReplyMinutes: 90,
      websiteUrl: 'https://a.example/help',
      emailFollowUp: true,
    });
    expect(await storage.agents.bySlug(agent.slug)).toMatchObject({ websiteUrl: 'https://a.example/help', emailFollowUp: true });
    expect((await storage.agents.bySlug(agent.slug))?.expectedReplyMinutes).toBe(90);
    const cleared = await storage.agentSettings.update(agent.id, { ...updated, expectedReplyMinutes: null });
    expect(cleared.expectedReplyMinutes).toBeNull();
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
}
