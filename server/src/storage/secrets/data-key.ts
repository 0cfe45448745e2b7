import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDir, readOrCreatePrivateFile } from '../private-files.ts';
import { DATA_KEY_BYTES } from './secret-box.ts';

/** Beside the SQLite file, the generated key of a local run: `<DATABASE_PATH>.data-key`. */
export const DATA_KEY_FILE_SUFFIX = '.data-key';

/** Standard or URL-safe base64 of 32 bytes (43 characters, one optional `=`). */
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** How to make a key, for messages. */
const HOW_TO_MAKE_ONE = 'base64 of 32 random bytes, e.g. from `openssl rand -base64 32`';

/** A 32-byte key from its base64 text; the error names `source`, never the text. */
export function parseDataKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = BASE64_KEY.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : null;
  if (!key || key.length !== DATA_KEY_BYTES) throw new Error(`${source} must be a data encryption key: ${HOW_TO_MAKE_ONE}.`);
  return key;
}

/**
 * The key that seals identity and webhook secrets in the database (see secret-box.ts):
 * `DATA_ENCRYPTION_KEY`, or the file named by `DATA_ENCRYPTION_KEY_FILE`; without either, a
 * SQLite file gets one generated once and kept beside it (0600), like the JWT secret. On
 * PostgreSQL one of the two is required: the processes sharing the database must share it,
 * and it must not live with the database, or a backup of the one would hold the other.
 */
export function resolveDataKey(env: NodeJS.ProcessEnv, databasePath: string, usesPostgres: boolean): Buffer {
  const fromEnv = env.DATA_ENCRYPTION_KEY;
  const file = env.DATA_ENCRYPTION_KEY_FILE;
  if (fromEnv && file) throw new Error('Set DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_FILE, not both.');
  if (fromEnv) return parseDataKey(fromEnv, 'DATA_ENCRYPTION_KEY');
  if (file) {
    if (!existsSync(file)) throw new Error(`DATA_ENCRYPTION_KEY_FILE names ${file}, which does not exist.`);
    return parseDataKey(readFileSync(file, 'utf8'), `The file ${file} (DATA_ENCRYPTION_KEY_FILE)`);
  }
  if (usesPostgres) {
    throw new Error(
      `With DATABASE_URL, set DATA_ENCRYPTION_KEY (${HOW_TO_MAKE_ONE}) or DATA_ENCRYPTION_KEY_FILE, the same for every server process: it encrypts the identity and webhook secrets in the database.`,
    );
  }
  if (databasePath === ':memory:') return randomBytes(DATA_KEY_BYTES);
  return loadOrCreateDataKeyFile(databasePath);
}

/** The key kept beside a SQLite file, generated on first use. */
export function loadOrCreateDataKeyFile(databasePath: string): Buffer {
  const path = `${databasePath}${DATA_KEY_FILE_SUFFIX}`;
  makePrivateDir(dirname(path));
  const text = readOrCreatePrivateFile(path, () => `${randomBytes(DATA_KEY_BYTES).toString('base64')}\n`);
  return parseDataKey(text, `The key file ${path}`);
}
