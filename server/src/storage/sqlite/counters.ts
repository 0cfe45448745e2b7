import type Database from 'better-sqlite3';
import type { CounterStore } from '../stores/counter-store.ts';

/**
 * Fixed-window counters of the rate limits, in the SQLite file. A key's window opens at
 * its first hit (or the first after the last window ended) and lasts `windowMs`.
 */
export class SqliteCounters implements CounterStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      hit: db.prepare(
        `INSERT INTO rate_counters (key, count, reset_at) VALUES (@key, 1, @now + @window)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
           reset_at = CASE WHEN reset_at <= @now THEN @now + @window ELSE reset_at END
         RETURNING count, reset_at`,
      ),
      refund: db.prepare('UPDATE rate_counters SET count = MAX(count - 1, 0) WHERE key = ? AND reset_at > ?'),
      prune: db.prepare('DELETE FROM rate_counters WHERE reset_at <= ?'),
    };
  }

  async hit(key: string, now: number, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const row = this.stmt.hit.get({ key, now, window: windowMs }) as { count: number; reset_at: number };
    return { count: Number(row.count), resetAt: Number(row.reset_at) };
  }

  async refund(key: string, now: number): Promise<void> {
    this.stmt.refund.run(key, now);
  }

  async prune(now: number): Promise<void> {
    this.stmt.prune.run(now);
  }
}
