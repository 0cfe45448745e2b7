/**
 * What waits to be emailed to one visitor who left (CONTRACT §12 "Visitors who left"): the
 * replies from `fromSeq` on in their most recently answered thread, from `dueAt` on.
 */
export interface FollowUpRecord {
  visitorId: string;
  agentId: string;
  threadId: string;
  /** The seq of the first reply not yet seen in that thread. */
  fromSeq: number;
  /** When the email is due (epoch ms); null: nothing waits. */
  dueAt: number | null;
  /** Bumped by every schedule: finishing clears only what the worker saw when it claimed. */
  version: number;
  /** When the last follow-up email went out (epoch ms): at most one an hour. */
  lastSentAt: number | null;
  /** The thread and seq the last email covered up to: a reply evaluated again after a restart is not sent twice. */
  sentThreadId: string | null;
  sentUpToSeq: number | null;
}

export interface FollowUpSchedule {
  visitorId: string;
  agentId: string;
  threadId: string;
  /** The reply's seq. */
  seq: number;
  /** When it is due if still unseen (epoch ms). */
  dueAt: number;
}

/** The email that went out, recorded by {@link FollowUpStore.finish}. */
export interface FollowUpSent {
  at: number;
  threadId: string;
  upToSeq: number;
}

/** Visitor follow-ups and their leases (`storage.followUps`); one row per visitor. */
export interface FollowUpStore {
  /**
   * A reply waits for the visitor. One already waiting in the same thread keeps its earlier
   * first seq and due time (one email carries them all); one in another thread is replaced.
   * Idempotent: the same reply scheduled again (a batch evaluated twice) changes nothing but the version.
   */
  schedule(input: FollowUpSchedule): Promise<void>;
  /** Visitors with a follow-up due by `now` and no live lease, the earliest first. */
  due(now: number, limit: number): Promise<string[]>;
  /** Takes the lease of a due follow-up until `now + leaseMs`; undefined when not due or held by another process. */
  claim(visitorId: string, owner: string, now: number, leaseMs: number): Promise<FollowUpRecord | undefined>;
  /** Extends a held lease; false when it was lost. */
  renew(visitorId: string, owner: string, until: number): Promise<boolean>;
  /** Puts the follow-up off to `dueAt` (the hourly cap, a failed send) and releases the lease; false when it was lost. */
  postpone(visitorId: string, owner: string, dueAt: number): Promise<boolean>;
  /**
   * Ends the claimed follow-up (of `version`; one scheduled since stays due) and releases the
   * lease, recording the email when one went out. False when the lease was lost.
   */
  finish(visitorId: string, owner: string, version: number, sent: FollowUpSent | null): Promise<boolean>;
}
