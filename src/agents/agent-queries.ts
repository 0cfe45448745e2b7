import { queryOptions } from '@tanstack/react-query';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { InboundAgent } from '../core/protocol/rest-schemas.ts';

/** The owner-only calls the settings screens use: a slice of the inbox API, so tests can hand in a fake server. */
export type AgentSettingsApi = Pick<
  InboxApi,
  | 'listAgents'
  | 'listUsers'
  | 'getAgentSettings'
  | 'updateAgentSettings'
  | 'rotateIdentitySecret'
  | 'issueAgentToken'
  | 'listAgentTokens'
  | 'revokeAgentToken'
>;

export const agentKeys = {
  settings: (slug: string) => ['agent', slug, 'settings'] as const,
  tokens: (slug: string) => ['agent', slug, 'tokens'] as const,
};

/** An agent's settings (owners only). Never cached past the screen: a stale "secret set" would mislead. */
export function agentSettingsQuery(api: AgentSettingsApi, slug: string) {
  return queryOptions({ queryKey: agentKeys.settings(slug), queryFn: ({ signal }) => api.getAgentSettings(slug, signal), staleTime: 0 });
}

/** An agent's tokens that still work, by prefix. */
export function agentTokensQuery(api: AgentSettingsApi, slug: string) {
  return queryOptions({ queryKey: agentKeys.tokens(slug), queryFn: ({ signal }) => api.listAgentTokens(slug, signal), staleTime: 0 });
}

/** The agents whose settings the signed-in user may open (the server says so with `is_owner`). */
export function ownedAgents(agents: readonly InboundAgent[] | undefined): (InboundAgent & { slug: string })[] {
  return (agents ?? []).filter((agent): agent is InboundAgent & { slug: string } => agent.is_owner === true && Boolean(agent.slug));
}
