import type { ApiErrorCode } from '../api/api-error.ts';

// A leaf module: the outbox, its store and its tab messages all speak of items, so the type
// lives apart from them (kept in outbox.ts it would tie the four files into an import circle).

type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** A message the user sent that is not yet in the thread's log. */
export interface OutboxItem {
  clientMessageId: string;
  threadId: string;
  content: string;
  mentions: string[];
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
  error: { code: ApiErrorCode; message: string; retryable: boolean } | null;
}
