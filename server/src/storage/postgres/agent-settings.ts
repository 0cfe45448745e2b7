import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { now, toAgent, toAgentToken, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, AgentSettingsInput, AgentTokenRecord, NewAgentToken } from '../storage.ts';
import type { AgentSettingsStore } from '../stores/agent-settings-store.ts';
import { policyColumn } from '../attachment-policy-column.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { insertAudit } from './audit-rows.ts';

/** Agent settings and external agent tokens in PostgreSQL. */
export class PostgresAgentSettings implements AgentSettingsStore {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly secrets: SecretBox,
  ) {}

  async update(agentId: string, settings: AgentSettingsInput, audit?: AuditEntry): Promise<AgentRecord> {
    return this.sql.begin(async (tx) => {
      const [row] = await tx<Row[]>`
      UPDATE agents SET allowed_origins = ${JSON.stringify(settings.allowedOrigins)}::text::jsonb,
                        require_verified_identity = ${settings.requireVerifiedIdentity},
                        expected_reply_minutes = ${settings.expectedReplyMinutes},
                        website_url = ${settings.websiteUrl},
                        email_follow_up = ${settings.emailFollowUp},
                        attachment_policy = coalesce(${policyColumn(settings.attachments)}::text::jsonb, attachment_policy),
                        retention_days = ${settings.retentionDays ?? null}::double precision
      WHERE id = ${agentId} RETURNING *`;
      if (!row) throw new Error(`agent ${agentId} does not exist`);
      await insertAudit(tx, audit);
      return toAgent(row, this.secrets);
    });
  }

  async setIdentitySecret(agentId: string, secret: string, audit?: AuditEntry): Promise<{ createdAt: string }> {
    const createdAt = now();
    const sealed = this.secrets.seal(secret, sealedColumn.identitySecret(agentId));
    await this.sql.begin(async (tx) => {
      const result =
        await tx`UPDATE agents SET identity_secret = ${sealed}, identity_secret_created_at = ${createdAt} WHERE id = ${agentId}`;
      if (result.count === 0) throw new Error(`agent ${agentId} does not exist`);
      await insertAudit(tx, audit);
    });
    return { createdAt };
  }

  async addToken(input: NewAgentToken, audit?: (tokenId: string) => AuditEntry): Promise<AgentTokenRecord> {
    const record: AgentTokenRecord = { id: randomUUID(), agentId: input.agentId, prefix: input.prefix, createdAt: now(), lastUsedAt: null };
    await this.sql.begin(async (tx) => {
      await tx`
        INSERT INTO agent_tokens (token_hash, agent_id, created_at, id, prefix)
        VALUES (${input.tokenHash}, ${input.agentId}, ${record.createdAt}, ${record.id}, ${record.prefix})`;
      await insertAudit(tx, audit?.(record.id));
    });
    return record;
  }

  async getToken(tokenHash: string): Promise<{ agent: AgentRecord; token: AgentTokenRecord } | undefined> {
    const [token] = await this.sql<Row[]>`SELECT * FROM agent_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`;
    if (!token) return undefined;
    const [agent] = await this.sql<Row[]>`SELECT * FROM agents WHERE id = ${token.agent_id as string}`;
    return agent && { agent: toAgent(agent, this.secrets), token: toAgentToken(token) };
  }

  async listTokens(agentId: string): Promise<AgentTokenRecord[]> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM agent_tokens WHERE agent_id = ${agentId} AND revoked_at IS NULL ORDER BY created_at, position`;
    return rows.map(toAgentToken);
  }

  async revokeToken(agentId: string, tokenId: string, audit?: AuditEntry): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const result = await tx`
        UPDATE agent_tokens SET revoked_at = ${now()} WHERE agent_id = ${agentId} AND id = ${tokenId} AND revoked_at IS NULL`;
      if (result.count === 0) return false;
      await insertAudit(tx, audit);
      return true;
    });
  }

  async touchToken(tokenId: string, usedAt: string): Promise<void> {
    await this.sql`UPDATE agent_tokens SET last_used_at = ${usedAt} WHERE id = ${tokenId}`;
  }

  async liveTokenIds(tokenIds: readonly string[]): Promise<string[]> {
    if (tokenIds.length === 0) return [];
    const rows = await this.sql<{ id: string }[]>`
      SELECT id FROM agent_tokens WHERE id = ANY(${this.sql.array([...tokenIds])}::text[]) AND revoked_at IS NULL`;
    return rows.map((row) => row.id);
  }
}
