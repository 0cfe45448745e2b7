import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { CommitResult, NewEvent, NewMessage } from '../storage.ts';

/** Each thread's log of durable events, messages among them (`storage.log`). */
export interface LogStore {
  /** Idempotent on (thread, sender, client_message_id): see {@link CommitResult}. */
  commitMessage(input: NewMessage): Promise<CommitResult>;
  appendEvent(threadId: string, input: NewEvent): Promise<ThreadEvent>;
  /** Events with seq > afterSeq, ascending; `hasMore` when the log goes on past `limit`. */
  list(threadId: string, afterSeq: number, limit: number): Promise<{ events: ThreadEvent[]; hasMore: boolean }>;
}
