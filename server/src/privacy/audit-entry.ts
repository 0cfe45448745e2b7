import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../storage/stores/privacy-store.ts';

/** The actor of what the admin CLI does (CONTRACT §14). */
export const ADMIN_ACTOR = 'admin';
/**
 * The actor of what no signed-in person did: retention, and a visitor erasing themselves. The
 * contract's actors are `user:<uuid>`, `admin` and `system`; a visitor is none of the first two,
 * so their own erasure is the system's, on their request, and the visitor is named by id in the
 * entry's target and `details.requested_by` (never by email or name).
 */
export const SYSTEM_ACTOR = 'system';

/** What a caller says of an audit entry; the id and time are given here. */
export interface AuditInput {
  /** The agent it concerns (owners read it there); null for what concerns no agent. */
  agentId: string | null;
  /** `user:<uuid>`, {@link ADMIN_ACTOR} or {@link SYSTEM_ACTOR}. */
  actor: string;
  action: string;
  /** What was acted on, by id (`visitor:<uuid>`, `thread:<uuid>`, `agent:<uuid>`, …). */
  target: string;
  /** Ids and names of settings only: never content, a secret, or a visitor's email or name. */
  details?: Record<string, unknown>;
  /** The client address of the request; null for the system and the admin CLI. */
  address?: string | null;
}

/**
 * An entry of the audit log (CONTRACT §14), to be written by a store in the same transaction as
 * the change it records: a failed audit write rolls the change back.
 */
export function auditEntry(input: AuditInput): AuditEntry {
  return {
    id: randomUUID(),
    agentId: input.agentId,
    at: new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    details: input.details ?? {},
    address: input.address ?? null,
  };
}

/**
 * The agent whose owners read an audit entry about a thread: the first agent taking part in it
 * (a visitor thread has exactly one); null for a thread with no agent (the admin CLI's `audit` shows those).
 */
export function auditAgentOf(participants: readonly { sender_id: string }[]): string | null {
  const agent = participants.find((participant) => participant.sender_id.startsWith('agent:'));
  return agent ? agent.sender_id.slice('agent:'.length) : null;
}
