import type { ServerConfig } from '../config.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';
import type { Storage } from './storage.ts';

/**
 * The storage the configuration names: the embedded SQLite file by default. The one place
 * that picks an implementation (the server and `npm run admin` both open storage here).
 */
export async function openStorage(config: Pick<ServerConfig, 'databasePath'>): Promise<Storage> {
  return Promise.resolve(new SqliteStorage(config.databasePath));
}
