import type postgres from 'postgres';
import type { CounterStore } from '../stores/counter-store.ts';

/**
 * Fixed-window counters of the rate limits, shared by every process. A key's window opens
 * at its first hit (or the first after the last window ended) and lasts `windowMs`. One
 * UPSERT per hit: concurrent hits on a key serialise on its row, so none is lost.
 */
export class PostgresCounters implements CounterStore {
  constructor(private readonly sql: postgres.Sql) {}

  async hit(key: string, now: number, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const [row] = await this.sql<{ count: number; reset_at: string }[]>`
      INSERT INTO rate_counters (key, count, reset_at) VALUES (${key}, 1, ${now}::bigint + ${windowMs}::bigint)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_counters.reset_at <= ${now}::bigint THEN 1 ELSE rate_counters.count + 1 END,
        reset_at = CASE WHEN rate_counters.reset_at <= ${now}::bigint THEN ${now}::bigint + ${windowMs}::bigint ELSE rate_counters.reset_at END
      RETURNING count, reset_at`;
    return { count: Number(row!.count), resetAt: Number(row!.reset_at) };
  }

  async refund(key: string, now: number): Promise<void> {
    await this.sql`UPDATE rate_counters SET count = greatest(count - 1, 0) WHERE key = ${key} AND reset_at > ${now}::bigint`;
  }

  async prune(now: number): Promise<void> {
    await this.sql`DELETE FROM rate_counters WHERE reset_at <= ${now}::bigint`;
  }
}
