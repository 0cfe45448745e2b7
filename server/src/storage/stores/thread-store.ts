import type { Message, ParticipationMode, SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { NewThread, ThreadCursor, ThreadFilter, ThreadRecord } from '../storage.ts';

/** Threads, their participants and who sees them, with each reader's position (`storage.threads`). */
export interface ThreadStore {
  /** Creates a thread, commits a `participant_joined` event per participant, then the first message if any. */
  create(input: NewThread): Promise<{ thread: ThreadRecord; events: ThreadEvent[]; message: Message | null }>;
  get(id: string): Promise<ThreadRecord | undefined>;
  /** Users who see the thread in their inbox: user participants and, for public threads, the agent's owners. */
  audience(threadId: string): Promise<string[]>;
  /** Ids of every thread the user sees, for socket subscriptions. */
  userThreadIds(userId: string): Promise<string[]>;
  /** Ids of every thread a sender (an agent: `agent:<uuid>`) takes part in, for the agent socket (CONTRACT §15). */
  participantThreadIds(senderId: string): Promise<string[]>;
  /** A page of the user's threads, newest activity first; with the queue filters of {@link ThreadFilter} (`status: waiting`: longest waiting first). */
  userThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null; filter?: ThreadFilter }): Promise<ThreadRecord[]>;
  /** Whether the user sees the thread (cheap: no counting). */
  hasAccess(threadId: string, userId: string): Promise<boolean>;
  readState(threadId: string, userId: string): Promise<{ readSeq: number; unreadCount: number } | undefined>;
  /** Moves the user's read position forward (never back, never past the log); returns it. */
  markRead(threadId: string, userId: string, seq: number): Promise<number>;
  /** Changes the mode and commits `mode_changed`; null when the mode was already that. */
  setMode(threadId: string, mode: ParticipationMode, senderId: SenderId): Promise<ThreadEvent | null>;
}
