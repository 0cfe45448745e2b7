/**
 * Bytes as they are read (a Node `Readable` is one). Declared without Node's types: this
 * interface is part of `Storage`, which code compiled for browsers' tests also reads.
 */
export type ByteStream = AsyncIterable<Uint8Array>;

/** A byte range of a stored file, both ends included (as HTTP's `Range` says it). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachments' bytes are kept, by key (`<id>` and `<id>.thumbnail`): a folder beside
 * the SQLite file ({@link FolderBytes}), or PostgreSQL so that every process serves every
 * file. Always streamed: no file is ever whole in memory.
 */
export interface AttachmentBytes {
  /** Where uploads are spooled while they arrive and are checked; on the folder's own file system, so {@link put} is a rename. */
  readonly incomingDir: string;
  /** Stores the file at `fromPath` under `key`, whole or not at all; the file at `fromPath` is gone afterwards. */
  put(key: string, fromPath: string): Promise<void>;
  /** The bytes of `key` (or a range of them), streamed; null when there is none. */
  read(key: string, range?: ByteRange): Promise<ByteStream | null>;
  /** Deletes these keys; missing ones are fine. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Every key stored, in batches, by name only (stores that can list cheaply: a folder). What a
   * crash left without a row is found this way ({@link deleteStrayBytes}).
   */
  keys?(): AsyncIterable<string[]>;
  /** When the bytes of `key` were written (ms since the epoch); null when there are none. */
  writtenAt?(key: string): Promise<number | null>;
}

/** The keys an attachment's bytes are stored under. */
export const bytesKeys = (id: string) => ({ original: id, thumbnail: `${id}.thumbnail` });

/** The attachment a key belongs to (its id, with the thumbnail's suffix taken off). */
export const keyOwner = (key: string): string => (key.endsWith(THUMBNAIL_SUFFIX) ? key.slice(0, -THUMBNAIL_SUFFIX.length) : key);

const THUMBNAIL_SUFFIX = '.thumbnail';
