import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';

/** One visitor as an owner finds them (CONTRACT §14 "find"): their labels and every thread they started. */
export interface VisitorSummary {
  id: string;
  agentId: string;
  email: string | null;
  name: string | null;
  verified: boolean;
  /** The website's id for the person (identity token); null for anonymous visitors. */
  sub: string | null;
  createdAt: string;
  /** The latest use of any of their tokens; null when they hold none any more. */
  lastSeenAt: string | null;
  /** Every thread they started (their open one among them), oldest first. */
  threadIds: string[];
}

/** A message as its deletion needs it: who wrote it, where it is, whether it is erased already. */
export interface MessageOrigin {
  senderId: string;
  threadSeq: number;
  deleted: boolean;
}

/** A visitor thread past its agent's retention (CONTRACT §14). */
export interface ExpiredThread {
  threadId: string;
  visitorId: string;
  agentId: string;
  /** Whether it is the visitor's open thread (the one resolve resumes). */
  open: boolean;
}

/** One entry of the audit log (CONTRACT §14): names people by id only, holds no content or secret. */
export interface AuditEntry {
  id: string;
  /** The agent it concerns; null for what concerns no agent. */
  agentId: string | null;
  at: string;
  /** `user:<uuid>`, `admin` or `system`. */
  actor: string;
  action: string;
  /** What was acted on, by id (`visitor:<uuid>`, `thread:<uuid>`, `agent:<uuid>`). */
  target: string;
  details: Record<string, unknown>;
  /** The client address of the request; null for the system and the admin CLI. */
  address: string | null;
}

/**
 * A thread being erased (CONTRACT §14): written with its `thread_deleted`, in the same
 * transaction, and gone with the thread row (a thread erased alone) or with the visitor row (a
 * visitor's erasure). While it is there the thread is gone for every reader (not found, no
 * reader, in no list, count or search) and only its webhooks still read its log, to deliver the
 * farewell. A mark older than the farewell wait that is still there is an erasure a crash cut
 * short: the retention sweeper finishes it, from what the mark says.
 */
export interface ErasureMark {
  threadId: string;
  /** The visitor whose erasure this thread is part of; null for a thread erased alone (retention). */
  visitorId: string | null;
  /** The agent the audit entry concerns (owners read it there); null for none. */
  agentId: string | null;
  /** The `reason` of the `thread_deleted` event. */
  reason: string;
  /** Who asked: the sender of the `thread_deleted` event. */
  by: string;
  /** The audit entry's actor (`user:<uuid>`, `admin` or `system`). */
  actor: string;
  /** The client address of the request that asked; null for the system and the admin CLI. */
  address: string | null;
  /** The seq of the thread's `thread_deleted` event: its webhooks are waited for up to it. */
  farewellSeq: number;
  markedAt: string;
}

/** What the erasure says of a mark; the farewell's seq and the time are the commit's. */
export type NewErasureMark = Omit<ErasureMark, 'threadId' | 'farewellSeq' | 'markedAt'>;

/** What an owner looks a visitor up by; at least one is given. */
export interface VisitorQuery {
  email?: string;
  sub?: string;
  threadId?: string;
}

/**
 * Privacy operations (CONTRACT §14, `storage.privacy`): finding a visitor, and erasing them and
 * their threads in short transactions, so that other threads' commits never wait long behind
 * an erasure. The erasure itself (what order, what is announced first) is the privacy
 * service's; each method here is one atomic step of it.
 */
