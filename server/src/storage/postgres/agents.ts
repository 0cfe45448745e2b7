import type postgres from 'postgres';
import { now, toAgent, type Row } from './rows.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, NewAgent } from '../storage.ts';
import type { AgentStore } from '../stores/agent-store.ts';

/** Agents and their owners in PostgreSQL (settings and tokens: {@link PostgresAgentSettings}). */
export class PostgresAgents implements AgentStore {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly secrets: SecretBox,
  ) {}

  async get(id: string): Promise<AgentRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM agents WHERE id = ${id}`;
    return row && toAgent(row, this.secrets);
  }

  async bySlug(slug: string): Promise<AgentRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM agents WHERE slug = ${slug}`;
    return row && toAgent(row, this.secrets);
  }

  /** The agents that exist among `ids`, in the order asked. */
  async many(ids: readonly string[]): Promise<AgentRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql<Row[]>`SELECT * FROM agents WHERE id = ANY(${this.sql.array([...ids])}::text[])`;
    const byId = new Map(rows.map((row) => [row.id as string, toAgent(row, this.secrets)]));
    return ids.map((id) => byId.get(id)).filter((agent) => agent !== undefined);
  }

  async list(): Promise<AgentRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM agents ORDER BY name COLLATE "C"`).map((row) => toAgent(row, this.secrets));
  }

  /** The agent and its owners, in one transaction. */
  async create(input: NewAgent, ownerUserIds: readonly string[]): Promise<AgentRecord> {
    const createdAt = now();
    const row = await this.sql.begin(async (tx) => {
      const [inserted] = await tx<Row[]>`
        INSERT INTO agents (id, slug, name, avatar_url, greeting, theme_color, engine, created_at)
        VALUES (${input.id}, ${input.slug}, ${input.name}, ${input.avatarUrl}, ${input.greeting}, ${input.themeColor}, ${input.engine},
                ${createdAt})
        RETURNING *`;
      for (const userId of ownerUserIds) await tx`INSERT INTO agent_owners (agent_id, user_id) VALUES (${input.id}, ${userId})`;
      return inserted!;
    });
    return toAgent(row, this.secrets);
  }

  async owners(agentId: string): Promise<string[]> {
    const rows = await this.sql<{ user_id: string }[]>`SELECT user_id FROM agent_owners WHERE agent_id = ${agentId} ORDER BY user_id`;
    return rows.map((row) => row.user_id);
  }
}
