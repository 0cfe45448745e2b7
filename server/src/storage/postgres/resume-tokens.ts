import type postgres from 'postgres';
import type { Row } from './rows.ts';
import type { NewResumeToken, ResumeSpend, ResumeTokenStore, SpendResumeToken } from '../stores/resume-token-store.ts';

/** Resume tokens of follow-up emails in PostgreSQL (their hashes). */
export class PostgresResumeTokens implements ResumeTokenStore {
  constructor(private readonly sql: postgres.Sql) {}

  async create(input: NewResumeToken): Promise<void> {
    await this.sql`
      INSERT INTO visitor_resume_tokens (token_hash, visitor_id, agent_id, thread_id, expires_at)
      VALUES (${input.tokenHash}, ${input.visitorId}, ${input.agentId}, ${input.threadId}, ${input.expiresAt})`;
  }

  async spend(input: SpendResumeToken): Promise<ResumeSpend> {
    return this.sql.begin(async (tx): Promise<ResumeSpend> => {
      // The row lock makes a second spender wait, then find it spent.
      const [row] = await tx<Row[]>`
        SELECT visitor_id, thread_id, expires_at, spent_at FROM visitor_resume_tokens
        WHERE token_hash = ${input.tokenHash} AND agent_id = ${input.agentId} FOR UPDATE`;
      if (!row) return { outcome: 'unknown' };
      if (row.spent_at !== null) return { outcome: 'spent' };
      if ((row.expires_at as Date).getTime() <= Date.parse(input.at)) return { outcome: 'expired' };
      await tx`UPDATE visitor_resume_tokens SET spent_at = ${input.at} WHERE token_hash = ${input.tokenHash}`;
      // A token counts as used when issued: its idle time starts then (as resolve's).
      await tx`INSERT INTO visitor_tokens (token_hash, visitor_id, created_at, last_used_at)
        VALUES (${input.visitorTokenHash}, ${row.visitor_id as string}, ${input.at}, ${input.at})`;
      return { outcome: 'resumed', visitorId: row.visitor_id as string, threadId: row.thread_id as string };
    });
  }

  async prune(before: string): Promise<void> {
    await this.sql`DELETE FROM visitor_resume_tokens WHERE expires_at < ${before}`;
  }
}