export interface PrivacyStore {
  /** The agent's visitors matching every given field (email without regard to case), at most `limit`. */
  findVisitors(agentId: string, query: VisitorQuery, limit: number): Promise<VisitorSummary[]>;
  /** One of the agent's visitors; undefined for another agent's or an unknown one. */
  visitor(agentId: string, visitorId: string): Promise<VisitorSummary | undefined>;
  /**
   * Ends every way back in for the visitor, in one transaction: their visitor tokens, resume
   * links and the follow-up email waiting for them. The visitor row stays until the end.
   */
  forgetVisitorAccess(visitorId: string): Promise<void>;
  /**
   * Commits the thread's `thread_deleted {reason}` (sent by `mark.by`) and its {@link ErasureMark}
   * in one transaction, which also takes the thread from its users (inbox rows: lists, counts
   * and search lose it at once; its webhooks keep delivering it). Undefined, with nothing
   * written, when there is no such thread or it is marked already.
   */
  commitFarewell(threadId: string, mark: NewErasureMark): Promise<{ event: ThreadEvent; mark: ErasureMark } | undefined>;
  /** The thread's erasure mark, if it is being erased. */
  erasureMark(threadId: string): Promise<ErasureMark | undefined>;
  /** The marks of the visitor's erasure, oldest first. */
  erasureMarksOf(visitorId: string): Promise<ErasureMark[]>;
  /** Marks written before `markedBefore` (epoch ms), oldest first, at most `limit`: erasures left unfinished. */
  staleErasureMarks(markedBefore: number, limit: number): Promise<ErasureMark[]>;
  /**
   * Takes the thread from its readers and its subscriptions (inbox rows, webhooks) in one
   * transaction: called once `thread_deleted` went out. Search reads only threads a user has
   * access to, so the thread's entries are unfindable from here on; {@link eraseSearchChunk}
   * then deletes them.
   */
  closeThread(threadId: string): Promise<void>;
  /**
   * Deletes up to `maxEntries` of the thread's message index entries in one transaction; how many
   * went (0: none left). Their words may stay in the file until {@link compactSearchStep} is done.
   */
  eraseSearchChunk(threadId: string, maxEntries: number): Promise<number>;
  /** Deletes up to `maxEvents` of the thread's oldest events with their messages; how many went (0: the log is empty). */
  eraseLogChunk(threadId: string, maxEvents: number): Promise<number>;
  /**
   * Deletes what is left of the thread, in one transaction: the rest of its log, its
   * participants, approvals, runs, notifications and their queued deliveries, and the thread
   * row; a visitor whose open thread it is goes with it. Nothing when it is already gone. The
   * audit entry (a thread erased alone, by retention) is written in the same transaction, when the thread was there,
   * and the thread's erasure mark goes with it when it is not part of a visitor's erasure (that one's go with the visitor).
   */
  eraseThread(threadId: string, audit?: AuditEntry): Promise<void>;
  /**
   * One bounded step of rewriting the message index without what {@link eraseSearchChunk} left
   * in it (SQLite's FTS5 keeps the words of entries deleted in bulk until their segments merge):
   * `start` begins a rewrite, later steps continue it; true while work remains. Called after a
   * thread's entries went, before its log goes (the log's per-event lookups are then cheap).
   */
  compactSearchStep(start: boolean): Promise<boolean>;
  /**
   * Deletes the visitor row, whatever of their access is left and the erasure marks of their
   * threads, with the erasure's audit entry in the same transaction when any of these was there
   * (an erasure finished twice, by a resume and the process that began it, records it once).
   */
  eraseVisitor(visitorId: string, audit?: AuditEntry): Promise<void>;
  /**
   * Visitor threads of agents with a retention whose last activity is older than it at `now`
   * (epoch ms), at most `limit`, oldest activity first.
   */
  expiredThreads(now: number, limit: number): Promise<ExpiredThread[]>;
  /** Takes or renews the retention sweep's lease for `owner`: true when it is theirs until now + leaseMs. */
  takeRetentionLease(owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Takes or renews the lease of finishing unfinished erasures for `owner`: true when it is theirs until now + leaseMs. */
  takeErasureResumeLease(owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Appends an entry to the audit log. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The agent's audit entries, newest first, before the cursor (an entry's position), of one action when given. */
  auditEntries(
    agentId: string,
    page: { before: number | null; action: string | null; limit: number },
  ): Promise<{ entries: AuditEntry[]; next: number | null }>;
  /** Every agent's audit entries (or one agent's), newest first, before the cursor: what the admin CLI's `audit` prints. */
  allAuditEntries(page: {
    agentId: string | null;
    before: number | null;
    limit: number;
  }): Promise<{ entries: AuditEntry[]; next: number | null }>;
  /** The message of the thread, if any. */
  message(threadId: string, messageId: string): Promise<MessageOrigin | undefined>;
  /**
   * Erases one message's words in one transaction (CONTRACT §14 "Deleting one message"): its
   * content and mentions (the message row and its `message_committed` event, which then reads
   * `content: ""` and `data.deleted: true`; the log keeps its seq), its attachments' rows, its
   * search entry, the notifications that quote it and the thread's preview when it was the last
   * message. False when there was no such message or it was erased already.
   */
  eraseMessage(threadId: string, messageId: string): Promise<boolean>;
}
