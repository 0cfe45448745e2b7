import type { Message, Participant, ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { AgentRecord, AgentTokenRecord, ApprovalRecord, RunRecord, UserRecord, VisitorRecord, WebhookRecord } from '../storage.ts';
import { toInactiveReason } from '../storage.ts';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

export const now = () => new Date().toISOString();
export const str = (value: unknown) => value as string;
export const strOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
export const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function parseOrigins(raw: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(typeof raw === 'string' ? raw : '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function toUser(row: Row): UserRecord {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    avatarUrl: strOrNull(row.avatar_url),
    passwordHash: str(row.password_hash),
    disabled: row.disabled === 1,
    sessionVersion: Number(row.session_version ?? 0),
    createdAt: str(row.created_at),
  };
}

/** An agent row; its identity secret is opened with `secrets` (stored sealed). */
export function toAgent(row: Row, secrets: SecretBox): AgentRecord {
  return {
    id: str(row.id),
    slug: str(row.slug),
    name: str(row.name),
    avatarUrl: strOrNull(row.avatar_url),
    greeting: str(row.greeting),
    themeColor: str(row.theme_color),
    engine: str(row.engine),
    createdAt: str(row.created_at),
    allowedOrigins: parseOrigins(row.allowed_origins),
    requireVerifiedIdentity: row.require_verified_identity === 1,
    identitySecret: row.identity_secret === null ? null : secrets.open(str(row.identity_secret), sealedColumn.identitySecret(str(row.id))),
    identitySecretCreatedAt: strOrNull(row.identity_secret_created_at),
  };
}

export function toAgentToken(row: Row): AgentTokenRecord {
  return {
    id: str(row.id),
    agentId: str(row.agent_id),
    prefix: str(row.prefix),
    createdAt: str(row.created_at),
    lastUsedAt: strOrNull(row.last_used_at),
  };
}

export function toVisitor(row: Row): VisitorRecord {
  return {
    id: str(row.id),
    agentId: str(row.agent_id),
    email: strOrNull(row.email),
    name: strOrNull(row.name),
    identitySub: strOrNull(row.identity_sub),
    verified: row.verified === 1,
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
    created_at: str(row.created_at),
    data: JSON.parse(str(row.data)) as Record<string, unknown>,
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
    mentions: JSON.parse(str(row.mentions)) as string[],
    base_seq: numOrNull(row.base_seq),
    latest_seen_seq: numOrNull(row.latest_seen_seq),
    created_at: str(row.created_at),
  };
}

/** A subscription row (its secret opened with `secrets`: it is stored sealed); with `lapse_reason` (a listing reads it), one whose creator may no longer have it reads as off. */
export function toWebhook(row: Row, secrets: SecretBox): WebhookRecord {
  const stored = row.active === 1;
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
    createdAt: str(row.created_at),
    deliveredSeq: Number(row.delivered_seq),
  };
}

export function toApproval(row: Row): ApprovalRecord {
  return {
    id: str(row.id),
    threadId: str(row.thread_id),
    runId: str(row.run_id),
    toolName: str(row.tool_name),
    preview: JSON.parse(str(row.preview)) as unknown,
    status: str(row.status) as ApprovalRecord['status'],
    expiresAt: str(row.expires_at),
    decidedBy: strOrNull(row.decided_by),
    decidedAt: strOrNull(row.decided_at),
    createdAt: str(row.created_at),
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
    startedAt: str(row.started_at),
    endedAt: strOrNull(row.ended_at),
  };
}
