import type { ApiErrorCode } from '../api/api-error.ts';

// A leaf module: the outbox, its store and its tab messages all speak of items, so the type
// lives apart from them (kept in outbox.ts it would tie the four files into an import circle).

type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * A file a message carries (CONTRACT §13), kept with the item (IndexedDB stores the Blob) until
 * the message is committed. Uploaded once: its `attachmentId` is stored as soon as the server has
 * it, so a reload or a new leader tab does not upload it again; an upload cut short is repeated
 * from the start (an upload no message uses is swept by the server).
 */
export interface OutboxFile {
  /** Unique within the item: names the file's progress and its row in the tray. */
  key: string;
  name: string;
  /** The type the browser reported (a first check only: the server decides by the bytes). */
  type: string;
  size: number;
  blob: Blob;
  /** The server's id once uploaded; null until then. */
  attachmentId: string | null;
}

/** A message the user sent that is not yet in the thread's log. */
export interface OutboxItem {
  clientMessageId: string;
  threadId: string;
  content: string;
  mentions: string[];
  /** Files to upload before the message is sent; absent or empty for text only. */
  files?: OutboxFile[];
  /** The thread's seq when composing started (CONTRACT §4). */
  baseSeq: number | null;
  /** The latest seq the user had seen when sending. */
  latestSeenSeq: number | null;
  createdAt: number;
  attempts: number;
  /** Epoch ms before which a retry is not tried. */
  nextAttemptAt: number;
  status: OutboxStatus;
  /** Once sent: the committed message, until the log holds it. */
  committed: { id: string; seq: number } | null;
  /** The last failure: on a queued item it is being retried, on a failed one it waits for the user. */
  error: {
    code: ApiErrorCode;
    message: string;
    retryable: boolean;
    /** A file the server refused as too large (`413`), with its limit when the refusal named it (`max_bytes`). */
    file?: { name: string; size: number; maxBytes: number | null };
  } | null;
}
