import type {
  DurableEventType,
  LastMessage,
  Message,
  Participant,
  ParticipationMode,
  Role,
  SenderId,
  ThreadEvent,
  ThreadKind,
} from '../../../src/core/protocol/model.ts';

/**
 * Everything the server keeps. One interface so that a networked database can replace
 * the embedded SQLite file: every method is one atomic operation (a request is stored
 * whole or not at all) and returns a promise even where SQLite answers at once.
 */
export interface Storage {
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  listUsers(): Promise<UserRecord[]>;
  /** A new user is enabled. */
  createUser(input: NewUser): Promise<UserRecord>;
  /** Disables or enables a user (a disabled user cannot sign in or use a token); false when there is no such user. */
  setUserDisabled(userId: string, disabled: boolean): Promise<boolean>;
  /**
   * Replaces the user's password hash and bumps their `sessionVersion` in the same write, so
   * every token issued before is refused from then on; false when there is no such user.
   */
  setUserPassword(userId: string, passwordHash: string): Promise<boolean>;

  getAgent(id: string): Promise<AgentRecord | undefined>;
  getAgentBySlug(slug: string): Promise<AgentRecord | undefined>;
  getAgents(ids: readonly string[]): Promise<AgentRecord[]>;
  listAgents(): Promise<AgentRecord[]>;
  createAgent(input: NewAgent, ownerUserIds: readonly string[]): Promise<AgentRecord>;
  listAgentOwners(agentId: string): Promise<string[]>;
  /** Replaces the agent's public-endpoint settings; returns the agent as it now is. */
  updateAgentSettings(agentId: string, settings: AgentSettingsInput): Promise<AgentRecord>;
  /** Stores a new identity secret, replacing the old one (identity tokens signed with it stop working). */
  setIdentitySecret(agentId: string, secret: string): Promise<{ createdAt: string }>;

  /** Stores an external agent token (its hash and display prefix only). */
  addAgentToken(input: NewAgentToken): Promise<AgentTokenRecord>;
  /** The agent and token behind a token hash; undefined when unknown or revoked. */
  getAgentToken(tokenHash: string): Promise<{ agent: AgentRecord; token: AgentTokenRecord } | undefined>;
  /** The agent's tokens that are not revoked, oldest first. */
  listAgentTokens(agentId: string): Promise<AgentTokenRecord[]>;
  /** Revokes one of the agent's tokens; false when the agent has no such live token. */
  revokeAgentToken(agentId: string, tokenId: string): Promise<boolean>;
  /** Records a use of the token (callers throttle this; it is not a per-request write). */
  touchAgentToken(tokenId: string, usedAt: string): Promise<void>;
  /** Which of these token ids are of live tokens (neither revoked nor unknown), in one read. */
  liveAgentTokenIds(tokenIds: readonly string[]): Promise<string[]>;

