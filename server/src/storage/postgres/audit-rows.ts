import type { AuditEntry } from '../stores/privacy-store.ts';
import type { Db } from './rows.ts';

/**
 * Writes an audit entry (CONTRACT §14) in the caller's transaction `db`, so that it commits with
 * the change it records or neither does. Nothing for no entry.
 */
export async function insertAudit(db: Db, entry: AuditEntry | undefined): Promise<void> {
  if (!entry) return;
  await db`
    INSERT INTO audit_log (id, agent_id, at, actor, action, target, details, address)
    VALUES (${entry.id}, ${entry.agentId}, ${entry.at}::timestamptz, ${entry.actor}, ${entry.action}, ${entry.target},
            ${JSON.stringify(entry.details)}::text::jsonb, ${entry.address})`;
}
