import type postgres from 'postgres';
import { iso, type Row } from './rows.ts';
import type { ActionTokenRecord, ActionTokenStore, NewActionToken } from '../stores/action-token-store.ts';

/** Approval action tokens (their hashes) in PostgreSQL. */
export class PostgresActionTokens implements ActionTokenStore {
  constructor(private readonly sql: postgres.Sql) {}

  async create(input: NewActionToken): Promise<void> {
    await this.sql`INSERT INTO approval_action_tokens (token_hash, user_id, approval_id, expires_at, created_at)
      VALUES (${input.tokenHash}, ${input.userId}, ${input.approvalId}, ${input.expiresAt}, now())`;
  }

  async get(tokenHash: string): Promise<ActionTokenRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM approval_action_tokens WHERE token_hash = ${tokenHash}`;
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash as string,
      userId: row.user_id as string,
      approvalId: row.approval_id as string,
      expiresAt: iso(row.expires_at),
      spentAt: row.spent_at === null ? null : iso(row.spent_at),
    };
  }

  async spend(tokenHash: string, at: string): Promise<boolean> {
    // The row lock makes a second spender wait, then find it spent.
    const result = await this.sql`UPDATE approval_action_tokens SET spent_at = ${at}
      WHERE token_hash = ${tokenHash} AND spent_at IS NULL`;
    return result.count > 0;
  }

  async prune(before: string): Promise<void> {
    await this.sql`DELETE FROM approval_action_tokens WHERE expires_at < ${before}`;
  }
}