  /** Creates a thread, commits a `participant_joined` event per participant, then the first message if any. */
  createThread(input: NewThread): Promise<{ thread: ThreadRecord; events: ThreadEvent[]; message: Message | null }>;
  getThread(id: string): Promise<ThreadRecord | undefined>;
  /** Users who see the thread in their inbox: user participants and, for public threads, the agent's owners. */
  listThreadAudience(threadId: string): Promise<string[]>;
  /** Ids of every thread the user sees, for socket subscriptions. */
  listUserThreadIds(userId: string): Promise<string[]>;
  listUserThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null }): Promise<ThreadRecord[]>;
  /** Whether the user sees the thread (cheap: no counting). */
  hasAccess(threadId: string, userId: string): Promise<boolean>;
  getReadState(threadId: string, userId: string): Promise<{ readSeq: number; unreadCount: number } | undefined>;
  /** Moves the user's read position forward (never back, never past the log); returns it. */
  markRead(threadId: string, userId: string, seq: number): Promise<number>;

  /** Idempotent on (thread, sender, client_message_id): see {@link CommitResult}. */
  commitMessage(input: NewMessage): Promise<CommitResult>;
  appendEvent(threadId: string, input: NewEvent): Promise<ThreadEvent>;
  /** Changes the mode and commits `mode_changed`; null when the mode was already that. */
  setMode(threadId: string, mode: ParticipationMode, senderId: SenderId): Promise<ThreadEvent | null>;
  /** Events with seq > afterSeq, ascending; `hasMore` when the log goes on past `limit`. */
  listEvents(threadId: string, afterSeq: number, limit: number): Promise<{ events: ThreadEvent[]; hasMore: boolean }>;

  /**
   * A new visitor with its first (public) thread and its first token, all or nothing. Any
   * number of visitors may share an email: it is a label, never a key (CONTRACT §7).
   */
  createVisitor(input: NewVisitor): Promise<VisitorResolution>;
  /**
   * The visitor of (agent, `sub`) vouched for by an identity token: created (verified) with a
   * thread when new, else its open thread (or, with `fresh`, a new one). Either way the
   * device's new token is added and given labels update the visitor's.
   */
  resolveIdentifiedVisitor(input: IdentifiedVisitorInput): Promise<VisitorResolution>;
  /**
   * A returning visitor (known by its token): its open thread, or with `fresh` a new thread
   * that becomes its open one (the old stays in the owners' inbox). Given labels update the
   * visitor's; `bind` makes an unbound visitor the verified visitor of that identity when no
   * other visitor has it (see {@link IdentityBinding}; `bound` in the answer says whether it
   * did). Undefined when the visitor does not exist.
   */
  resumeVisitor(input: ResumeVisitorInput): Promise<VisitorResolution | undefined>;
  /**
   * The visitor of the agent that holds this token hash, if any, with the token's last use
   * (its creation when never touched): callers refuse tokens idle too long.
   */
  getVisitorByToken(agentId: string, tokenHash: string): Promise<(VisitorRecord & { tokenLastUsedAt: string }) | undefined>;
  /** Records a use of a visitor token (callers throttle this; it is not a per-request write). */
  touchVisitorToken(tokenHash: string, usedAt: string): Promise<void>;
  /** Revokes one of the agent's visitor tokens (the visitor and their threads stay); false when it was not there. */
  revokeVisitorToken(agentId: string, tokenHash: string): Promise<boolean>;
  /** The visitor of (agent, identity `sub`), if any. */
  getVisitorByIdentity(agentId: string, sub: string): Promise<VisitorRecord | undefined>;
  /** The visitor who started a public thread (also after they moved on to a fresh one). */
  getVisitorOfThread(threadId: string): Promise<VisitorRecord | undefined>;

  createWebhook(input: NewWebhook): Promise<WebhookRecord>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  deleteWebhook(threadId: string, id: string): Promise<boolean>;
  listActiveWebhooks(threadId: string): Promise<WebhookRecord[]>;
  /**
   * Every subscription of the thread, on or off, oldest first. One whose creator may no
   * longer have it (see {@link WebhookInactiveReason}) reads as off with that reason at once,
   * even before a delivery has turned it off in storage.
   */
  listWebhooks(threadId: string): Promise<WebhookRecord[]>;
  /** Turns the subscription off for good (`delivery_failed`) and frees its lease. */
  deactivateWebhook(id: string): Promise<void>;
  /**
   * Takes the delivery lease of an active subscription for `leaseMs` when it is free,
   * expired or already `owner`'s, in one atomic step: at most one owner at a time. Returns
   * the subscription (with its cursor) when taken, undefined otherwise. When its creator may
   * no longer have it (disabled, password changed since, no longer sees the thread), the same
   * step turns it off for good instead and returns it with `active: false` and the reason.
   */
  claimWebhook(id: string, owner: string, leaseMs: number): Promise<WebhookRecord | undefined>;
  /**
   * Extends `owner`'s lease by `leaseMs` from now; false when it is no longer theirs, the
   * subscription is gone or off, or its creator may no longer have it (then it is turned off).
   */
  renewWebhookLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Moves the cursor forward to `seq` (delivered) and renews the lease, only while `owner`
   * holds it; false when the lease is lost, the cursor is already at or past `seq`, or the
   * creator may no longer have the subscription (then it is turned off instead).
   */
  advanceWebhookCursor(id: string, owner: string, seq: number, leaseMs: number): Promise<boolean>;
  /** Frees `owner`'s lease (nothing happens when someone else holds it). */
  releaseWebhook(id: string, owner: string): Promise<void>;
  /** Active subscriptions whose thread has events past their cursor and whose lease is free or expired (at most `limit`). */
  listDueWebhooks(limit: number): Promise<string[]>;

  /**
   * Counts one hit of `key` in its fixed window, in one atomic step (processes sharing the
   * database share the count): the first hit, or the first after the window ended, opens a
   * new window of `windowMs` from `now` (epoch ms). Returns the window's count with this hit
   * and when the window ends.
   */
  hitCounter(key: string, now: number, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** Takes one hit back from `key`'s window if it has not ended (never below 0). */
  refundCounter(key: string, now: number): Promise<void>;
  /** Forgets counters whose window ended at or before `now` (epoch ms). */
  pruneCounters(now: number): Promise<void>;

  /** Stores a pending approval and commits its `approval_pending` event together. */
  createApproval(input: NewApproval, event: NewEvent): Promise<{ approval: ApprovalRecord; event: ThreadEvent }>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Settles a pending approval and commits its event; null when it was no longer pending. */
  settleApproval(
    id: string,
    outcome: { status: 'approved' | 'rejected' | 'expired'; decidedBy: SenderId | null },
    event: NewEvent,
  ): Promise<{ approval: ApprovalRecord; event: ThreadEvent } | null>;
  /** Pending approvals: every process sweeps those past their deadline (AgentRuntime.start). */
  listPendingApprovals(): Promise<ApprovalRecord[]>;

  /**
   * Marks the process alive for `leaseMs` from now (by the database's clock) and forgets the
   * leases that ran out: a process that has no live lease has died, and its runs are orphans.
   */
  renewProcessLease(processId: string, leaseMs: number): Promise<void>;
  /** Ends the process's lease at once (a graceful stop): its unfinished runs are orphans now. */
  releaseProcessLease(processId: string): Promise<void>;
  /**
   * Records a run as running on its process. The run id is the claim: false (and nothing
   * written) when a run with that id exists already, e.g. a retry another process started.
   */
  startRun(run: NewRun): Promise<boolean>;
  /**
   * Ends a running run and commits its event (if any) in one step. With `orphanedOnly`, only
   * when its process has no live lease (a survivor taking over a dead process's run). Null
   * when the run was not running (already ended, e.g. by another process) or not orphaned.
   */
  endRun(runId: string, end: RunEnd): Promise<{ run: RunRecord; event: ThreadEvent | null } | null>;
  /** Running runs whose process has no live lease (at most `limit`), oldest first. */
  listOrphanedRuns(limit: number): Promise<RunRecord[]>;

  /** Resolves when the database answers a trivial query (readiness probes); rejects when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  passwordHash: string;
  /** Set by an administrator: the user cannot sign in, and their tokens and open sessions stop working. */
  disabled: boolean;
  /**
   * Goes up by one with every password change. Each user token carries the version it was
   * issued under (claim `sv`; tokens without it are version 0): one of an older version is
   * refused and its open sockets and streams close, on every process.
   */
  sessionVersion: number;
  createdAt: string;
}
export type NewUser = Omit<UserRecord, 'createdAt' | 'disabled' | 'sessionVersion'>;

