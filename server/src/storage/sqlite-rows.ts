import type { AgentRecord, VisitorRecord } from './storage.ts';

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

export function toAgent(row: Row): AgentRecord {
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
    identitySecret: strOrNull(row.identity_secret),
    identitySecretCreatedAt: strOrNull(row.identity_secret_created_at),
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
