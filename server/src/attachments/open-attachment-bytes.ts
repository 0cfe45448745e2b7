import type { Storage } from '../storage/storage.ts';
import type { AttachmentConfig } from './attachment-config.ts';
import type { AttachmentBytes } from './attachment-bytes.ts';
import { FolderBytes } from './folder-bytes.ts';
import { SharedFolderBytes } from './shared-folder-bytes.ts';

/**
 * Where this process keeps attachments' bytes (the server and the admin commands choose
 * alike): SQLite, the folder beside it; PostgreSQL with `ATTACHMENTS_DIR` set, that shared
 * folder (files stored in the database before stay readable); PostgreSQL alone, the database.
 */
export async function openAttachmentBytes(storage: Storage, config: AttachmentConfig): Promise<AttachmentBytes> {
  if (storage.attachmentBytes === null) return FolderBytes.open(config.dir);
  if (!config.dirSet) return storage.attachmentBytes;
  return new SharedFolderBytes(await FolderBytes.open(config.dir), storage.attachmentBytes);
}