export interface AgentRecord {
  id: string;
  slug: string;
  name: string;
  avatarUrl: string | null;
  greeting: string;
  themeColor: string;
  /** Which {@link Agent} implementation answers for it. */
  engine: string;
  createdAt: string;
  /** Origins (`scheme://host[:port]`) allowed to use the public endpoints; empty: any. */
  allowedOrigins: string[];
  /** Only visitors vouched for by an identity token may chat. */
  requireVerifiedIdentity: boolean;
  /** The HMAC key of identity tokens (`ais_…`); null until an owner creates one. */
  identitySecret: string | null;
  identitySecretCreatedAt: string | null;
}
export type NewAgent = Omit<AgentRecord, 'createdAt' | keyof AgentSettingsInput | 'identitySecret' | 'identitySecretCreatedAt'>;
export type AgentSettingsInput = Pick<AgentRecord, 'allowedOrigins' | 'requireVerifiedIdentity'>;

export interface AgentTokenRecord {
  id: string;
  agentId: string;
  /** The token's first characters, to tell tokens apart; never enough to use it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export interface NewAgentToken {
  agentId: string;
  tokenHash: string;
  prefix: string;
}

export interface VisitorRecord {
  id: string;
  agentId: string;
  /** What the visitor typed or the identity token said: a label shown to owners, never proof. */
  email: string | null;
  name: string | null;
  /** The website's id for the person, from an identity token; null for anonymous visitors. */
  identitySub: string | null;
  verified: boolean;
  /** The visitor's open thread (the one resolve resumes). */
  threadId: string;
}

