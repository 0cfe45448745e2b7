import type Database from 'better-sqlite3';
import { now, str, toAgent, type Row } from './rows.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, NewAgent } from '../storage.ts';
import type { AgentStore } from '../stores/agent-store.ts';

/** Agents and their owners in the SQLite file (settings and tokens: {@link SqliteAgentSettings}). */
export class SqliteAgents implements AgentStore {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly secrets: SecretBox,
  ) {
    this.stmt = {
      byId: db.prepare('SELECT * FROM agents WHERE id = ?'),
      bySlug: db.prepare('SELECT * FROM agents WHERE slug = ?'),
      all: db.prepare('SELECT * FROM agents ORDER BY name'),
      insert: db.prepare(
        'INSERT INTO agents (id, slug, name, avatar_url, greeting, theme_color, engine, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertOwner: db.prepare('INSERT INTO agent_owners (agent_id, user_id) VALUES (?, ?)'),
      owners: db.prepare('SELECT user_id FROM agent_owners WHERE agent_id = ? ORDER BY user_id'),
    };
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toAgent(row, this.secrets);
  }

  async bySlug(slug: string): Promise<AgentRecord | undefined> {
    const row = this.stmt.bySlug.get(slug) as Row | undefined;
    return row && toAgent(row, this.secrets);
  }

  async many(ids: readonly string[]): Promise<AgentRecord[]> {
    return ids
      .map((id) => this.stmt.byId.get(id) as Row | undefined)
      .filter((row) => row !== undefined)
      .map((row) => toAgent(row, this.secrets));
  }

  async list(): Promise<AgentRecord[]> {
    return (this.stmt.all.all() as Row[]).map((row) => toAgent(row, this.secrets));
  }

  /** The agent and its owners, in one transaction. */
  async create(input: NewAgent, ownerUserIds: readonly string[]): Promise<AgentRecord> {
    const createdAt = now();
    this.db.transaction(() => {
      this.stmt.insert.run(input.id, input.slug, input.name, input.avatarUrl, input.greeting, input.themeColor, input.engine, createdAt);
      for (const userId of ownerUserIds) this.stmt.insertOwner.run(input.id, userId);
    })();
    return toAgent(this.stmt.byId.get(input.id) as Row, this.secrets);
  }

  async owners(agentId: string): Promise<string[]> {
    return (this.stmt.owners.all(agentId) as Row[]).map((row) => str(row.user_id));
  }
}
