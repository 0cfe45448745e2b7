/**
 * [ext] Who owns a thread (CONTRACT §11): its status and the durable events that change it.
 * Written once here; the model's event list and the REST shapes take them from this file.
 */

/** `open`: in conversation; `waiting`: a person is needed; `resolved`: done; `snoozed`: out of the queues until `snoozed_until`. */
export const THREAD_STATUSES = ['open', 'waiting', 'resolved', 'snoozed'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];

/** Work still to do: the statuses that Mine and Unassigned list and count (CONTRACT §11). */
export const ACTIVE_STATUSES: readonly ThreadStatus[] = ['open', 'waiting'];

/** The durable events of the ownership calls (CONTRACT §11), each committed with the change it records. */
export const OWNERSHIP_EVENT_TYPES = ['status_changed', 'assignee_changed', 'handoff', 'handback'] as const;

/** The ownership fields of every thread object (CONTRACT §11); [ext], so optional for clients. */
export interface ThreadOwnership {
  status: ThreadStatus;
  /** `user:<uuid>` or null. */
  assignee_id: string | null;
  agent_paused: boolean;
  /** Since when the thread waits for a person; null unless `waiting`. */
  waiting_since: string | null;
  /** When a snoozed thread opens again; null unless `snoozed`. */
  snoozed_until: string | null;
}

/** `GET /chat/threads/counts`: the caller's queues. `mine` and `unassigned` count open and waiting threads. */
export interface QueueCounts {
  waiting: number;
  mine: number;
  unassigned: number;
  open: number;
  resolved: number;
  snoozed: number;
}
