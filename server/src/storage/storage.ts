import type {
  AttachmentSummary,
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
import type { NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import type { ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import type { AgentSettingsStore } from './stores/agent-settings-store.ts';
import type { AgentStore } from './stores/agent-store.ts';
import type { ApprovalStore } from './stores/approval-store.ts';
import type { CounterStore } from './stores/counter-store.ts';
import type { LogStore } from './stores/log-store.ts';
import type { OwnershipStore } from './stores/ownership-store.ts';
import type { NoteStore } from './stores/note-store.ts';
import type { RunStore } from './stores/run-store.ts';
import type { SearchStore } from './stores/search-store.ts';
import type { ThreadStore } from './stores/thread-store.ts';
import type { UserStore } from './stores/user-store.ts';
import type { VisitorStore } from './stores/visitor-store.ts';
import type { WebhookStore } from './stores/webhook-store.ts';
import type { PushStore } from './stores/push-store.ts';
import type { ActionTokenStore } from './stores/action-token-store.ts';
import type { EmailOptOutStore } from './stores/email-opt-out-store.ts';
import type { NotificationStore } from './stores/notification-store.ts';
import type { FollowUpStore } from './stores/follow-up-store.ts';
import type { ResumeTokenStore } from './stores/resume-token-store.ts';
import type { AttachmentStore } from './stores/attachment-store.ts';
import type { PrivacyStore } from './stores/privacy-store.ts';
import type { AttachmentBytes } from '../attachments/attachment-bytes.ts';
import type { VisitorAttachmentPolicy } from '../attachments/attachment-kinds.ts';

/**
 * Everything the server keeps, one store per aggregate (`storage.users.get(...)`,
 * `storage.log.commitMessage(...)`), plus the whole-database operations. One interface so
 * that a networked database can replace the embedded SQLite file: every store method is one
 * atomic operation (a request is stored whole or not at all) and returns a promise even
 * where SQLite answers at once. Each database implements each store once (one file per
 * aggregate in `sqlite/` and `postgres/`); `storage-contract.ts` holds both to the same rules.
 */
export interface Storage {
  readonly users: UserStore;
  readonly agents: AgentStore;
  readonly agentSettings: AgentSettingsStore;
  readonly threads: ThreadStore;
  readonly log: LogStore;
  readonly visitors: VisitorStore;
  readonly webhooks: WebhookStore;
  readonly counters: CounterStore;
  readonly approvals: ApprovalStore;
  readonly runs: RunStore;
  readonly ownership: OwnershipStore;
  readonly notes: NoteStore;
  readonly search: SearchStore;
  readonly push: PushStore;
  readonly actionTokens: ActionTokenStore;
  readonly emailOptOuts: EmailOptOutStore;
  /** Notifications (CONTRACT §12): settings, the rules' cursors, notifications and their delivery queue. */
  readonly notifications: NotificationStore;
  /** Visitor follow-up emails (CONTRACT §12 "Visitors who left"): what waits per visitor, and its lease. */
  readonly followUps: FollowUpStore;
  /** One-time resume links of follow-up emails (their hashes). */
  readonly resumeTokens: ResumeTokenStore;
  /** Attachments' metadata (CONTRACT §13). */
  readonly attachments: AttachmentStore;
  /** Privacy operations (CONTRACT §14): finding visitors, and erasing them in short steps. */
  readonly privacy: PrivacyStore;
  /**
   * Where a networked database keeps attachments' bytes itself, so that every process serves
   * every file; null for the SQLite file (the bytes are files in `ATTACHMENTS_DIR`).
   */
  readonly attachmentBytes: AttachmentBytes | null;

  /** Resolves when the database answers a trivial query (readiness probes); rejects when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The names of the stores on a {@link Storage} (what `withDeadline` wraps besides the root's methods). */
export const STORE_NAMES = [
  'users',
  'agents',
  'agentSettings',
  'threads',
  'log',
  'visitors',
  'webhooks',
  'counters',
  'approvals',
  'runs',
  'ownership',
  'notes',
  'search',
  'push',
  'actionTokens',
  'emailOptOuts',
  'notifications',
  'followUps',
  'resumeTokens',
  'attachments',
  'privacy',
] as const satisfies readonly (keyof Storage)[];
export type StoreName = (typeof STORE_NAMES)[number];

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
  /** [ext] "Usually replies within …" minutes, shown to visitors; null: nothing is said. */
  expectedReplyMinutes: number | null;
  /** [ext] The page that embeds the chat (absolute http(s) URL): visitor follow-up emails link to it (CONTRACT §12); null: none. */
  websiteUrl: string | null;
  /** [ext] Email a visitor who left the replies they have not seen, with a resume link (CONTRACT §12). */
  emailFollowUp: boolean;
  /** [ext] What visitors may send (CONTRACT §13); absent: the defaults ({@link DEFAULT_VISITOR_POLICY}). */
  attachments?: VisitorAttachmentPolicy;
  /** [ext] Visitor threads idle this many days are erased (CONTRACT §14); null (or absent): kept forever. */
  retentionDays?: number | null;
}
export type NewAgent = Omit<AgentRecord, 'createdAt' | keyof AgentSettingsInput | 'identitySecret' | 'identitySecretCreatedAt'>;
export type AgentSettingsInput = Pick<
  AgentRecord,
  'allowedOrigins' | 'requireVerifiedIdentity' | 'expectedReplyMinutes' | 'websiteUrl' | 'emailFollowUp' | 'attachments' | 'retentionDays'
>;

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
  /** [ext] The widget's language as it last said on resolve (follow-up emails are written in it, CONTRACT §12); null: never said (English). */
  language: NotificationLanguage | null;
}

/** One of a visitor's conversations as their own list shows it (CONTRACT §7 "my conversations"). */
export interface VisitorThreadSummary {
  id: string;
  status: ThreadStatus;
  lastMessage: LastMessage | null;
  updatedAt: string;
}

export interface VisitorResolution {
  thread: ThreadRecord;
  visitor: VisitorRecord;
  /** False when a thread was created by this call; `events` are then its first events. */
  resumed: boolean;
  events: ThreadEvent[];
  /** `visitors.resume` bound the visitor to an identity: its earlier tokens are revoked, the binding's token issued. */
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

/** [ext] Who owns a thread (CONTRACT §11), as stored on its row. */
export interface OwnershipState {
  status: ThreadStatus;
  /** The assigned user's id (no `user:` prefix); null when unassigned. */
  assigneeId: string | null;
  /** Set by a take-over: the agent starts no run by itself. */
  agentPaused: boolean;
  /** ISO time the thread started waiting; null unless `waiting`. */
  waitingSince: string | null;
  /** ISO time a snoozed thread opens again; null unless `snoozed`. */
  snoozedUntil: string | null;
}

export interface ThreadRecord extends OwnershipState {
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

/**
 * Where a page of the thread list goes on: the last thread's sort time (its activity, or its
 * `waitingSince` in the waiting queue) and id.
 */
export interface ThreadCursor {
  at: string;
  id: string;
}

/** [ext] Queue filters of the thread list (CONTRACT §11); each one absent means any. */
export interface ThreadFilter {
  /** Any of these statuses (never empty); exactly `['waiting']` lists the longest waiting first. */
  statuses?: readonly ThreadStatus[];
  /** `none`: unassigned; otherwise the assignee's user id. */
  assignee?: { userId: string } | 'none';
  kind?: ThreadKind;
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
  /**
   * [ext] Uploads the message carries (CONTRACT §13), in order: the commit claims them
   * atomically with the message (each in this thread, the sender's own, used by no message
   * yet), or commits nothing and throws {@link AttachmentsRefused}.
   */
  attachmentIds?: string[];
  /** Set by the storage inside the commit, from the claimed rows: what the message and its event say of them. */
  attachments?: AttachmentSummary[];
}

/**
 * What a storage read about the thread in the commit's own statement or transaction (both
 * storages do, for new messages): callers use it instead of reading again.
 */
export interface CommitFacts {
  /** The thread's participation mode when the message was committed. */
  participationMode: ParticipationMode;
  /** The thread's status when the message was committed (read under the commit's lock on the thread). */
  status: ThreadStatus;
  /** Ids of the thread's active webhooks when the message was committed. */
  activeWebhookIds: string[];
}

/** `created`: committed now; `duplicate`: the same send again; `conflict`: same id, other content. */
export type CommitResult =
  | { status: 'created'; message: Message; event: ThreadEvent; facts: CommitFacts }
  | { status: 'duplicate'; message: Message }
  | { status: 'conflict'; message: Message };

/** [ext] A commit's message names attachments it may not carry (see `attachmentRefusal`); nothing was committed. */
export class AttachmentsRefused extends Error {
  constructor(
    /** 422: not this thread's or not the sender's; 409: already on another message. */
    readonly httpStatus: 422 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentsRefused';
  }
}

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
