import type Database from 'better-sqlite3';
import type { ActionTokenRecord, ActionTokenStore, NewActionToken } from '../stores/action-token-store.ts';

interface Row {
  token_hash: string;
  user_id: string;
  approval_id: string;
  expires_at: string;
  spent_at: string | null;
}

/** Approval action tokens in the SQLite file (their hashes). */
export class SqliteActionTokens implements ActionTokenStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      create: db.prepare(
        `INSERT INTO approval_action_tokens (token_hash, user_id, approval_id, expires_at, created_at)
         VALUES (@tokenHash, @userId, @approvalId, @expiresAt, @now)`,
      ),
      get: db.prepare('SELECT * FROM approval_action_tokens WHERE token_hash = ?'),
      spend: db.prepare('UPDATE approval_action_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL'),
      prune: db.prepare('DELETE FROM approval_action_tokens WHERE expires_at < ?'),
    };
  }

  async create(input: NewActionToken): Promise<void> {
    this.stmt.create.run({ ...input, now: new Date().toISOString() });
  }

  async get(tokenHash: string): Promise<ActionTokenRecord | undefined> {
    const row = this.stmt.get.get(tokenHash) as Row | undefined;
    return row
      ? { tokenHash: row.token_hash, userId: row.user_id, approvalId: row.approval_id, expiresAt: row.expires_at, spentAt: row.spent_at }
      : undefined;
  }

  async spend(tokenHash: string, at: string): Promise<boolean> {
    return this.stmt.spend.run(at, tokenHash).changes > 0;
  }

  async prune(before: string): Promise<void> {
    this.stmt.prune.run(before);
  }
}
