import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { QueueCounts } from '../../../../src/core/protocol/ownership.ts';
import type { NewEvent, OwnershipState } from '../storage.ts';
import type { AuditEntry } from './privacy-store.ts';

/**
 * What an ownership change does, decided from the state read under the thread's lock:
 * the new state and the events that record it (committed in the same transaction).
 */
export interface OwnershipPlan {
  next: OwnershipState;
  events: NewEvent[];
  /** The audit entry of the change (CONTRACT §14), written in its transaction; none for most changes. */
  audit?: AuditEntry;
}

/** Decides a change from the current state at the time `at` (ISO) its events will carry; null: nothing to do (nothing is written). */
export type OwnershipDecision = (current: OwnershipState, at: string) => OwnershipPlan | null;

/** The outcome of {@link OwnershipStore.change}: the state after it and the events committed (none when nothing changed). */
export interface OwnershipChange {
  state: OwnershipState;
  events: ThreadEvent[];
}

/** [ext] Who owns each thread (CONTRACT §11): status, assignee, the paused agent (`storage.ownership`). */
export interface OwnershipStore {
  /**
   * Reads the thread's state with its row locked, asks `decide`, and writes the new state with
   * the plan's events (next seqs) in one transaction. Undefined when there is no such thread.
   */
  change(threadId: string, decide: OwnershipDecision): Promise<OwnershipChange | undefined>;
  /** The user's queue counts over the threads they see (`mine` and `unassigned` count open and waiting ones). */
  counts(userId: string): Promise<QueueCounts>;
  /** Ids of snoozed threads whose `snoozedUntil` is at or before `at` (ISO), at most `limit`. */
  dueSnoozes(at: string, limit: number): Promise<string[]>;
}
