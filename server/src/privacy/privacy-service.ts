import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SenderId } from '../../../src/core/protocol/model.ts';
import type { AttachmentService } from '../attachments/attachment-service.ts';
import type { Storage } from '../storage/storage.ts';
import type { AuditEntry, ErasureMark, VisitorSummary } from '../storage/stores/privacy-store.ts';
import { exportVisitor } from './visitor-export.ts';
import { auditAgentOf, auditEntry, SYSTEM_ACTOR, type AuditInput } from './audit-entry.ts';
import type { ThreadService } from '../threads/thread-service.ts';

/**
 * Rows (events with their messages, or search entries) deleted by an erasure's first transaction
 * of each kind. Each next transaction's size follows from how long the last one took, towards
 * {@link ERASE_CHUNK_TARGET_MS}, within {@link ERASE_CHUNK_MIN_ROWS}..{@link ERASE_CHUNK_MAX_ROWS}.
 */
export const ERASE_CHUNK_ROWS = 100;
/** The fewest rows a chunk deletes, however slow the database: an erasure always moves on. */
export const ERASE_CHUNK_MIN_ROWS = 10;
/** The most rows a chunk deletes, however fast the database. */
export const ERASE_CHUNK_MAX_ROWS = 2_000;
/**
 * How long one erasure transaction should hold the write lock (SQLite) or its rows' locks and the
 * event loop (PostgreSQL): other threads' commits wait at most about that long behind an erasure
 * (budget: 50 ms; `npm run bench:privacy` measures it on both databases).
 */
export const ERASE_CHUNK_TARGET_MS = 8;
/**
 * How long an erasure waits for the thread's webhooks to deliver `thread_deleted` before the
 * thread goes (a receiver that is down misses it: its subscription goes with the thread).
 */
export const WEBHOOK_FAREWELL_WAIT_MS = 5_000;
/** How often the wait above looks at the subscriptions' cursors. */
const WEBHOOK_FAREWELL_POLL_MS = 25;
/** Erasures a crash left unfinished that one resume round takes at most; the next round takes the rest. */
const RESUME_BATCH = 100;

/**
 * Runs `step` (deletes up to `rows` rows in one transaction, says how many went) until it deletes
 * nothing, sizing each transaction by the time the last one took (see {@link ERASE_CHUNK_TARGET_MS}).
 * Between transactions, whatever else waits (other threads' commits, requests) goes first.
 */
