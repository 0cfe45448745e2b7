import type { Storage } from '../storage/storage.ts';
import { keyOwner, type AttachmentBytes } from './attachment-bytes.ts';

/**
 * Deletes stored bytes that no attachment row names and that were written before `beforeMs`:
 * what a crash left between storing a file and committing its row, or between deleting a
 * row and its file (an erased visitor's file among them, CONTRACT §14). Only stores that can
 * list their keys (folders) are looked through. A file is stored a moment before its row is
 * committed, so only bytes older than an upload's whole life are candidates. Returns how many
 * keys were deleted.
 */
export async function deleteStrayBytes(storage: Storage, bytes: AttachmentBytes, beforeMs: number): Promise<number> {
  if (!bytes.keys || !bytes.writtenAt) return 0;
  let deleted = 0;
  for await (const keys of bytes.keys()) {
    const named = await storage.attachments.existing([...new Set(keys.map(keyOwner))]);
    const strays: string[] = [];
    for (const key of keys) {
      if (named.has(keyOwner(key))) continue;
      const writtenAt = await bytes.writtenAt(key);
      if (writtenAt !== null && writtenAt < beforeMs) strays.push(key);
    }
    if (strays.length === 0) continue;
    await bytes.delete(strays);
    deleted += strays.length;
  }
  return deleted;
}
