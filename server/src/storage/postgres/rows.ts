import type postgres from 'postgres';
import type { Message, Participant, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, AgentTokenRecord, ApprovalRecord, RunRecord, UserRecord, VisitorRecord, WebhookRecord } from '../storage.ts';
import { toInactiveReason } from '../storage.ts';

/** A connection pool or a transaction: every query helper runs on either. */
export type Db = postgres.Sql | postgres.TransactionSql;

/** A row as the driver returns it: `timestamptz` as Date, `jsonb` parsed, `boolean` as boolean. */
export type Row = Record<string, unknown>;

export const now = () => new Date().toISOString();
const str = (value: unknown) => value as string;
const strOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
/** A `timestamptz` as the ISO string SQLite stores (`2026-01-01T00:00:00.000Z`). */
export const iso = (value: unknown) => (value as Date).toISOString();
const isoOrNull = (value: unknown) => (value === null || value === undefined ? null : iso(value));

/** The PostgreSQL error code of a unique violation, and the constraint it names. */
export function uniqueViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint_name?: string };
  return pgError.code === '23505' ? (pgError.constraint_name ?? '') : undefined;
}

export function toUser(row: Row): UserRecord {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    avatarUrl: strOrNull(row.avatar_url),
    passwordHash: str(row.password_hash),
    disabled: row.disabled === true,
    sessionVersion: Number(row.session_version ?? 0),
    createdAt: iso(row.created_at),
  };
}

/** An agent row; its identity secret is opened with `secrets` (stored sealed). */
export function toAgent(row: Row, secrets: SecretBox): AgentRecord {
  const origins = row.allowed_origins;
  return {
    id: str(row.id),
    slug: str(row.slug),
    name: str(row.name),
    avatarUrl: strOrNull(row.avatar_url),
    greeting: str(row.greeting),
    themeColor: str(row.theme_color),
    engine: str(row.engine),
    createdAt: iso(row.created_at),
    allowedOrigins: Array.isArray(origins) ? origins.filter((item): item is string => typeof item === 'string') : [],
    requireVerifiedIdentity: row.require_verified_identity === true,
    identitySecret: row.identity_secret === null ? null : secrets.open(str(row.identity_secret), sealedColumn.identitySecret(str(row.id))),
    identitySecretCreatedAt: isoOrNull(row.identity_secret_created_at),
  };
}

export function toAgentToken(row: Row): AgentTokenRecord {
  return {
    id: str(row.id),
    agentId: str(row.agent_id),
    prefix: str(row.prefix),
    createdAt: iso(row.created_at),
    lastUsedAt: isoOrNull(row.last_used_at),
  };
}

export function toVisitor(row: Row): VisitorRecord {
  return {
    id: str(row.id),
    agentId: str(row.agent_id),
    email: strOrNull(row.email),
    name: strOrNull(row.name),
    identitySub: strOrNull(row.identity_sub),
    verified: row.verified === true,
    threadId: str(row.thread_id),
  };
}

export function toParticipant(row: Row): Participant {
  return { sender_id: str(row.sender_id), name: str(row.name), avatar_url: strOrNull(row.avatar_url) };
}

export function toEvent(row: Row): ThreadEvent {
  return {
    event_id: str(row.event_id),
    thread_id: str(row.thread_id),
    thread_seq: Number(row.thread_seq),
    event_type: str(row.event_type) as ThreadEvent['event_type'],
    sender_id: str(row.sender_id),
    content: strOrNull(row.content),
    created_at: iso(row.created_at),
    data: row.data as Record<string, unknown>,
  };
}

export function toMessage(row: Row): Message {
  return {
    id: str(row.id),
    thread_id: str(row.thread_id),
    thread_seq: Number(row.thread_seq),
    sender_id: str(row.sender_id),
    role: str(row.role) as Message['role'],
    content: str(row.content),
    client_message_id: strOrNull(row.client_message_id),
    mentions: row.mentions as string[],
    base_seq: numOrNull(row.base_seq),
    latest_seen_seq: numOrNull(row.latest_seen_seq),
    created_at: iso(row.created_at),
  };
}

/** A subscription row (its secret opened with `secrets`: it is stored sealed); with `lapse_reason` (a listing reads it), one whose creator may no longer have it reads as off. */
export function toWebhook(row: Row, secrets: SecretBox): WebhookRecord {
  const stored = row.active === true;
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
    createdAt: iso(row.created_at),
    deliveredSeq: Number(row.delivered_seq),
  };
}

export function toApproval(row: Row): ApprovalRecord {
  return {
    id: str(row.id),
    threadId: str(row.thread_id),
    runId: str(row.run_id),
    toolName: str(row.tool_name),
    preview: row.preview,
    status: str(row.status) as ApprovalRecord['status'],
    expiresAt: iso(row.expires_at),
    decidedBy: strOrNull(row.decided_by),
    decidedAt: isoOrNull(row.decided_at),
    createdAt: iso(row.created_at),
  };
}

export function toRun(row: Row): RunRecord {
  return {
    id: str(row.id),
    threadId: str(row.thread_id),
    agentId: str(row.agent_id),
    messageId: str(row.message_id),
    processId: str(row.process_id),
    status: str(row.status) as RunRecord['status'],
    startedAt: iso(row.started_at),
    endedAt: isoOrNull(row.ended_at),
  };
}
