import type { SenderId } from '../../../../src/core/protocol/model.ts';

/** An uploaded file's metadata (CONTRACT §13); its bytes are kept by an {@link AttachmentBytes}. */
export interface AttachmentRecord {
  id: string;
  threadId: string;
  /** Who uploaded it: only they may send it, in this thread. */
  uploaderId: SenderId;
  name: string;
  /** What the bytes are (sniffed), e.g. `image/png`, `application/pdf`, `text/plain; charset=utf-8`. */
  contentType: string;
  /** Of the bytes as stored (an image after re-encoding). */
  size: number;
  width: number | null;
  height: number | null;
  /** Hex sha256 of the bytes as stored: the download's ETag. */
  sha256: string;
  /** Raster images' thumbnail, stored as `<id>.thumbnail`; null for other files. */
  thumbnail: { contentType: string; size: number; sha256: string } | null;
  /** The message that carries it; null until one does (unused uploads are swept). */
  messageId: string | null;
  createdAt: string;
}

/**
 * Attachments' metadata (`storage.attachments`). A message claims its attachments in the
 * log's commit (`NewMessage.attachmentIds`), atomically with the message.
 */
export interface AttachmentStore {
  /** Records an upload whose bytes are stored; false when its thread is gone (nothing recorded). */
  create(record: AttachmentRecord): Promise<boolean>;
  get(id: string): Promise<AttachmentRecord | undefined>;
  /** Which of these ids have a row. */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /** Uploads no message used, created before `before` (ISO), the oldest first. */
  unusedBefore(before: string, limit: number): Promise<AttachmentRecord[]>;
  /** Every attachment of a thread (to delete its bytes with it). */
  ofThread(threadId: string): Promise<AttachmentRecord[]>;
  /** Deletes these rows, only while no message uses them when `onlyUnused`; returns the ids deleted. */
  delete(ids: readonly string[], onlyUnused: boolean): Promise<string[]>;
  /**
   * Takes (or renews) the sweep's lease for `owner` until `now + leaseMs`: true when it holds
   * it, false when another process does (one process sweeps at a time).
   */
  takeSweepLease(owner: string, now: number, leaseMs: number): Promise<boolean>;
}
