import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import { hashResumeToken, newResumeToken, RESUME_TOKEN_TTL_MS } from '../auth/resume-tokens.ts';
import type { AgentRecord, Storage, ThreadRecord, VisitorRecord } from '../storage/storage.ts';
import type { FollowUpRecord, FollowUpSent } from '../storage/stores/follow-up-store.ts';
import { visitorSenderId } from '../threads/principal.ts';
import { TEAM_ONLY_EVENT_TYPES } from '../threads/public-event.ts';
import { composeFollowUpEmail, type FollowUpReply } from './follow-up-email.ts';
import { followUpWords } from './follow-up-words.ts';
import { messageWithFiles } from './message-text.ts';
import { PermanentMailError, type MailTransport } from './mail-transport.ts';

/** Every this often, each process looks for follow-ups that are due and not leased. */
export const FOLLOW_UP_POLL_MS = 1_000;
/** At most one follow-up email per visitor this often (CONTRACT §12). */
export const FOLLOW_UP_CAP_MS = 60 * 60_000;
/** After a send that may work on another try (SMTP away, a full disk), the follow-up waits this long. */
export const FOLLOW_UP_RETRY_MS = 60_000;
/** The newest replies an email quotes at most; the link opens the rest. */
export const FOLLOW_UP_MAX_REPLIES = 20;
/**
 * A reply counts as seen when the visitor's widget stayed open on the thread at least this long
 * after it came. Shorter is a reply that came as they were leaving: a page closed just before
 * (its socket's close not yet arrived) or just after, with no time to read it.
 */
export const SEEN_AFTER_REPLY_MS = 3_000;
/** Follow-ups taken up per poll at most; the rest wait for the next poll. */
const DUE_BATCH = 50;
/** Events read from the log at a time while collecting the unseen replies, and how many pages at most. */
const LOG_PAGE = 200;
const LOG_PAGES = 10;
/** How often resume tokens that expired a week ago are forgotten (until then a late click hears "expired", not "unknown"). */
const PRUNE_EVERY_MS = 60 * 60_000;

/** What the follow-up worker needs. */
export interface FollowUpDeps {
  storage: Storage;
  log: FastifyBaseLogger;
  transport: MailTransport;
  leaseMs: number;
  /** `VISITOR_FOLLOW_UP_DELAY_MS`: how long a reply stays unseen before it is emailed. */
  delayMs: number;
  /** Who focuses a thread now, on any process (a visitor's open widget focuses their thread). */
  viewers: (threadId: string) => string[];
  /** When a sender last stopped focusing a thread on every process, if this process knows (live-signals.ts). */
  leftAt: (threadId: string, senderId: string) => number | undefined;
}

/** A message from the agent or a user: what a visitor may be told by email. Notes and other team-only events never are. */
export const isReply = (event: ThreadEvent): boolean =>
  event.event_type === 'message_committed' &&
  !TEAM_ONLY_EVENT_TYPES.has(event.event_type) &&
  (event.sender_id.startsWith('agent:') || event.sender_id.startsWith('user:'));

const isVisitorMessage = (event: ThreadEvent): boolean =>
  event.event_type === 'message_committed' && event.sender_id.startsWith('visitor:');

type Outcome = { sent: FollowUpSent } | { postpone: number } | 'nothing';

/**
 * Emails visitors who left the replies they did not see (CONTRACT §12 "Visitors who left").
 * The notifier hands each batch of a public thread's log to {@link consider} (before it moves
 * its cursor, so a batch evaluated again schedules again, which changes nothing): a reply
 * from the agent or a user schedules the visitor's follow-up `delayMs` later. Whichever
 * process is up takes a due follow-up's lease, checks (the agent's switch and website, the
 * visitor's email, whether they wrote since, whether their widget is open on the thread now
 * or was for {@link SEEN_AFTER_REPLY_MS} after a reply), and sends one email with the unseen replies and a one-time
 * resume link, at most one per visitor per {@link FOLLOW_UP_CAP_MS}. The follow-up ends only
 * after the email went out, so a process killed mid-send leaves it to the next (at least once).
 */
