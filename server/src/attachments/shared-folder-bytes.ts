import type { AttachmentBytes, ByteRange, ByteStream } from './attachment-bytes.ts';
import type { FolderBytes } from './folder-bytes.ts';

/**
 * Attachments' bytes with PostgreSQL and `ATTACHMENTS_DIR` set: new files go to the folder
 * every process mounts, and files stored in the database before the switch stay readable
 * there, so a deployment switches without copying anything and without downtime. Deletes go
 * to both (each is idempotent, so several processes deleting the same keys is safe).
 */
export class SharedFolderBytes implements AttachmentBytes {
  readonly incomingDir: string;

  constructor(
    private readonly folder: FolderBytes,
    /** The bytes kept in the database (`attachment_chunks`) before the switch. */
    private readonly database: AttachmentBytes,
  ) {
    this.incomingDir = folder.incomingDir;
  }

  put(key: string, fromPath: string): Promise<void> {
    return this.folder.put(key, fromPath);
  }

  async read(key: string, range?: ByteRange): Promise<ByteStream | null> {
    return (await this.folder.read(key, range)) ?? (await this.database.read(key, range));
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all([this.folder.delete(keys), this.database.delete(keys)]);
  }

  /** The folder's keys only: listing `attachment_chunks` would read every chunk's key (left as it was before the switch). */
  keys(): AsyncIterable<string[]> {
    return this.folder.keys();
  }

  writtenAt(key: string): Promise<number | null> {
    return this.folder.writtenAt(key);
  }
}
