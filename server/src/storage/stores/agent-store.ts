import type { AgentRecord, NewAgent } from '../storage.ts';

/** Agents and their owners (`storage.agents`); their settings, secret and tokens are AgentSettingsStore's. */
export interface AgentStore {
  get(id: string): Promise<AgentRecord | undefined>;
  bySlug(slug: string): Promise<AgentRecord | undefined>;
  many(ids: readonly string[]): Promise<AgentRecord[]>;
  list(): Promise<AgentRecord[]>;
  create(input: NewAgent, ownerUserIds: readonly string[]): Promise<AgentRecord>;
  /** Ids of the agent's owners. */
  owners(agentId: string): Promise<string[]>;
}
