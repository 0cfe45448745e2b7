import { mkdir, open, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentBytes, ByteRange, ByteStream } from './attachment-bytes.ts';

/**
 * A file in `.incoming/` untouched this long is a crash's leftover: an upload being written
 * changes its file at every chunk, and a checked one is renamed away within seconds. Only
 * such files are removed at start, as other processes sharing the folder may be mid-upload.
 */
export const STALE_INCOMING_MS = 60 * 60_000;

/** Keys listed per batch by {@link FolderBytes.keys}: one database query's worth of ids. */
const KEYS_BATCH = 500;

/** Keys are attachment ids (UUIDs) and their suffixes: nothing else may name a file here. */
const KEY_PATTERN = /^[0-9a-f-]{36}(\.thumbnail)?$/;

function checkedKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error(`not an attachment key: ${JSON.stringify(key)}`);
  return key;
}

/**
 * Attachments' bytes as files in a folder (`ATTACHMENTS_DIR`: by default beside the SQLite
 * file; with PostgreSQL, a folder every process mounts). Uploads arrive in `.incoming/` and
 * are renamed into place once whole and checked, so a crash never leaves half a file under a
 * real name (only in `.incoming/`, whose stale files go at start).
 */
export class FolderBytes implements AttachmentBytes {
  readonly incomingDir: string;

  private constructor(private readonly dir: string) {
    this.incomingDir = join(dir, '.incoming');
  }

  /** Creates the folder (owner-only) and removes what a crash left in `.incoming/` ({@link STALE_INCOMING_MS}). */
  static async open(dir: string): Promise<FolderBytes> {
    const now = Date.now();
    const bytes = new FolderBytes(dir);
    await mkdir(bytes.incomingDir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(bytes.incomingDir)) {
      const path = join(bytes.incomingDir, name);
      // Another process may remove the same leftover meanwhile: a missing file is fine.
      const changed = await stat(path).then(
        (found) => found.mtimeMs,
        () => null,
      );
      if (changed !== null && now - changed >= STALE_INCOMING_MS) await rm(path, { recursive: true, force: true });
    }
    return bytes;
  }

  async put(key: string, fromPath: string): Promise<void> {
    await rename(fromPath, join(this.dir, checkedKey(key)));
  }

  async read(key: string, range?: ByteRange): Promise<ByteStream | null> {
    let handle;
    try {
      // Opened first: a file deleted meanwhile is still read whole, never half.
      handle = await open(join(this.dir, checkedKey(key)), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(join(this.dir, checkedKey(key)), { force: true })));
  }

  /** The folder's keys, a batch at a time (read as the folder is walked, not listed whole); `.incoming/` and other names are left out. */
  async *keys(): AsyncIterable<string[]> {
    let batch: string[] = [];
    for await (const entry of await opendir(this.dir)) {
      if (!entry.isFile() || !KEY_PATTERN.test(entry.name)) continue;
      batch.push(entry.name);
      if (batch.length === KEYS_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async writtenAt(key: string): Promise<number | null> {
    try {
      return (await stat(join(this.dir, checkedKey(key)))).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
