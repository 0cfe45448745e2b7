import type { FastifyBaseLogger } from 'fastify';
import type { Message, OwnedThread, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { QueueCounts, ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import { isUuid } from '../http/validation.ts';
import type { CommitFacts, Storage, ThreadRecord } from '../storage/storage.ts';
import type { OwnershipDecision } from '../storage/stores/ownership-store.ts';
import { afterMessage, handBack, requestPerson, setAssignee, setStatus, takeOver } from './ownership-rules.ts';
import type { Principal } from './principal.ts';
import type { ThreadService } from './thread-service.ts';
import { auditAgentOf, auditEntry } from '../privacy/audit-entry.ts';
import type { AuditEntry } from '../storage/stores/privacy-store.ts';

/** The decision with an audit entry written in its transaction, when it changes something (nothing is recorded otherwise). */
const audited =
  (decide: OwnershipDecision, audit: AuditEntry): OwnershipDecision =>
  (current, at) => {
    const plan = decide(current, at);
    return plan && { ...plan, audit };
  };

/**
 * The latest `snoozed_until` taken: the last instant with a four-digit year. The ISO text of a
 * later JavaScript date (`+010000-…`) is not a timestamp PostgreSQL parses (it answered 500),
 * nor text that SQLite orders among the others.
 */
const LATEST_SNOOZE_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** The status call's body (CONTRACT §11). */
export interface StatusInput {
  status: ThreadStatus;
  snoozed_until?: string | null;
}

/**
 * Who owns a thread (CONTRACT §11): the status and assignee calls, and what messages and
 * escalations do to the status. Every change is committed with its durable event by
 * `storage.ownership` and fanned out like any other event (sockets on every process, SSE,
 * webhooks).
 */
export class OwnershipService {
  constructor(
    private readonly storage: Storage,
    private readonly threads: ThreadService,
    private readonly log: FastifyBaseLogger,
    /** Stops a taken-over thread's runs (the agent runtime). */
    private readonly runs: { stopRunsOf(threadId: string): Promise<void> },
  ) {
    threads.onMessage((thread, message, facts) => this.afterMessage(thread, message, facts));
    threads.onEvent(async (event) => {
      if (event.event_type === 'escalation_created' && event.sender_id.startsWith('agent:')) await this.afterEscalation(event);
    });
  }

  /** A user who can read the thread (others: 403/404 as for any thread call); agents and visitors may not. */
  private async actor(principal: Principal, threadId: string): Promise<ThreadRecord> {
    const thread = await this.threads.access(principal, threadId);
    if (principal.kind !== 'user') {
      throw new ApiError('forbidden', 'Only people who can read the thread change who owns it; agents escalate instead.');
    }
    return thread;
  }

  /** `PUT /chat/threads/{id}/status`: 200 with the thread; the same status again commits nothing. */
  async setStatus(principal: Principal, threadId: string, input: StatusInput): Promise<OwnedThread> {
    await this.actor(principal, threadId);
    const now = Date.now();
    let snoozedUntil: string | null = null;
    if (input.status === 'snoozed') {
      const until = input.snoozed_until ? Date.parse(input.snoozed_until) : Number.NaN;
      if (Number.isNaN(until)) throw badRequest('snoozed_until is required with status "snoozed": an ISO-8601 time.');
      if (until <= now) throw badRequest('snoozed_until must be in the future.');
      if (until > LATEST_SNOOZE_MS) throw badRequest('snoozed_until must be before the year 10000.');
      snoozedUntil = new Date(until).toISOString();
    } else if (input.snoozed_until !== undefined && input.snoozed_until !== null) {
      throw badRequest('snoozed_until goes only with status "snoozed".');
    }
    return this.apply(principal, threadId, setStatus(input.status, { by: principal.senderId, snoozedUntil }));
  }

  /** `PUT /chat/threads/{id}/assignee`: `user:<uuid>` who can read the thread, or null; 400 otherwise. */
  async setAssignee(principal: Principal, threadId: string, assignee: string | null, address: string | null = null): Promise<OwnedThread> {
    const thread = await this.actor(principal, threadId);
    let userId: string | null = null;
    if (assignee !== null) {
      userId = assignee.startsWith('user:') && isUuid(assignee.slice(5)) ? assignee.slice(5).toLowerCase() : null;
      if (userId === null) throw badRequest('assignee_id must be "user:<uuid>" or null.');
      const user = await this.storage.users.get(userId);
      if (!user || user.disabled || !(await this.storage.threads.hasAccess(thread.id, userId))) {
        throw badRequest('The assignee must be a person who can read this thread.');
      }
    }
    const audit = auditEntry({
      agentId: auditAgentOf(thread.participants),
      actor: principal.senderId,
      action: 'thread.assigned',
      target: `thread:${thread.id}`,
      details: { assignee_id: userId === null ? null : `user:${userId}` },
      address,
    });
    return this.apply(principal, threadId, audited(setAssignee(userId, principal.senderId), audit));
  }

  /**
   * `POST /chat/public/{slug}/threads/{id}/handoff-request` (the visitor's token checked by the
   * route): true when it committed the escalation and `waiting`, false while the thread already waited.
   */
  async requestPerson(principal: Principal, threadId: string): Promise<{ committed: boolean; thread: ThreadRecord }> {
    if (principal.kind !== 'visitor') throw new ApiError('forbidden', 'Only the visitor of a conversation asks for a person here.');
    await this.threads.access(principal, threadId);
    const events = await this.commit(threadId, requestPerson(principal.senderId));
    const thread = await this.storage.threads.get(threadId);
    if (!thread) throw notFound('The conversation');
    return { committed: events.length > 0, thread };
  }

  /**
   * `POST /chat/threads/{id}/takeover`: the caller becomes assignee, the agent pauses, the thread
   * opens (`handoff`); then every run of the thread stops at once, on whichever process runs it.
   */
  async takeOver(principal: Principal, threadId: string, address: string | null = null): Promise<OwnedThread> {
    const thread = await this.actor(principal, threadId);
    const user = await this.storage.users.get(principal.id);
    const decision = takeOver({ senderId: principal.senderId, id: principal.id, name: user?.name ?? principal.name });
    const audit = auditEntry({
      agentId: auditAgentOf(thread.participants),
      actor: principal.senderId,
      action: 'thread.taken_over',
      target: `thread:${thread.id}`,
      address,
    });
    await this.commit(threadId, audited(decision, audit));
    await this.runs.stopRunsOf(threadId);
    return this.answer(principal, threadId);
  }

  /** `POST /chat/threads/{id}/handback`: the agent answers again (`handback`); nothing while it is not paused. */
  async handBack(principal: Principal, threadId: string): Promise<OwnedThread> {
    await this.actor(principal, threadId);
    return this.apply(principal, threadId, handBack(principal.senderId));
  }

  /** `GET /chat/threads/counts`. */
  counts(userId: string): Promise<QueueCounts> {
    return this.storage.ownership.counts(userId);
  }

  /** Runs a decision, publishes its events and answers the thread as the caller sees it. */
  private async apply(principal: Principal, threadId: string, decide: OwnershipDecision): Promise<OwnedThread> {
    await this.commit(threadId, decide);
    return this.answer(principal, threadId);
  }

  /** The thread as the caller sees it now. */
  private async answer(principal: Principal, threadId: string): Promise<OwnedThread> {
    const thread = await this.storage.threads.get(threadId);
    if (!thread) throw notFound('The thread');
    return this.threads.toWire(thread, principal.kind === 'user' ? principal.id : null);
  }

  /** Commits a decision and fans its events out; the events committed (none when nothing changed). */
  async commit(threadId: string, decide: OwnershipDecision): Promise<ThreadEvent[]> {
    const change = await this.storage.ownership.change(threadId, decide);
    if (!change || change.events.length === 0) return [];
    const thread = await this.storage.threads.get(threadId);
    if (thread) for (const event of change.events) this.threads.publishCommitted(thread, event, null);
    return change.events;
  }

  /**
   * A user's message ends `waiting`; anyone else's reopens a resolved or snoozed thread. The
   * status the commit read spares the locking transaction when the message changes nothing
   * (nearly always); that transaction decides again.
   */
  private async afterMessage(thread: ThreadRecord, message: Message, facts: CommitFacts): Promise<void> {
    const rule = afterMessage(message.sender_id);
    if (!rule.from.includes(facts.status)) return;
    try {
      await this.commit(thread.id, rule.decide);
    } catch (error) {
      // The message is committed; the status stays as it was, which the next change corrects.
      this.log.error({ err: error, thread_id: thread.id }, 'changing the status after a message failed');
    }
  }

  /** An agent's `escalation_created` puts the thread in the waiting queue (by the agent). */
  private async afterEscalation(event: ThreadEvent): Promise<void> {
    try {
      await this.commit(event.thread_id, setStatus('waiting', { by: event.sender_id }));
    } catch (error) {
      this.log.error({ err: error, thread_id: event.thread_id }, 'setting waiting after an escalation failed');
    }
  }
}
