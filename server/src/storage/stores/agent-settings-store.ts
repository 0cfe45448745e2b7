import type { AgentRecord, AgentSettingsInput, AgentTokenRecord, NewAgentToken } from '../storage.ts';
import type { AuditEntry } from './privacy-store.ts';

/** What an agent's owners change (`storage.agentSettings`): its public-endpoint settings, identity secret and external tokens. */
export interface AgentSettingsStore {
  /** Replaces the agent's public-endpoint settings; returns the agent as it now is. */
  update(agentId: string, settings: AgentSettingsInput, audit?: AuditEntry): Promise<AgentRecord>;
  /** Stores a new identity secret, replacing the old one (identity tokens signed with it stop working). */
  setIdentitySecret(agentId: string, secret: string, audit?: AuditEntry): Promise<{ createdAt: string }>;
  /** Stores an external agent token (its hash and display prefix only). */
  addToken(input: NewAgentToken, audit?: (tokenId: string) => AuditEntry): Promise<AgentTokenRecord>;
  /** The agent and token behind a token hash; undefined when unknown or revoked. */
  getToken(tokenHash: string): Promise<{ agent: AgentRecord; token: AgentTokenRecord } | undefined>;
  /** The agent's tokens that are not revoked, oldest first. */
  listTokens(agentId: string): Promise<AgentTokenRecord[]>;
  /** Revokes one of the agent's tokens; false when the agent has no such live token. */
  revokeToken(agentId: string, tokenId: string, audit?: AuditEntry): Promise<boolean>;
  /** Records a use of the token (callers throttle this; it is not a per-request write). */
  touchToken(tokenId: string, usedAt: string): Promise<void>;
  /** Which of these token ids are of live tokens (neither revoked nor unknown), in one read. */
  liveTokenIds(tokenIds: readonly string[]): Promise<string[]>;
}