async function inChunks(step: (rows: number) => Promise<number>): Promise<void> {
  let rows = ERASE_CHUNK_ROWS;
  for (;;) {
    const started = performance.now();
    const deleted = await step(rows);
    if (deleted === 0) return;
    const tookMs = Math.max(performance.now() - started, 0.1);
    // At most twice or half the last size: one slow or fast transaction (a busy machine) does not swing it far.
    const next = Math.min(rows * 2, Math.max(rows / 2, (rows * ERASE_CHUNK_TARGET_MS) / tookMs));
    rows = Math.round(Math.min(ERASE_CHUNK_MAX_ROWS, Math.max(ERASE_CHUNK_MIN_ROWS, next)));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The audit actor (CONTRACT §14: `user:<uuid>`, `admin` or `system`) of whoever erased: a user
 * is themselves; a visitor erasing themselves and the retention sweep are the system (the
 * visitor is named by id in the entry's `details.requested_by`, never by email or name).
 */
function auditActorOf(by: SenderId): string {
  return by.startsWith('user:') ? by : SYSTEM_ACTOR;
}

/** Why a thread was erased: the `reason` of its `thread_deleted` event (CONTRACT §14). */
export type ErasureReason = 'erased_by_owner' | 'erased_by_visitor' | 'retention';

/** A visitor on the wire (CONTRACT §14 "find"). */
export function visitorWire(visitor: VisitorSummary) {
  return {
    id: visitor.id,
    sender_id: `visitor:${visitor.id}`,
    email: visitor.email,
    name: visitor.name,
    verified: visitor.verified,
    sub: visitor.sub,
    created_at: visitor.createdAt,
    last_seen_at: visitor.lastSeenAt,
    thread_ids: visitor.threadIds,
  };
}

/**
 * Export and erasure of a visitor (CONTRACT §14). An erasure goes in this order, so that
 * whoever is watching learns of it and nothing is readable half-way:
 * 1. each thread commits `thread_deleted {reason}` with its erasure mark, in one transaction
 *    that also takes it from its users (open sockets and webhooks hear of it; every read path
 *    finds it gone from here on); the first one ends the visitor's tokens, resume links and
 *    waiting follow-up, and their sockets close on every process;
 * 2. once the webhooks delivered it (or {@link WEBHOOK_FAREWELL_WAIT_MS}), each thread loses its
 *    webhooks, then its search entries in chunks, its attachments (rows and bytes), its log in
 *    chunks (each chunk about {@link ERASE_CHUNK_TARGET_MS} of the database's time), then the
 *    rest and the thread row;
 * 3. the visitor row and the marks, with the audit entry.
 * An erasure cut short (a crash) is finished from its marks by {@link resumeErasures} (the
 * retention sweeper's turn, on one process): every step deletes what is still there, and the
 * audit entry is written once, with the marks' deletion.
 */
export class PrivacyService {
  constructor(
    private readonly storage: Storage,
    private readonly threads: ThreadService,
    private readonly attachments: AttachmentService,
    private readonly log: FastifyBaseLogger,
    /** Closes the sockets opened with the visitor's tokens, on every process. */
    private readonly visitorTokensRevoked: (visitorId: string) => void,
  ) {}

  /**
   * Appends to the audit log (CONTRACT §14) what changes nothing in the database (an export, an
   * admin command that reads). Ids only: never content, a secret, or a visitor's email or name.
   * Throws when it could not be written: what it records is not done unrecorded.
   */
  async audit(entry: AuditInput): Promise<void> {
    await this.storage.privacy.appendAudit(auditEntry(entry));
  }

  /**
   * Erases the visitor and every thread they started. `by` is who asked (the sender of each
   * `thread_deleted`); `address` the client address of the request (none for retention and the
   * admin CLI). The audit entry is written with the visitor row's deletion, the erasure's last
   * step. Returns how many threads went. A thread marked already (an erasure of the visitor
   * under way, or cut short) keeps its farewell, and the erasure goes on from there.
   */
  async eraseVisitor(
    visitor: VisitorSummary,
    reason: ErasureReason,
    by: SenderId,
    origin: { address?: string | null; actor?: string } = {},
  ): Promise<number> {
    const actor = origin.actor ?? auditActorOf(by);
    const address = origin.address ?? null;
    const marks = new Map<string, ErasureMark>();
    for (const mark of await this.storage.privacy.erasureMarksOf(visitor.id)) marks.set(mark.threadId, mark);
    for (const threadId of visitor.threadIds) {
      if (marks.has(threadId)) continue;
      const mark = await this.commitFarewell(threadId, { visitorId: visitor.id, agentId: visitor.agentId, reason, by, actor, address });
      if (mark) marks.set(threadId, mark);
    }
    await this.finishVisitor(visitor.id, [...marks.values()], { agentId: visitor.agentId, reason, by, actor, address });
    return marks.size;
  }

  /**
   * Erases one thread of a visitor (retention): `thread_deleted` first, then the thread. The
   * visitor's open thread is erased only with the whole visitor (see the retention sweeper).
   */
  async eraseOneThread(threadId: string, reason: ErasureReason, by: SenderId): Promise<boolean> {
    const thread = await this.storage.threads.get(threadId);
    if (!thread) return false;
    const mark = await this.commitFarewell(threadId, {
      visitorId: null,
      agentId: auditAgentOf(thread.participants),
      reason,
      by,
      actor: auditActorOf(by),
      address: null,
    });
    if (!mark) return false;
    await this.finishThread(mark);
    return true;
  }

  /**
   * Finishes the erasures a crash (or a stopped process) left marked for longer than the
   * farewell wait: the retention sweeper's turn calls it, on the one process holding its
   * lease. `keepGoing` is asked before each thread (the lease still held, not stopping).
   * Returns how many threads went, and when the next mark not yet due will be (epoch ms), if any.
   */
  async resumeErasures(now: number, keepGoing: () => Promise<boolean>): Promise<{ erased: number; nextDueAt: number | null }> {
    const stale = await this.storage.privacy.staleErasureMarks(now - WEBHOOK_FAREWELL_WAIT_MS, RESUME_BATCH);
    const visitors = new Set<string>();
    let erased = 0;
    for (const mark of stale) {
      if (!(await keepGoing())) return { erased, nextDueAt: null };
      if (mark.visitorId === null) {
        this.log.warn({ thread_id: mark.threadId, reason: mark.reason }, 'finishing a thread erasure cut short');
        await this.finishThread(mark);
        erased++;
        continue;
      }
      if (visitors.has(mark.visitorId)) continue;
      visitors.add(mark.visitorId);
      this.log.warn({ visitor_id: mark.visitorId, reason: mark.reason }, 'finishing a visitor erasure cut short');
      erased += await this.resumeVisitor(mark);
    }
    if (stale.length >= RESUME_BATCH) return { erased, nextDueAt: now };
    // A mark written less than the farewell wait ago may be an erasure under way: its turn comes once the wait passed.
    const [next] = await this.storage.privacy.staleErasureMarks(now, 1);
    return { erased, nextDueAt: next ? Math.max(now, Date.parse(next.markedAt) + WEBHOOK_FAREWELL_WAIT_MS) : null };
  }

  /** Finishes the erasure of the visitor of `mark` as the one that began it would have (its farewells not yet committed too). */
  private async resumeVisitor(mark: ErasureMark): Promise<number> {
    const visitorId = mark.visitorId!;
    const origin = { address: mark.address, actor: mark.actor };
    const visitor = mark.agentId ? await this.storage.privacy.visitor(mark.agentId, visitorId) : undefined;
    if (visitor) return this.eraseVisitor(visitor, mark.reason as ErasureReason, mark.by as SenderId, origin);
    // The visitor row went with their open thread: every farewell was committed, only the marks say what is left.
    const marks = await this.storage.privacy.erasureMarksOf(visitorId);
    await this.finishVisitor(visitorId, marks, { agentId: mark.agentId, reason: mark.reason, by: mark.by, ...origin });
    return marks.length;
  }

  /** Commits the thread's farewell with its mark and tells everyone watching; undefined when there is no such thread. */
  private async commitFarewell(threadId: string, mark: Omit<ErasureMark, 'threadId' | 'farewellSeq' | 'markedAt'>) {
    // Read before the commit: from the mark on, the thread is not found.
    const thread = await this.storage.threads.get(threadId);
    if (!thread) return undefined;
    const committed = await this.storage.privacy.commitFarewell(threadId, mark);
    if (!committed) return undefined;
    if (mark.visitorId) this.visitorTokensRevoked(mark.visitorId);
    await this.threads.announce(thread, committed.event);
    return committed.mark;
  }

  /** Erases the marked threads of a visitor's erasure, then the visitor row and the marks, with the audit entry. */
  private async finishVisitor(
    visitorId: string,
    marks: ErasureMark[],
    audit: { agentId: string | null; reason: string; by: string; actor: string; address: string | null },
  ): Promise<void> {
    await this.storage.privacy.forgetVisitorAccess(visitorId);
    this.visitorTokensRevoked(visitorId);
    for (const mark of marks) await this.eraseThread(mark);
    await this.storage.privacy.eraseVisitor(
      visitorId,
      auditEntry({
        agentId: audit.agentId,
        actor: audit.actor,
        action: 'visitor.erased',
        target: `visitor:${visitorId}`,
        details: {
          reason: audit.reason,
          thread_ids: marks.map((mark) => mark.threadId),
          ...(audit.by.startsWith('visitor:') ? { requested_by: audit.by } : {}),
        },
        address: audit.address,
      }),
    );
    this.log.info({ visitor_id: visitorId, threads: marks.length, reason: audit.reason }, 'visitor erased');
  }

  /** Erases a thread erased alone (retention) from its mark, with its audit entry. */
  private async finishThread(mark: ErasureMark): Promise<void> {
    await this.eraseThread(
      mark,
      auditEntry({
        agentId: mark.agentId,
        actor: mark.actor,
        action: 'thread.erased',
        target: `thread:${mark.threadId}`,
        details: { reason: mark.reason },
      }),
    );
    this.log.info({ thread_id: mark.threadId, reason: mark.reason }, 'thread erased');
  }

  /** Erases one thread whose `thread_deleted` (with its mark) is committed. */
  private async eraseThread(mark: ErasureMark, audit?: AuditEntry): Promise<void> {
    const threadId = mark.threadId;
    // The wait counts from the farewell: a resumed erasure does not wait again.
    await this.awaitWebhooks(threadId, mark.farewellSeq, Date.parse(mark.markedAt) + WEBHOOK_FAREWELL_WAIT_MS);
    await this.storage.privacy.closeThread(threadId);
    await inChunks((rows) => this.storage.privacy.eraseSearchChunk(threadId, rows));
    // The index rewritten without them (its words leave the file), a step per transaction.
    for (let start = true; await this.storage.privacy.compactSearchStep(start); start = false) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.attachments.deleteThreadFiles(threadId);
    await inChunks((rows) => this.storage.privacy.eraseLogChunk(threadId, rows));
    // An upload or message that raced the erasure is taken by the last step; its files too.
    await this.attachments.deleteThreadFiles(threadId);
    await this.storage.privacy.eraseThread(threadId, audit);
  }

  /**
   * Erases one message (CONTRACT §14): its files (rows and bytes), then its words in storage,
   * then commits `message_deleted {message_id, by}` for everyone watching. False when there
   * was nothing left to erase (no such message, or erased already): nothing is committed.
   */
  async eraseMessage(threadId: string, messageId: string, by: SenderId): Promise<boolean> {
    const files = (await this.storage.attachments.ofThread(threadId)).filter((record) => record.messageId === messageId);
    await this.attachments.deleteFiles(files, false);
    if (!(await this.storage.privacy.eraseMessage(threadId, messageId))) return false;
    await this.threads.commitEvent(threadId, {
      eventType: 'message_deleted',
      senderId: by,
      content: null,
      data: { message_id: messageId, by },
    });
    return true;
  }

  /** Waits until every active webhook of the thread delivered up to `seq`, at most until `deadline` (epoch ms). */
  private async awaitWebhooks(threadId: string, seq: number, deadline: number): Promise<void> {
    for (;;) {
      const waiting = (await this.storage.webhooks.listActive(threadId)).filter((hook) => hook.deliveredSeq < seq);
      if (waiting.length === 0) return;
      if (Date.now() >= deadline) {
        this.log.warn(
          { thread_id: threadId, webhooks: waiting.length },
          'erasing a thread whose webhooks did not take thread_deleted in time',
        );
        return;
      }
      await sleep(WEBHOOK_FAREWELL_POLL_MS);
    }
  }

  /** The export document (CONTRACT §14), as chunks of JSON text; see {@link exportVisitor}. */
  exportVisitor(visitor: VisitorSummary, exportedAt: string): AsyncGenerator<string> {
    return exportVisitor(this.storage, visitor, exportedAt);
  }
}
