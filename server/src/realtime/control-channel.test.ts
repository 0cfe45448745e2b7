import { describe, expect, it } from 'vitest';
import { LocalControl, type ApprovalSettled } from './control-channel.ts';

describe('LocalControl (one process)', () => {
  it('hands each notice to every listener at once, also when one of them throws', () => {
    const errors: unknown[] = [];
    const control = new LocalControl((error) => errors.push(error));
    const seen: ApprovalSettled[] = [];
    control.onApprovalSettled(() => {
      throw new Error('broken listener');
    });
    control.onApprovalSettled((notice) => seen.push(notice));
    const agents: string[] = [];
    control.onAgentSettingsChanged((agentId) => agents.push(agentId));
    const tokens: string[] = [];
    control.onAgentTokenRevoked((tokenId) => tokens.push(tokenId));

    control.approvalSettled({ approvalId: 'a1', threadId: 't1', status: 'approved' });
    control.agentSettingsChanged('agent-1');
    control.agentTokenRevoked('token-1');

    expect(seen).toEqual([{ approvalId: 'a1', threadId: 't1', status: 'approved' }]);
    expect(agents).toEqual(['agent-1']);
    expect(tokens).toEqual(['token-1']);
    expect(errors.map((error) => (error as Error).message)).toEqual(['broken listener']);
  });
});
