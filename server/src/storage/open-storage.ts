import type { ServerConfig } from '../config.ts';
import { redactDatabaseUrl } from './database-url.ts';
import { PostgresStorage } from './postgres/postgres-storage.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';
import type { Storage } from './storage.ts';

/**
 * The storage the configuration names: PostgreSQL when `DATABASE_URL` is set (connected
 * and migrated here), else the embedded SQLite file. The one place that picks an
 * implementation (the server and `npm run admin` both open storage here).
 */
export async function openStorage(config: Pick<ServerConfig, 'databasePath' | 'databaseUrl' | 'dataKey'>): Promise<Storage> {
  if (config.databaseUrl === null) return new SqliteStorage(config.databasePath, config.dataKey);
  try {
    return await PostgresStorage.open(config.databaseUrl, { dataKey: config.dataKey });
  } catch (error) {
    throw new Error(`Could not open the PostgreSQL database ${redactDatabaseUrl(config.databaseUrl)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Where the data is, for banners: the SQLite path, or the PostgreSQL URL without its password. */
export function describeStorage(config: Pick<ServerConfig, 'databasePath' | 'databaseUrl'>): string {
  return config.databaseUrl === null ? config.databasePath : redactDatabaseUrl(config.databaseUrl);
}
