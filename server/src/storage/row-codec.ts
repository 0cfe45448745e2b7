import { policyFromColumn } from './attachment-policy-column.ts';
import type { LastMessage, Message, Participant, ParticipationMode, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import { sealedColumn, type SecretBox } from './secrets/secret-box.ts';
import {
  toInactiveReason,
  type AgentRecord,
  type AgentTokenRecord,
  type OwnershipState,
  type ApprovalRecord,
  type RunRecord,
  type ThreadRecord,
  type UserRecord,
  type VisitorRecord,
  type VisitorThreadSummary,
  type WebhookRecord,
} from './storage.ts';

/** A row as the driver returns it (column name to value). */
export type Row = Record<string, unknown>;

/**
 * How a dialect's driver hands over the columns whose representation differs: the one
 * thing {@link rowCodec} needs to know about a database.
 */
export interface ColumnReader {
  /** A boolean column: SQLite stores 0/1, PostgreSQL returns a boolean. */
  bool(value: unknown): boolean;
  /** A time column as an ISO string: SQLite stores the string, PostgreSQL returns a Date for a `timestamptz`. */
  time(value: unknown): string;
  /** A JSON column, parsed: SQLite stores text, PostgreSQL returns a `jsonb` parsed. Throws on malformed text. */
  json(value: unknown): unknown;
}

export const str = (value: unknown) => value as string;
export const strOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
export const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/**
 * The row → record mapping of every table, written once for both databases: each dialect
 * makes its codec from its {@link ColumnReader} (`sqlite/rows.ts`, `postgres/rows.ts`).
 */
export function rowCodec(read: ColumnReader) {
  const timeOrNull = (value: unknown) => (value === null || value === undefined ? null : read.time(value));
  /** A JSON list of strings; anything else (malformed or not a list) reads as empty. */
  const stringList = (value: unknown): string[] => {
    let parsed: unknown;
    try {
      parsed = read.json(value);
    } catch {
      return [];
    }
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  };

  const toVisitor = (row: Row): VisitorRecord => ({
    id: str(row.id),
    agentId: str(row.agent_id),
    email: strOrNull(row.email),
    name: strOrNull(row.name),
    identitySub: strOrNull(row.identity_sub),
    verified: read.bool(row.verified),
    threadId: str(row.thread_id),
    // (Written only through widgetLanguage; anything else reads as never said.)
    language: row.language === 'de' || row.language === 'en' ? row.language : null,
  });

  /** A thread row's ownership columns (CONTRACT §11). */
  const toOwnership = (row: Row): OwnershipState => ({
    status: (strOrNull(row.status) ?? 'open') as ThreadStatus,
    assigneeId: strOrNull(row.assignee_id),
    agentPaused: read.bool(row.agent_paused),
    waitingSince: timeOrNull(row.waiting_since),
    snoozedUntil: timeOrNull(row.snoozed_until),
  });

  /** A thread row's last message columns (null before the first message). */
  const toLastMessage = (row: Row): LastMessage | null =>
    row.last_message_at === null
      ? null
      : {
          sender_id: str(row.last_message_sender),
          content: str(row.last_message_content),
          created_at: read.time(row.last_message_at),
        };

  return {
    toUser: (row: Row): UserRecord => ({
      id: str(row.id),
      email: str(row.email),
      name: str(row.name),
      avatarUrl: strOrNull(row.avatar_url),
      passwordHash: str(row.password_hash),
      disabled: read.bool(row.disabled),
      sessionVersion: Number(row.session_version ?? 0),
      createdAt: read.time(row.created_at),
    }),

    /** An agent row; its identity secret is opened with `secrets` (stored sealed). */
    toAgent: (row: Row, secrets: SecretBox): AgentRecord => ({
      id: str(row.id),
      slug: str(row.slug),
      name: str(row.name),
      avatarUrl: strOrNull(row.avatar_url),
      greeting: str(row.greeting),
      themeColor: str(row.theme_color),
      engine: str(row.engine),
      createdAt: read.time(row.created_at),
      allowedOrigins: stringList(row.allowed_origins),
      requireVerifiedIdentity: read.bool(row.require_verified_identity),
      identitySecret:
        row.identity_secret === null ? null : secrets.open(str(row.identity_secret), sealedColumn.identitySecret(str(row.id))),
      identitySecretCreatedAt: timeOrNull(row.identity_secret_created_at),
      expectedReplyMinutes: row.expected_reply_minutes == null ? null : Number(row.expected_reply_minutes),
      websiteUrl: strOrNull(row.website_url),
      emailFollowUp: read.bool(row.email_follow_up),
      retentionDays: row.retention_days == null ? null : Number(row.retention_days),
      ...(row.attachment_policy == null ? {} : { attachments: policyFromColumn(read.json(row.attachment_policy)) }),
    }),

    toAgentToken: (row: Row): AgentTokenRecord => ({
      id: str(row.id),
      agentId: str(row.agent_id),
      prefix: str(row.prefix),
      createdAt: read.time(row.created_at),
      lastUsedAt: timeOrNull(row.last_used_at),
    }),

    toVisitor,

    toParticipant: (row: Row): Participant => ({
      sender_id: str(row.sender_id),
      name: str(row.name),
      avatar_url: strOrNull(row.avatar_url),
    }),

    /**
     * A thread row with what its dialect loads beside it: the participants (in order) and,
     * asked only for a public thread, its visitor.
     */
    toThread: (row: Row, participants: Participant[], visitorOf: () => VisitorRecord | undefined): ThreadRecord => ({
      id: str(row.id),
      kind: str(row.kind) as ThreadRecord['kind'],
      title: strOrNull(row.title),
      participationMode: str(row.participation_mode) as ParticipationMode,
      lastSeq: Number(row.last_seq),
      participants,
      lastMessage: toLastMessage(row),
      createdAt: read.time(row.created_at),
      updatedAt: read.time(row.updated_at),
      activityAt: read.time(row.activity_at),
      visitor: row.kind === 'public' ? (visitorOf() ?? null) : null,
      ...toOwnership(row),
    }),

    toOwnership,

    /** A row of `threads` (id, status, last message, updated_at) as a visitor's list shows it. */
    toVisitorThread: (row: Row): VisitorThreadSummary => ({
      id: str(row.id),
      status: toOwnership(row).status,
      lastMessage: toLastMessage(row),
      updatedAt: read.time(row.updated_at),
    }),

    toEvent: (row: Row): ThreadEvent => ({
      event_id: str(row.event_id),
      thread_id: str(row.thread_id),
      thread_seq: Number(row.thread_seq),
      event_type: str(row.event_type) as ThreadEvent['event_type'],
      sender_id: str(row.sender_id),
      content: strOrNull(row.content),
      created_at: read.time(row.created_at),
      data: read.json(row.data) as Record<string, unknown>,
    }),

    toMessage: (row: Row): Message => ({
      id: str(row.id),
      thread_id: str(row.thread_id),
      thread_seq: Number(row.thread_seq),
      sender_id: str(row.sender_id),
      role: str(row.role) as Message['role'],
      content: str(row.content),
      client_message_id: strOrNull(row.client_message_id),
      mentions: read.json(row.mentions) as string[],
      base_seq: numOrNull(row.base_seq),
      latest_seen_seq: numOrNull(row.latest_seen_seq),
      created_at: read.time(row.created_at),
      // [ext] CONTRACT §13: only on messages that carry files.
      ...(row.attachments === null || row.attachments === undefined
        ? {}
        : { attachments: read.json(row.attachments) as Message['attachments'] }),
    }),

    /**
     * A subscription row (its secret opened with `secrets`: it is stored sealed); with
     * `lapse_reason` (a listing reads it), one whose creator may no longer have it reads as off.
     */
    toWebhook: (row: Row, secrets: SecretBox): WebhookRecord => {
      const stored = read.bool(row.active);
      const lapse = strOrNull(row.lapse_reason);
      return {
        id: str(row.id),
        threadId: str(row.thread_id),
        callbackUrl: str(row.callback_url),
        secret: secrets.open(str(row.secret), sealedColumn.webhookSecret(str(row.id))),
        active: stored && lapse === null,
        inactiveReason: toInactiveReason(strOrNull(row.inactive_reason) ?? (stored ? lapse : null)),
        createdBy: str(row.created_by),
        creatorSessionVersion: numOrNull(row.creator_session_version),
        createdAt: read.time(row.created_at),
        deliveredSeq: Number(row.delivered_seq),
      };
    },

    toApproval: (row: Row): ApprovalRecord => ({
      id: str(row.id),
      threadId: str(row.thread_id),
      runId: str(row.run_id),
      toolName: str(row.tool_name),
      preview: read.json(row.preview),
      status: str(row.status) as ApprovalRecord['status'],
      expiresAt: read.time(row.expires_at),
      decidedBy: strOrNull(row.decided_by),
      decidedAt: timeOrNull(row.decided_at),
      createdAt: read.time(row.created_at),
    }),

    toRun: (row: Row): RunRecord => ({
      id: str(row.id),
      threadId: str(row.thread_id),
      agentId: str(row.agent_id),
      messageId: str(row.message_id),
      processId: str(row.process_id),
      status: str(row.status) as RunRecord['status'],
      startedAt: read.time(row.started_at),
      endedAt: timeOrNull(row.ended_at),
    }),
  };
}
