import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Files that hold the data or a secret: read and written by their owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** A folder the server creates for them. */
export const PRIVATE_DIR_MODE = 0o700;
/** The umask while such files are created: nothing for the group or others. */
const PRIVATE_UMASK = 0o077;

/**
 * Creates `dir` (and its missing parents) for the owner only. A folder that exists already is
 * left as it is: it may be shared on purpose (`/var/lib`, a home folder).
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Makes an existing file owner-only (one an earlier version left readable by others); a missing one is fine. */
export function restrictToOwner(path: string): void {
  if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Runs `create` with a umask that gives the group and others nothing, so whatever it creates
 * (SQLite's file; its -wal and -shm take the file's mode) is never readable by them, not even
 * for a moment. The process's umask is restored after.
 */
export function withPrivateUmask<T>(create: () => T): T {
  const previous = process.umask(PRIVATE_UMASK);
  try {
    return create();
  } finally {
    process.umask(previous);
  }
}

/**
 * The content of a file that keeps a generated secret: read if it exists (made owner-only),
 * else created owner-only with `generate()`. Two processes starting at once agree: only one
 * creates the file, the other reads it.
 */
export function readOrCreatePrivateFile(path: string, generate: () => string): string {
  if (!existsSync(path)) {
    try {
      writeFileSync(path, generate(), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  restrictToOwner(path);
  return readFileSync(path, 'utf8').trim();
}
