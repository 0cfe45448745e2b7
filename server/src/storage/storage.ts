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
  createUser(input: NewUser): Promise<UserRecord>;

  getAgent(id: string): Promise<AgentRecord | undefined>;
  getAgentBySlug(slug: string): Promise<AgentRecord | undefined>;
  getAgents(ids: readonly string[]): Promise<AgentRecord[]>;
  listAgents(): Promise<AgentRecord[]>;
  createAgent(input: NewAgent, ownerUserIds: readonly string[]): Promise<AgentRecord>;
  listAgentOwners(agentId: string): Promise<string[]>;
  addAgentToken(agentId: string, tokenHash: string): Promise<void>;
  getAgentByTokenHash(tokenHash: string): Promise<AgentRecord | undefined>;

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
   * The same (agent, email) always gets the same thread (CONTRACT §7); with `fresh` [ext], the
   * visitor gets a new thread that replaces the old one as theirs (the old stays in the inbox).
   */
  resolvePublicThread(input: {
    agent: AgentRecord;
    email: string;
    name: string | null;
    fresh?: boolean;
  }): Promise<{ thread: ThreadRecord; visitor: VisitorRecord; resumed: boolean; events: ThreadEvent[] }>;
  getVisitorOfThread(threadId: string): Promise<VisitorRecord | undefined>;

  createWebhook(input: NewWebhook): Promise<WebhookRecord>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  deleteWebhook(threadId: string, id: string): Promise<boolean>;
  listActiveWebhooks(threadId: string): Promise<WebhookRecord[]>;
  deactivateWebhook(id: string): Promise<void>;

  /** Stores a pending approval and commits its `approval_pending` event together. */
  createApproval(input: NewApproval, event: NewEvent): Promise<{ approval: ApprovalRecord; event: ThreadEvent }>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Settles a pending approval and commits its event; null when it was no longer pending. */
  settleApproval(
    id: string,
    outcome: { status: 'approved' | 'rejected' | 'expired'; decidedBy: SenderId | null },
    event: NewEvent,
  ): Promise<{ approval: ApprovalRecord; event: ThreadEvent } | null>;
  /** Pending approvals, so that expiry timers can be re-armed after a restart. */
  listPendingApprovals(): Promise<ApprovalRecord[]>;

  close(): Promise<void>;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  passwordHash: string;
  createdAt: string;
}
export type NewUser = Omit<UserRecord, 'createdAt'>;

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
}
export type NewAgent = Omit<AgentRecord, 'createdAt'>;

export interface VisitorRecord {
  id: string;
  agentId: string;
  email: string;
  name: string | null;
  threadId: string;
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
}

/** `created`: committed now; `duplicate`: the same send again; `conflict`: same id, other content. */
export type CommitResult =
  | { status: 'created'; message: Message; event: ThreadEvent }
  | { status: 'duplicate'; message: Message }
  | { status: 'conflict'; message: Message };

export interface NewEvent {
  eventType: Exclude<DurableEventType, 'message_committed'>;
  senderId: SenderId;
  content: string | null;
  data: Record<string, unknown>;
}

export interface WebhookRecord {
  id: string;
  threadId: string;
  callbackUrl: string;
  secret: string;
  active: boolean;
  createdBy: SenderId;
  createdAt: string;
}
export type NewWebhook = Omit<WebhookRecord, 'id' | 'active' | 'createdAt'>;

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