export interface VisitorResolution {
  thread: ThreadRecord;
  visitor: VisitorRecord;
  /** False when a thread was created by this call; `events` are then its first events. */
  resumed: boolean;
  events: ThreadEvent[];
  /** `resumeVisitor` bound the visitor to an identity: its earlier tokens are revoked, the binding's token issued. */
  bound?: boolean;
}

export interface NewVisitor {
  agent: AgentRecord;
  email: string | null;
  name: string | null;
  /** sha256 of the visitor token issued with it. */
  tokenHash: string;
}

export interface IdentifiedVisitorInput {
  agent: AgentRecord;
  sub: string;
  email: string | null;
  name: string | null;
  fresh: boolean;
  tokenHash: string;
}

export interface ResumeVisitorInput {
  agent: AgentRecord;
  visitorId: string;
  /** Null leaves the label as it is. */
  email: string | null;
  name: string | null;
  fresh: boolean;
  bind: IdentityBinding | null;
}

/**
 * An anonymous visitor proves an identity (CONTRACT §7 resolve, step 1 with an identity
 * token). The visitor becomes that identity's, its labels become the identity's claims (a
 * typed email or name is no longer shown as theirs), and every token it had is revoked for
 * `tokenHash`: whoever else held one (a token planted in the browser: session fixation)
 * reads nothing of the verified conversation.
 */
export interface IdentityBinding {
  sub: string;
  email: string | null;
  name: string | null;
  /** sha256 of the token issued in place of the visitor's earlier ones. */
  tokenHash: string;
}

export interface ThreadRecord {
  id: string;
  kind: ThreadKind;
  title: string | null;
  participationMode: ParticipationMode;
  lastSeq: number;
  participants: Participant[];
  lastMessage: LastMessage | null;
  createdAt: string;
  updatedAt: string;
  /** Time of the last message (or creation): the inbox's sort key. */
  activityAt: string;
  /** Public threads: the visitor who started it; null on private threads. */
  visitor: VisitorRecord | null;
}

export interface ThreadCursor {
  activityAt: string;
  id: string;
}

export interface NewThread {
  kind: ThreadKind;
  title: string | null;
  participationMode: ParticipationMode;
  participants: Participant[];
  /** Users besides the participants who see the thread (owners of a public thread's agent). */
  extraAudience: string[];
  createdBy: SenderId;
  initialMessage: Omit<NewMessage, 'threadId'> | null;
}

export interface NewMessage {
  threadId: string;
  senderId: SenderId;
  role: Role;
  content: string;
  clientMessageId: string;
  mentions: SenderId[];
  baseSeq: number | null;
  latestSeenSeq: number | null;
  /**
   * A user whose right to post the commit checks again, atomically with the insert: the
   * commit happens only while that user exists, is enabled and sees the thread, and otherwise
   * throws {@link SenderRefused} (nothing is stored). Set by callers that decided access from a
   * cache ({@link SendPathCache}), so that a stale entry can never let a message in. Honoured by
   * both storages (another process, such as `npm run admin`, may have changed the user).
   */
  recheckUserId?: string;
  /** With {@link recheckUserId}: the session version of the sender's token; refused once the user's differs (password changed). */
  recheckSessionVersion?: number;
}

/**
 * What a storage read about the thread in the commit's own statement or transaction (both
 * storages do, for new messages): callers use it instead of reading again.
 */
