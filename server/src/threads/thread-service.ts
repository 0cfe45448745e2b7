import * as v from 'valibot';
import { contentSchema, describeIssue, sendMessageInputSchema, type SendMessageInput } from '../../../src/core/protocol/client-frames.ts';
import type { Message, Note, OwnedThread, Participant, ParticipationMode, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { NoteInput } from '../../../src/core/protocol/note-input.ts';
import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import { NOT_BLANK } from '../../../src/core/protocol/limits.ts';
import type { Hub, Subscriber } from '../realtime/hub.ts';
import { Outbound } from '../realtime/outbound.ts';
import { ACCOUNT_DISABLED_MESSAGE, ACCOUNT_GONE_MESSAGE, SESSION_ENDED_MESSAGE } from '../http/authenticate.ts';
import {
  AttachmentsRefused,
  SenderRefused,
  type CommitFacts,
  type NewEvent,
  type NewMessage,
  type Storage,
  type ThreadCursor,
  type ThreadFilter,
  type ThreadRecord,
} from '../storage/storage.ts';
import { isWaitingQueue } from '../storage/thread-list-query.ts';
import { publicEvent } from './public-event.ts';
import type { SendPathCache } from './send-path-cache.ts';
import { AGENT_PREFIX, agentSenderId, roleOf, userSenderId, visitorSenderId, type Principal } from './principal.ts';

/**
 * Something that wants every committed durable event: webhooks, the agent runtime. `facts`
 * are what the commit read about the thread, when the storage read them (see CommitFacts).
 */
export type CommitListener = (event: ThreadEvent, thread: ThreadRecord, message: Message | null, facts?: CommitFacts) => void;

/** Work a new message's send waits for before it answers (the status it changes, CONTRACT §11). Must not throw. */
export type MessageHook = (thread: ThreadRecord, message: Message, facts: CommitFacts) => Promise<void>;

/** Work a platform or run event's commit waits for (an escalation's status, CONTRACT §11). Must not throw. */
export type EventHook = (event: ThreadEvent) => Promise<void>;

export interface CreateThreadInput {
  target_user_ids: string[];
  agent_ids?: string[];
  title?: string | null;
  participation_mode?: ParticipationMode;
  initial_message?: string;
}

const MAX_TITLE_LENGTH = 200;

/** A cursor names its order (`a`: activity, `w`: waiting), so one given out for another list is refused. */
type CursorOrder = 'a' | 'w';

function encodeCursor(order: CursorOrder, cursor: ThreadCursor): string {
  return Buffer.from(`${order}|${cursor.at}|${cursor.id}`).toString('base64url');
}

function decodeCursor(order: CursorOrder, raw: string): ThreadCursor {
  const [given, at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (given !== order || !at || !id || Number.isNaN(Date.parse(at))) {
    throw badRequest('cursor is not one this server gave out for this list; start again without it.');
  }
  return { at, id };
}

/**
 * A send as the REST routes take it: §4's body and [ext] `attachment_ids` (CONTRACT §13, checked
 * by the route's schema). The socket's `send_message` carries no attachments.
 */
export type SendInput = SendMessageInput & { attachment_ids?: string[] };

/** A commit's refusal of the attachments a message names, as the API answers it (422 or 409, in words). */
function attachmentsRefused(error: AttachmentsRefused): ApiError {
  return error.httpStatus === 409 ? new ApiError('conflict', error.message) : new ApiError('client_error', error.message, { status: 422 });
}

/** Checks a send body built in-process (an agent's reply) as a received one is checked; a 400 when it fails. */
export function parseSendInput(body: unknown): SendMessageInput {
  const parsed = v.safeParse(sendMessageInputSchema, body);
  if (!parsed.success) throw badRequest(describeIssue(parsed.issues[0]));
  return parsed.output;
}

/**
 * The thread service: access rules, commits with idempotency, and fan-out of everything
 * committed. Routes and socket handlers call it; it calls storage and the hub.
 */
export class ThreadService {
  private readonly listeners = new Set<CommitListener>();
  private readonly messageHooks: MessageHook[] = [];
  private readonly eventHooks: EventHook[] = [];

  /** `sendCache` spares users' sends the reads of account and access (the commit checks them again); null reads them every time. */
  constructor(
    private readonly storage: Storage,
    private readonly hub: Hub,
    private readonly sendCache: SendPathCache | null = null,
  ) {}

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds work every new message's send waits for (see {@link MessageHook}). */
  onMessage(hook: MessageHook): void {
    this.messageHooks.push(hook);
  }

  /** Adds work every {@link commitEvent} waits for (see {@link EventHook}). */
  onEvent(hook: EventHook): void {
    this.eventHooks.push(hook);
  }

  /** The thread, if the principal may see it: 404 when it does not exist, 403 when it is not theirs. */
  async access(principal: Principal, threadId: string): Promise<ThreadRecord> {
    const thread = await this.storage.threads.get(threadId);
    if (!thread) throw notFound('The thread');
    if (!(await this.canSee(principal, thread))) {
      throw new ApiError('forbidden', 'You are not a participant of this thread.');
    }
    return thread;
  }

  private async canSee(principal: Principal, thread: ThreadRecord): Promise<boolean> {
    switch (principal.kind) {
      case 'user':
        return this.storage.threads.hasAccess(thread.id, principal.id);
      case 'agent':
        return thread.participants.some((p) => p.sender_id === principal.senderId);
      case 'visitor':
        return principal.threadId === thread.id;
    }
  }

  /** The wire shape of a thread, with the user's read position when there is a user. */
  async toWire(thread: ThreadRecord, userId: string | null): Promise<OwnedThread> {
    const read = userId ? await this.storage.threads.readState(thread.id, userId) : undefined;
    return {
      id: thread.id,
      kind: thread.kind,
      title: thread.title,
      participants: thread.participants,
      participation_mode: thread.participationMode,
      last_seq: thread.lastSeq,
      read_seq: read?.readSeq ?? 0,
      unread_count: read?.unreadCount ?? 0,
      last_message: thread.lastMessage,
      created_at: thread.createdAt,
      updated_at: thread.updatedAt,
      status: thread.status,
      assignee_id: thread.assigneeId === null ? null : userSenderId(thread.assigneeId),
      agent_paused: thread.agentPaused,
      waiting_since: thread.waitingSince,
      snoozed_until: thread.snoozedUntil,
      ...(thread.visitor
        ? {
            visitor: {
              sender_id: visitorSenderId(thread.visitor.id),
              name: thread.visitor.name,
              email: thread.visitor.email,
              verified: thread.visitor.verified,
            },
          }
        : {}),
    };
  }

  /** A page of the user's threads, with the queue filters (CONTRACT §11); the waiting queue is oldest first. */
  async listThreads(userId: string, limit: number, cursor: string | undefined, filter: ThreadFilter = {}) {
    const order: CursorOrder = isWaitingQueue(filter) ? 'w' : 'a';
    const records = await this.storage.threads.userThreads(userId, {
      limit: limit + 1,
      cursor: cursor ? decodeCursor(order, cursor) : null,
      filter,
    });
    const page = records.slice(0, limit);
    const last = page.at(-1);
    const at = last && (order === 'w' ? last.waitingSince : last.activityAt);
    return {
      threads: await Promise.all(page.map((thread) => this.toWire(thread, userId))),
      next_cursor: records.length > limit && last && at ? encodeCursor(order, { at, id: last.id }) : null,
    };
  }

  async createThread(principal: Principal, input: CreateThreadInput): Promise<OwnedThread> {
    if (principal.kind === 'visitor') throw new ApiError('forbidden', 'Visitors cannot create threads here.');
    const title = input.title?.trim() || null;
    if (title && title.length > MAX_TITLE_LENGTH) throw badRequest(`title is longer than ${MAX_TITLE_LENGTH} characters.`);
    if (input.initial_message !== undefined) {
      const check = v.safeParse(contentSchema, input.initial_message);
      if (!check.success) throw badRequest(`initial_message: ${describeIssue(check.issues[0])}`);
    }
    const userIds = [...new Set(input.target_user_ids)].filter((id) => !(principal.kind === 'user' && id === principal.id));
    const agentIds = [...new Set(input.agent_ids ?? [])].filter((id) => !(principal.kind === 'agent' && id === principal.id));
    const [users, agents] = await Promise.all([this.storage.users.many(userIds), this.storage.agents.many(agentIds)]);
    const missingUsers = userIds.filter((id) => !users.some((user) => user.id === id));
    if (missingUsers.length) throw badRequest(`Unknown user id: ${missingUsers.join(', ')}.`);
    const missingAgents = agentIds.filter((id) => !agents.some((agent) => agent.id === id));
    if (missingAgents.length) throw badRequest(`Unknown agent id: ${missingAgents.join(', ')}.`);

    const caller = await this.participantOf(principal);
    const participants: Participant[] = [
      caller,
      ...users.map((user) => ({ sender_id: userSenderId(user.id), name: user.name, avatar_url: user.avatarUrl })),
      ...agents.map((agent) => ({ sender_id: agentSenderId(agent.id), name: agent.name, avatar_url: agent.avatarUrl })),
    ];
    const { thread, events, message } = await this.storage.threads.create({
      kind: 'private',
      title,
      participationMode: input.participation_mode ?? 'open',
      participants,
      extraAudience: [],
      createdBy: principal.senderId,
      initialMessage:
        input.initial_message === undefined
          ? null
          : {
              senderId: principal.senderId,
              role: roleOf(principal),
              content: input.initial_message,
              clientMessageId: `initial:${crypto.randomUUID()}`,
              mentions: [],
              baseSeq: 0,
              latestSeenSeq: 0,
            },
    });
    await this.announceThread(thread, events, message);
    return this.toWire(thread, principal.kind === 'user' ? principal.id : null);
  }

  private async participantOf(principal: Principal): Promise<Participant> {
    if (principal.kind === 'user') {
      const user = await this.storage.users.get(principal.id);
      return { sender_id: principal.senderId, name: user?.name ?? principal.name, avatar_url: user?.avatarUrl ?? null };
    }
    const agent = principal.kind === 'agent' ? await this.storage.agents.get(principal.id) : undefined;
    return { sender_id: principal.senderId, name: agent?.name ?? principal.name, avatar_url: agent?.avatarUrl ?? null };
  }

  /** Makes a new thread live: its audience's sockets subscribe, then its first events go out. */
  async announceThread(thread: ThreadRecord, events: ThreadEvent[], message: Message | null): Promise<void> {
    for (const userId of await this.storage.threads.audience(thread.id)) this.hub.addUserToThread(userId, thread.id);
    // Agent sockets (CONTRACT §15) follow every thread their agent takes part in, from its first event.
    for (const { sender_id: senderId } of thread.participants) {
      if (senderId.startsWith(AGENT_PREFIX)) this.hub.addAgentToThread(senderId.slice(AGENT_PREFIX.length), thread.id);
    }
    for (const event of events) {
      const isMessage = message !== null && event.thread_seq === message.thread_seq;
      this.publishCommitted(thread, event, isMessage ? message : null);
    }
  }

  /**
   * Commits a message, idempotently: a repeat of the same `client_message_id` returns the
   * same message (`created: false`); the same id with other content is a 409. The input was
   * checked where it arrived, once: by the route's schema, the socket's frame schema or
   * {@link parseSendInput}.
   */
  async postMessage(principal: Principal, threadId: string, input: SendInput): Promise<{ created: boolean; message: Message }> {
    const attachmentIds = input.attachment_ids ?? [];
    // [ext] CONTRACT §13: only a message that carries files may have no text.
    if (attachmentIds.length === 0 && !NOT_BLANK.test(input.content)) throw badRequest('content must not be empty');
    const message: NewMessage = {
      threadId,
      senderId: principal.senderId,
      role: roleOf(principal),
      content: input.content,
      clientMessageId: input.client_message_id,
      mentions: [...new Set(input.mentions ?? [])],
      baseSeq: input.base_seq ?? null,
      latestSeenSeq: input.latest_seen_seq ?? null,
      ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
    };
    // With the send cache, a user's account and access may come from it: the commit checks them again.
    const recheckUserId = this.sendCache && principal.kind === 'user' ? principal.id : undefined;
    let thread = recheckUserId === undefined ? undefined : this.sendCache?.accessibleThread(recheckUserId, threadId);
    if (!thread) {
      thread = await this.access(principal, threadId);
      if (recheckUserId !== undefined) this.sendCache?.granted(recheckUserId, thread);
    }
    let result;
    try {
      result = await this.storage.log.commitMessage(
        recheckUserId === undefined
          ? message
          : { ...message, recheckUserId, recheckSessionVersion: principal.kind === 'user' ? principal.sessionVersion : undefined },
      );
    } catch (error) {
      if (error instanceof AttachmentsRefused) throw attachmentsRefused(error);
      if (!(error instanceof SenderRefused) || recheckUserId === undefined) throw error;
      // Something cached went stale: decide again from the database, with the answers an uncached send gets.
      this.sendCache?.forget(recheckUserId, threadId);
      await this.requireActiveUser(recheckUserId, principal.kind === 'user' ? principal.sessionVersion : undefined);
      thread = await this.access(principal, threadId);
      result = await this.storage.log.commitMessage(message).catch((retryError: unknown) => {
        throw retryError instanceof AttachmentsRefused ? attachmentsRefused(retryError) : retryError;
      });
    }
    if (result.status === 'conflict') {
      throw new ApiError(
        'conflict',
        'This client_message_id was already used for a message with different content or attachments; use a new id for a new message.',
      );
    }
    if (result.status === 'created') {
      const { facts } = result;
      const committedThread = { ...thread, lastSeq: result.message.thread_seq };
      committedThread.participationMode = facts.participationMode;
      this.publishCommitted(committedThread, result.event, result.message, facts);
      for (const hook of this.messageHooks) await hook(committedThread, result.message, facts);
    }
    return { created: result.status === 'created', message: result.message };
  }

  /**
   * Commits a private note (CONTRACT §11), idempotently as {@link postMessage} does. Only
   * users who read the thread write notes; agents and visitors never (403). The input was
   * checked by the route's schema.
   */
  async addNote(principal: Principal, threadId: string, input: NoteInput): Promise<{ created: boolean; note: Note }> {
    if (principal.kind !== 'user')
      throw new ApiError('forbidden', 'Private notes are written by people on the team, not by agents or visitors.');
    const thread = await this.access(principal, threadId);
    const result = await this.storage.notes.commit({
      threadId,
      senderId: principal.senderId,
      content: input.content,
      clientMessageId: input.client_message_id,
    });
    if (result.status === 'conflict') {
      throw new ApiError(
        'conflict',
        'This client_message_id was already used for a note with different content; use a new id for a new note.',
      );
    }
    if (result.status === 'created') this.publishCommitted({ ...thread, lastSeq: result.note.thread_seq }, result.event, null);
    return { created: result.status === 'created', note: result.note };
  }

  /** 401 unless the user exists and is enabled (what the authenticator says without a cache). */
  private async requireActiveUser(userId: string, sessionVersion: number | undefined): Promise<void> {
    const user = await this.storage.users.get(userId);
    if (!user) throw new ApiError('unauthorized', ACCOUNT_GONE_MESSAGE);
    if (user.disabled) throw new ApiError('unauthorized', ACCOUNT_DISABLED_MESSAGE);
    if (sessionVersion !== undefined && user.sessionVersion !== sessionVersion) throw new ApiError('unauthorized', SESSION_ENDED_MESSAGE);
  }

  async setMode(principal: Principal, threadId: string, mode: ParticipationMode): Promise<OwnedThread> {
    await this.access(principal, threadId);
    const event = await this.storage.threads.setMode(threadId, mode, principal.senderId);
    const updated = (await this.storage.threads.get(threadId))!;
    if (event) this.publishCommitted(updated, event, null);
    return this.toWire(updated, principal.kind === 'user' ? principal.id : null);
  }

  /** Moves the user's read position and echoes it to their other connections (`origin` is the asking socket). */
  async markRead(principal: Principal, threadId: string, seq: number, origin?: Subscriber): Promise<number> {
    if (principal.kind !== 'user') throw new ApiError('forbidden', 'Only signed-in users have a read position.');
    await this.access(principal, threadId);
    const readSeq = await this.storage.threads.markRead(threadId, principal.id, seq);
    const frame: ServerFrame = { type: 'thread_read', thread_id: threadId, data: { read_seq: readSeq } };
    this.hub.publishToUser(principal.id, new Outbound(threadId, frame), origin);
    return readSeq;
  }

  /** A page of the log; a visitor's shows team-only events as `hidden` placeholders ({@link publicEvent}). */
  async listEvents(principal: Principal, threadId: string, afterSeq: number, limit: number) {
    await this.access(principal, threadId);
    const { events, hasMore } = await this.storage.log.list(threadId, afterSeq, limit);
    return { events: principal.kind === 'visitor' ? events.map(publicEvent) : events, has_more: hasMore };
  }

  /** Commits a durable event on behalf of the platform or an agent run, and fans it out. */
  async commitEvent(threadId: string, input: NewEvent): Promise<ThreadEvent> {
    const event = await this.storage.log.appendEvent(threadId, input);
    const thread = await this.storage.threads.get(threadId);
    await this.announce(thread, event);
    return event;
  }

  /**
   * Fans out an event committed elsewhere (an erasure's `thread_deleted`, with its mark) as
   * {@link commitEvent} does its own: `thread` is the thread as it was read before the commit
   * (a thread being erased is not found after it); undefined sends it to the hooks only.
   */
  async announce(thread: ThreadRecord | undefined, event: ThreadEvent): Promise<void> {
    if (thread) this.publishCommitted(thread, event, null);
    for (const hook of this.eventHooks) await hook(event);
  }

  /** Fans out a committed event: `thread_message` for messages, `thread_event` otherwise. */
  publishCommitted(thread: ThreadRecord, event: ThreadEvent, message: Message | null, facts?: CommitFacts): void {
    const frame: ServerFrame = message
      ? { type: 'thread_message', thread_id: thread.id, data: message }
      : { type: 'thread_event', thread_id: thread.id, data: event };
    this.hub.publish(new Outbound(thread.id, frame, event));
    for (const listener of this.listeners) listener(event, thread, message, facts);
  }

  /** Fans out a live-only frame (typing, presence, runtime progress). */
  publishLive(threadId: string, frame: ServerFrame, exceptSenderId: string | null = null): void {
    this.hub.publish(new Outbound(threadId, frame, null, exceptSenderId));
  }
}
