import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SenderId } from '../../../src/core/protocol/model.ts';
import type { AttachmentService } from '../attachments/attachment-service.ts';
import type { Storage } from '../storage/storage.ts';
import type { AuditEntry, VisitorSummary } from '../storage/stores/privacy-store.ts';
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
 * 1. each thread commits `thread_deleted {reason}` (open sockets and webhooks hear of it);
 * 2. the visitor's tokens, resume links and waiting follow-up go, and their sockets close on
 *    every process;
 * 3. once the webhooks delivered it (or {@link WEBHOOK_FAREWELL_WAIT_MS}), each thread loses its
 *    readers and webhooks (search and every read path need access from here on), then its search
 *    entries in chunks, its attachments (rows and bytes), its log in chunks (each chunk about
 *    {@link ERASE_CHUNK_TARGET_MS} of the database's time), then the rest and the thread row;
 * 4. the visitor row.
 * An erasure cut short (a crash) can be run again: every step deletes what is still there.
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
   * step. Returns how many threads went.
   */
  async eraseVisitor(
    visitor: VisitorSummary,
    reason: ErasureReason,
    by: SenderId,
    origin: { address?: string | null; actor?: string } = {},
  ): Promise<number> {
    const farewells = new Map<string, number>();
    for (const threadId of visitor.threadIds) {
      const thread = await this.storage.threads.get(threadId);
      if (!thread) continue;
      const event = await this.threads.commitEvent(threadId, {
        eventType: 'thread_deleted',
        senderId: by,
        content: null,
        data: { reason },
      });
      farewells.set(threadId, event.thread_seq);
    }
    await this.storage.privacy.forgetVisitorAccess(visitor.id);
    this.visitorTokensRevoked(visitor.id);
    for (const [threadId, seq] of farewells) await this.eraseThread(threadId, seq);
    await this.storage.privacy.eraseVisitor(
      visitor.id,
      auditEntry({
        agentId: visitor.agentId,
        actor: origin.actor ?? auditActorOf(by),
        action: 'visitor.erased',
        target: `visitor:${visitor.id}`,
        details: { reason, thread_ids: [...farewells.keys()], ...(by.startsWith('visitor:') ? { requested_by: by } : {}) },
        address: origin.address ?? null,
      }),
    );
    this.log.info({ visitor_id: visitor.id, threads: farewells.size, reason }, 'visitor erased');
    return farewells.size;
  }

  /**
   * Erases one thread of a visitor (retention): `thread_deleted` first, then the thread. The
   * visitor's open thread is erased only with the whole visitor (see the retention sweeper).
   */
  async eraseOneThread(threadId: string, reason: ErasureReason, by: SenderId): Promise<boolean> {
    const thread = await this.storage.threads.get(threadId);
    if (!thread) return false;
    const event = await this.threads.commitEvent(threadId, { eventType: 'thread_deleted', senderId: by, content: null, data: { reason } });
    await this.eraseThread(
      threadId,
      event.thread_seq,
      auditEntry({
        agentId: auditAgentOf(thread.participants),
        actor: auditActorOf(by),
        action: 'thread.erased',
        target: `thread:${threadId}`,
        details: { reason },
      }),
    );
    this.log.info({ thread_id: threadId, reason }, 'thread erased');
    return true;
  }

  /** Erases one thread whose `thread_deleted` (at `farewellSeq`) is committed. */
  private async eraseThread(threadId: string, farewellSeq: number, audit?: AuditEntry): Promise<void> {
    await this.awaitWebhooks(threadId, farewellSeq);
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

  /** Waits until every active webhook of the thread delivered up to `seq`, at most {@link WEBHOOK_FAREWELL_WAIT_MS}. */
  private async awaitWebhooks(threadId: string, seq: number): Promise<void> {
    const deadline = Date.now() + WEBHOOK_FAREWELL_WAIT_MS;
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