export interface CommitFacts {
  /** The thread's participation mode when the message was committed. */
  participationMode: ParticipationMode;
  /** Ids of the thread's active webhooks when the message was committed. */
  activeWebhookIds: string[];
}

/** `created`: committed now; `duplicate`: the same send again; `conflict`: same id, other content. */
export type CommitResult =
  | { status: 'created'; message: Message; event: ThreadEvent; facts?: CommitFacts }
  | { status: 'duplicate'; message: Message }
  | { status: 'conflict'; message: Message };

/** A commit with {@link NewMessage.recheckUserId} was refused: that user is gone, disabled or no longer sees the thread (or the thread is gone). */
export class SenderRefused extends Error {
  constructor(readonly threadId: string) {
    super(`the sender may not post to thread ${threadId} (checked in the commit)`);
    this.name = 'SenderRefused';
  }
}

export interface NewEvent {
  eventType: Exclude<DurableEventType, 'message_committed'>;
  senderId: SenderId;
  content: string | null;
  data: Record<string, unknown>;
}

/**
 * Why a subscription is off. `delivery_failed`: its receiver failed every try of an event.
 * The others say its creator may no longer have it: `creator_disabled` (the account is
 * disabled), `creator_password_changed` (their password changed after they subscribed),
 * `creator_lost_access` (they no longer see the thread), `creator_unknown` (no such user, or
 * a subscription from before the server recorded the creator's session version whose
 * creator has changed password since: it cannot be told apart from a takeover).
 */
export const WEBHOOK_INACTIVE_REASONS = [
  'delivery_failed',
  'creator_disabled',
  'creator_password_changed',
  'creator_lost_access',
  'creator_unknown',
] as const;
export type WebhookInactiveReason = (typeof WEBHOOK_INACTIVE_REASONS)[number];

/** A stored reason as this server knows it (null for none, or one a newer server wrote). */
export function toInactiveReason(raw: string | null): WebhookInactiveReason | null {
  return WEBHOOK_INACTIVE_REASONS.find((reason) => reason === raw) ?? null;
}

export interface WebhookRecord {
  id: string;
  threadId: string;
  callbackUrl: string;
  secret: string;
  active: boolean;
  /** Why it is off; null while it is on. */
  inactiveReason: WebhookInactiveReason | null;
  /** The user who subscribed (`user:<id>`). */
  createdBy: SenderId;
  /** The creator's session version when they subscribed: a password change since ends the subscription. Null: unknown. */
  creatorSessionVersion: number | null;
  createdAt: string;
  /** The seq of the last event delivered; starts at the thread's last seq when subscribing (only later events are sent). */
  deliveredSeq: number;
}
export type NewWebhook = Omit<
  WebhookRecord,
  'id' | 'active' | 'inactiveReason' | 'createdAt' | 'deliveredSeq' | 'creatorSessionVersion'
> & {
  creatorSessionVersion: number;
};

export interface ApprovalRecord {
  id: string;
  threadId: string;
  runId: string;
  toolName: string;
  preview: unknown;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  expiresAt: string;
  decidedBy: SenderId | null;
  decidedAt: string | null;
  createdAt: string;
}
export type NewApproval = Pick<ApprovalRecord, 'threadId' | 'runId' | 'toolName' | 'preview' | 'expiresAt'>;

/** An agent run, recorded while it runs so that another process can end it when its own dies. */
export interface RunRecord {
  id: string;
  threadId: string;
  agentId: string;
  /** The message the run answers. */
  messageId: string;
  /** The server process running it (its lease says whether it is alive). */
  processId: string;
  status: 'running' | 'finished' | 'failed';
  startedAt: string;
  endedAt: string | null;
}
export type NewRun = Pick<RunRecord, 'id' | 'threadId' | 'agentId' | 'messageId' | 'processId'>;

/** How a run ends: its status and the durable event that says so (`run_failed`), if any. */
export interface RunEnd {
  status: 'finished' | 'failed';
  event: NewEvent | null;
  /** Only if the run's process has no live lease any more. */
  orphanedOnly?: boolean;
}
