import { describe, expect, it } from 'vitest';
import { agentSettingsHash, parseAgentRoute } from './agent-route.ts';

describe('parseAgentRoute', () => {
  it('reads the agent screens from the hash', () => {
    expect(parseAgentRoute('#/agents')).toEqual({ view: 'agents' });
    expect(parseAgentRoute('#/agents/')).toEqual({ view: 'agents' });
    expect(parseAgentRoute('#/agents/demo')).toEqual({ view: 'agent', slug: 'demo' });
    expect(parseAgentRoute(agentSettingsHash('shop-helper-2'))).toEqual({ view: 'agent', slug: 'shop-helper-2' });
    expect(parseAgentRoute('#/agents/demo/audit')).toEqual({ view: 'audit', slug: 'demo' });
    expect(parseAgentRoute(`${agentSettingsHash('demo')}/audit/`)).toEqual({ view: 'audit', slug: 'demo' });
  });

  it('leaves the rest of the inbox (and anything that is not a slug) alone', () => {
    for (const hash of [
      '',
      '#/',
      '#/thread/0b9d6a4e-7c1f-4d62-9a57-3f1e2b6c8d90',
      '#/agents/Demo',
      '#/agents/-x',
      '#/agents/a/b',
      '#/agents/demo/audits',
      '#/agents/audit/demo',
      '#/agents/%2e%2e',
    ]) {
      expect(parseAgentRoute(hash)).toBeNull();
    }
  });
});
