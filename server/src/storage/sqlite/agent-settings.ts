import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { now, toAgent, toAgentToken as toToken, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, AgentSettingsInput, AgentTokenRecord, NewAgentToken } from '../storage.ts';

/** Agent settings and external agent tokens in the SQLite file; {@link SqliteStorage} delegates here. */
export class SqliteAgentSettings {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly secrets: SecretBox,
  ) {
    this.stmt = {
      agentById: db.prepare('SELECT * FROM agents WHERE id = ?'),
      updateSettings: db.prepare('UPDATE agents SET allowed_origins = ?, require_verified_identity = ? WHERE id = ?'),
      setSecret: db.prepare('UPDATE agents SET identity_secret = ?, identity_secret_created_at = ? WHERE id = ?'),
      insertToken: db.prepare('INSERT INTO agent_tokens (token_hash, agent_id, created_at, id, prefix) VALUES (?, ?, ?, ?, ?)'),
      tokenByHash: db.prepare('SELECT * FROM agent_tokens WHERE token_hash = ? AND revoked_at IS NULL'),
      liveTokens: db.prepare('SELECT * FROM agent_tokens WHERE agent_id = ? AND revoked_at IS NULL ORDER BY created_at, rowid'),
      revoke: db.prepare('UPDATE agent_tokens SET revoked_at = ? WHERE agent_id = ? AND id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE agent_tokens SET last_used_at = ? WHERE id = ?'),
      liveById: db.prepare('SELECT 1 FROM agent_tokens WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  updateSettings(agentId: string, settings: AgentSettingsInput): AgentRecord {
    const changed = this.stmt.updateSettings.run(
      JSON.stringify(settings.allowedOrigins),
      settings.requireVerifiedIdentity ? 1 : 0,
      agentId,
    );
    if (changed.changes === 0) throw new Error(`agent ${agentId} does not exist`);
    return toAgent(this.stmt.agentById.get(agentId) as Row, this.secrets);
  }

  setIdentitySecret(agentId: string, secret: string): { createdAt: string } {
    const createdAt = now();
    const sealed = this.secrets.seal(secret, sealedColumn.identitySecret(agentId));
    if (this.stmt.setSecret.run(sealed, createdAt, agentId).changes === 0) throw new Error(`agent ${agentId} does not exist`);
    return { createdAt };
  }

  addToken(input: NewAgentToken): AgentTokenRecord {
    const record: AgentTokenRecord = { id: randomUUID(), agentId: input.agentId, prefix: input.prefix, createdAt: now(), lastUsedAt: null };
    this.stmt.insertToken.run(input.tokenHash, input.agentId, record.createdAt, record.id, record.prefix);
    return record;
  }

  getToken(tokenHash: string): { agent: AgentRecord; token: AgentTokenRecord } | undefined {
    const row = this.stmt.tokenByHash.get(tokenHash) as Row | undefined;
    if (!row) return undefined;
    const agent = this.stmt.agentById.get(row.agent_id) as Row | undefined;
    return agent && { agent: toAgent(agent, this.secrets), token: toToken(row) };
  }

  listTokens(agentId: string): AgentTokenRecord[] {
    return (this.stmt.liveTokens.all(agentId) as Row[]).map(toToken);
  }

  revokeToken(agentId: string, tokenId: string): boolean {
    return this.stmt.revoke.run(now(), agentId, tokenId).changes > 0;
  }

  touchToken(tokenId: string, usedAt: string): void {
    this.stmt.touch.run(usedAt, tokenId);
  }

  liveTokenIds(tokenIds: readonly string[]): string[] {
    return tokenIds.filter((id) => this.stmt.liveById.get(id) !== undefined);
  }
}
