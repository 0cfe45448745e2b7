import postgres from 'postgres';

/** PostgreSQL's own cumulative counters: a database's transactions and the server's WAL work. */
export interface PostgresCounters {
  /** Committed and rolled-back transactions of the database (each lone statement is one). */
  transactions: number;
  walRecords: number;
  walBytes: number;
  /** WAL fsyncs (each makes a group of commits durable). */
  walSyncs: number;
}

/**
 * Reads the counters of the database at `databaseUrl` (`pg_stat_database`, and the
 * server-wide `pg_stat_wal`). A backend reports its counts when it goes idle, at most once a
 * second, and at the latest when it exits: read them after the connections have closed.
 */
export async function readPostgresCounters(databaseUrl: string): Promise<PostgresCounters> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ transactions: string; wal_records: string; wal_bytes: string; wal_sync: string }[]>`
      SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS transactions,
             wal_records, wal_bytes, wal_sync
      FROM pg_stat_wal`;
    return {
      transactions: Number(row!.transactions),
      walRecords: Number(row!.wal_records),
      walBytes: Number(row!.wal_bytes),
      walSyncs: Number(row!.wal_sync),
    };
  } finally {
    await sql.end();
  }
}
