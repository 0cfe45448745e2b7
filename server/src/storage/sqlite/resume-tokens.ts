import type Database from 'better-sqlite3';
import type { NewResumeToken, ResumeSpend, ResumeTokenStore, SpendResumeToken } from '../stores/resume-token-store.ts';

interface Row {
  visitor_id: string;
  thread_id: string;
  expires_at: string;
  spent_at: string | null;
}

/** Resume tokens of follow-up emails in the SQLite file (their hashes). */
export class SqliteResumeTokens implements ResumeTokenStore {
  private readonly stmt;
  private readonly spendTx;

  constructor(db: Database.Database) {
    this.stmt = {
      create: db.prepare(
        `INSERT INTO visitor_resume_tokens (token_hash, visitor_id, agent_id, thread_id, expires_at, created_at)
         VALUES (@tokenHash, @visitorId, @agentId, @threadId, @expiresAt, @now)`,
      ),
      get: db.prepare('SELECT * FROM visitor_resume_tokens WHERE token_hash = ? AND agent_id = ?'),
      spend: db.prepare('UPDATE visitor_resume_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL'),
      insertVisitorToken: db.prepare('INSERT INTO visitor_tokens (token_hash, visitor_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM visitor_resume_tokens WHERE expires_at < ?'),
    };
    this.spendTx = db.transaction((input: SpendResumeToken): ResumeSpend => {
      const row = this.stmt.get.get(input.tokenHash, input.agentId) as Row | undefined;
      if (!row) return { outcome: 'unknown' };
      if (row.spent_at !== null) return { outcome: 'spent' };
      if (Date.parse(row.expires_at) <= Date.parse(input.at)) return { outcome: 'expired' };
      this.stmt.spend.run(input.at, input.tokenHash);
      // A token counts as used when issued: its idle time starts then (as resolve's).
      this.stmt.insertVisitorToken.run(input.visitorTokenHash, row.visitor_id, input.at, input.at);
      return { outcome: 'resumed', visitorId: row.visitor_id, threadId: row.thread_id };
    });
  }

  async create(input: NewResumeToken): Promise<void> {
    this.stmt.create.run({ ...input, now: new Date().toISOString() });
  }

  async spend(input: SpendResumeToken): Promise<ResumeSpend> {
    return this.spendTx(input);
  }

  async prune(before: string): Promise<void> {
    this.stmt.prune.run(before);
  }
}
