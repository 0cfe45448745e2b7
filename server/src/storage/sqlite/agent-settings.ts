import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { now, toAgent, toAgentToken as toToken, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, AgentSettingsInput, AgentTokenRecord, NewAgentToken } from '../storage.ts';
import type { AgentSettingsStore } from '../stores/agent-settings-store.ts';
import { policyColumn } from '../attachment-policy-column.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { auditWriter } from './audit-rows.ts';

/** Agent settings and external agent tokens in the SQLite file (`storage.agentSettings`). */
export class SqliteAgentSettings implements AgentSettingsStore {
  private readonly stmt;
  private readonly audit;

  constructor(
    private readonly db: Database.Database,
    private readonly secrets: SecretBox,
  ) {
    this.audit = auditWriter(db);
    this.stmt = {
      agentById: db.prepare('SELECT * FROM agents WHERE id = ?'),
      updateSettings: db.prepare(
        `UPDATE agents SET allowed_origins = ?, require_verified_identity = ?, expected_reply_minutes = ?, website_url = ?, email_follow_up = ?,
                           attachment_policy = coalesce(?, attachment_policy), retention_days = ?
         WHERE id = ?`,
      ),
      setSecret: db.prepare('UPDATE agents SET identity_secret = ?, identity_secret_created_at = ? WHERE id = ?'),
      insertToken: db.prepare('INSERT INTO agent_tokens (token_hash, agent_id, created_at, id, prefix) VALUES (?, ?, ?, ?, ?)'),
      tokenByHash: db.prepare('SELECT * FROM agent_tokens WHERE token_hash = ? AND revoked_at IS NULL'),
      liveTokens: db.prepare('SELECT * FROM agent_tokens WHERE agent_id = ? AND revoked_at IS NULL ORDER BY created_at, rowid'),
      revoke: db.prepare('UPDATE agent_tokens SET revoked_at = ? WHERE agent_id = ? AND id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE agent_tokens SET last_used_at = ? WHERE id = ?'),
      liveById: db.prepare('SELECT 1 FROM agent_tokens WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  async update(agentId: string, settings: AgentSettingsInput, audit?: AuditEntry): Promise<AgentRecord> {
    return this.db.transaction(() => {
      const changed = this.stmt.updateSettings.run(
        JSON.stringify(settings.allowedOrigins),
        settings.requireVerifiedIdentity ? 1 : 0,
        settings.expectedReplyMinutes,
        settings.websiteUrl,
        settings.emailFollowUp ? 1 : 0,
        policyColumn(settings.attachments),
        settings.retentionDays ?? null,
        agentId,
      );
      if (changed.changes === 0) throw new Error(`agent ${agentId} does not exist`);
      this.audit(audit);
      return toAgent(this.stmt.agentById.get(agentId) as Row, this.secrets);
    })();
  }

  async setIdentitySecret(agentId: string, secret: string, audit?: AuditEntry): Promise<{ createdAt: string }> {
    const createdAt = now();
    const sealed = this.secrets.seal(secret, sealedColumn.identitySecret(agentId));
    this.db.transaction(() => {
      if (this.stmt.setSecret.run(sealed, createdAt, agentId).changes === 0) throw new Error(`agent ${agentId} does not exist`);
      this.audit(audit);
    })();
    return { createdAt };
  }

  async addToken(input: NewAgentToken, audit?: (tokenId: string) => AuditEntry): Promise<AgentTokenRecord> {
    const record: AgentTokenRecord = { id: randomUUID(), agentId: input.agentId, prefix: input.prefix, createdAt: now(), lastUsedAt: null };
    this.db.transaction(() => {
      this.stmt.insertToken.run(input.tokenHash, input.agentId, record.createdAt, record.id, record.prefix);
      this.audit(audit?.(record.id));
    })();
    return record;
  }

  async getToken(tokenHash: string): Promise<{ agent: AgentRecord; token: AgentTokenRecord } | undefined> {
    const row = this.stmt.tokenByHash.get(tokenHash) as Row | undefined;
    if (!row) return undefined;
    const agent = this.stmt.agentById.get(row.agent_id) as Row | undefined;
    return agent && { agent: toAgent(agent, this.secrets), token: toToken(row) };
  }

  async listTokens(agentId: string): Promise<AgentTokenRecord[]> {
    return (this.stmt.liveTokens.all(agentId) as Row[]).map(toToken);
  }

  async revokeToken(agentId: string, tokenId: string, audit?: AuditEntry): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.revoke.run(now(), agentId, tokenId).changes === 0) return false;
      this.audit(audit);
      return true;
    })();
  }

  async touchToken(tokenId: string, usedAt: string): Promise<void> {
    this.stmt.touch.run(usedAt, tokenId);
  }

  async liveTokenIds(tokenIds: readonly string[]): Promise<string[]> {
    return tokenIds.filter((id) => this.stmt.liveById.get(id) !== undefined);
  }
}