export class VisitorFollowUps {
  /** This process's name on the leases it holds. */
  readonly owner = randomUUID();
  private readonly working = new Set<string>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  private lastPrune = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: FollowUpDeps) {}

  start(): void {
    if (this.stopped || this.poller) return;
    this.poller = setInterval(() => void this.poll(), FOLLOW_UP_POLL_MS);
    void this.poll();
  }

  /**
   * A batch of a thread's log was evaluated: schedules a follow-up for its replies the visitor is
   * not looking at. `thread` is the thread as the notifier read it for the batch (undefined:
   * gone), so a busy thread's participants are not read again.
   */
  async consider(events: readonly ThreadEvent[], thread: ThreadRecord | undefined): Promise<void> {
    const replies = events.filter(isReply);
    if (replies.length === 0) return;
    const { storage } = this.deps;
    if (!thread || thread.kind !== 'public') return;
    const threadId = thread.id;
    const agentParticipant = thread.participants.find((participant) => participant.sender_id.startsWith('agent:'));
    if (!agentParticipant) return;
    const agent = await storage.agents.get(agentParticipant.sender_id.slice('agent:'.length));
    if (!agent?.emailFollowUp) return;
    const visitor = thread.visitor ?? (await storage.visitors.ofThread(threadId));
    if (!visitor?.email) return;
    // A reply after the visitor's last message in this batch: they saw the earlier ones.
    const lastVisitor = events.findLastIndex(isVisitorMessage);
    const unseen = replies.filter((reply) => events.indexOf(reply) > lastVisitor);
    if (unseen.length === 0) return;
    // Scheduled even while the visitor's widget shows the thread: whether they saw it is decided
    // when the email is due (followUp), as their presence now may be a page that just closed.
    const first = unseen[0]!;
    await storage.followUps.schedule({
      visitorId: visitor.id,
      agentId: agent.id,
      threadId,
      seq: first.thread_seq,
      dueAt: Date.parse(first.created_at) + this.deps.delayMs,
    });
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const now = Date.now();
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = now;
        await this.deps.storage.resumeTokens.prune(new Date(now - RESUME_TOKEN_TTL_MS).toISOString());
      }
      for (const visitorId of await this.deps.storage.followUps.due(now, DUE_BATCH)) {
        if (this.stopped) break;
        if (this.working.has(visitorId)) continue;
        this.working.add(visitorId);
        const work = this.work(visitorId)
          .catch((error: unknown) => {
            if (!this.stopped) this.deps.log.error({ err: error, visitor_id: visitorId }, 'visitor follow-up stopped');
          })
          .finally(() => {
            this.working.delete(visitorId);
            this.inFlight.delete(work);
          });
        this.inFlight.add(work);
      }
    } catch (error) {
      if (!this.stopped) this.deps.log.error({ err: error }, 'looking for due visitor follow-ups failed');
    } finally {
      this.polling = false;
    }
  }

  private async work(visitorId: string): Promise<void> {
    const store = this.deps.storage.followUps;
    const record = await store.claim(visitorId, this.owner, Date.now(), this.deps.leaseMs);
    // Not due any more, or another process has it.
    if (!record) return;
    const renewal = setInterval(() => {
      store.renew(visitorId, this.owner, Date.now() + this.deps.leaseMs).catch((error: unknown) => {
        this.deps.log.warn({ err: error, visitor_id: visitorId }, 'renewing a follow-up lease failed');
      });
    }, this.deps.leaseMs / 3);
    try {
      const outcome = await this.followUp(record);
      const held =
        typeof outcome === 'object' && 'postpone' in outcome
          ? await store.postpone(visitorId, this.owner, outcome.postpone)
          : await store.finish(visitorId, this.owner, record.version, outcome === 'nothing' ? null : outcome.sent);
      if (!held) this.deps.log.warn({ visitor_id: visitorId }, 'a visitor follow-up lease ran out before it was finished');
    } finally {
      clearInterval(renewal);
    }
  }

  /** Decides and, when it should, sends the email. */
  private async followUp(record: FollowUpRecord): Promise<Outcome> {
    const { storage } = this.deps;
    const now = Date.now();
    const agent = await storage.agents.get(record.agentId);
    // Switched off, or no page to link back to, since it was scheduled.
    if (!agent?.emailFollowUp || !agent.websiteUrl) return 'nothing';
    const visitor = await storage.visitors.ofThread(record.threadId);
    if (!visitor || visitor.id !== record.visitorId || !visitor.email) return 'nothing';
    // Their widget is open on the thread now: the replies are on their screen.
    const viewer = visitorSenderId(visitor.id);
    if (this.deps.viewers(record.threadId).includes(viewer)) return 'nothing';
    // Those that were on their screen a while before they left were seen too.
    const left = this.deps.leftAt(record.threadId, viewer);
    const replies = (await this.unseenReplies(record)).filter(
      (reply) => left === undefined || left - Date.parse(reply.created_at) < SEEN_AFTER_REPLY_MS,
    );
    if (replies.length === 0) return 'nothing';
    if (record.lastSentAt !== null && now < record.lastSentAt + FOLLOW_UP_CAP_MS) return { postpone: record.lastSentAt + FOLLOW_UP_CAP_MS };
    const sent = await this.send(agent, visitor, record, replies.slice(-FOLLOW_UP_MAX_REPLIES));
    if (sent === 'retry') return { postpone: now + FOLLOW_UP_RETRY_MS };
    if (sent === 'dropped') return 'nothing';
    return { sent: { at: now, threadId: record.threadId, upToSeq: replies.at(-1)!.thread_seq } };
  }

  /** The replies from the follow-up's first seq on, past what an earlier email covered, and after the visitor's last message. */
  private async unseenReplies(record: FollowUpRecord): Promise<ThreadEvent[]> {
    const coveredUpTo = record.sentThreadId === record.threadId && record.sentUpToSeq !== null ? record.sentUpToSeq : 0;
    let after = Math.max(record.fromSeq - 1, coveredUpTo);
    let replies: ThreadEvent[] = [];
    for (let page = 0; page < LOG_PAGES; page++) {
      const { events, hasMore } = await this.deps.storage.log.list(record.threadId, after, LOG_PAGE);
      for (const event of events) {
        // They wrote after it: they saw it.
        if (isVisitorMessage(event)) replies = [];
        else if (isReply(event)) replies.push(event);
      }
      if (!hasMore || events.length === 0) break;
      after = events.at(-1)!.thread_seq;
    }
    return replies;
  }

  /** One email with the replies and a new resume link. */
  private async send(
    agent: AgentRecord,
    visitor: VisitorRecord,
    record: FollowUpRecord,
    replies: ThreadEvent[],
  ): Promise<'sent' | 'retry' | 'dropped'> {
    const { storage } = this.deps;
    const token = newResumeToken();
    await storage.resumeTokens.create({
      tokenHash: hashResumeToken(token),
      visitorId: visitor.id,
      agentId: agent.id,
      threadId: record.threadId,
      expiresAt: new Date(Date.now() + RESUME_TOKEN_TTL_MS).toISOString(),
    });
    const names = await this.senderNames(record.threadId, replies);
    // The widget's language, as it last said on resolve (English when it never did).
    const { language } = visitor;
    const words = followUpWords(language);
    const quoted: FollowUpReply[] = replies.map((reply) => ({
      senderName: names.get(reply.sender_id) ?? (reply.sender_id.startsWith('agent:') ? agent.name : words.team),
      content: messageWithFiles(reply.content ?? '', reply.data.attachments),
    }));
    const content = composeFollowUpEmail({
      language,
      visitorName: visitor.name,
      agentName: agent.name,
      replies: quoted,
      resumeLink: `${agent.websiteUrl}#ama2_resume=${token}`,
    });
    try {
      await this.deps.transport.send({
        to: { name: visitor.name ?? '', address: visitor.email! },
        ...content,
        headers: { 'Auto-Submitted': 'auto-generated' },
        // Never the address, the words or the link: only what kind of email and how much.
        summary: { mail: 'visitor_follow_up', visitor_id: visitor.id, replies: replies.length },
      });
      return 'sent';
    } catch (error) {
      if (error instanceof PermanentMailError) return 'dropped';
      return 'retry';
    }
  }

  /** The names replies are signed with: the thread's participants, then users who replied without being one. */
  private async senderNames(threadId: string, replies: ThreadEvent[]): Promise<Map<string, string>> {
    const { storage } = this.deps;
    const thread = await storage.threads.get(threadId);
    const names = new Map<string, string>(thread?.participants.map((participant) => [participant.sender_id, participant.name]) ?? []);
    const missing = [...new Set(replies.map((reply) => reply.sender_id))]
      .filter((id) => id.startsWith('user:') && !names.has(id))
      .map((id) => id.slice('user:'.length));
    if (missing.length > 0) for (const user of await storage.users.many(missing)) names.set(`user:${user.id}`, user.name);
    return names;
  }

  /** Stops polling; follow-ups in flight finish their send. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await Promise.all([...this.inFlight]);
  }
}
