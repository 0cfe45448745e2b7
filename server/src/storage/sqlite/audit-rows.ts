import type Database from 'better-sqlite3';
import type { AuditEntry } from '../stores/privacy-store.ts';

/**
 * Writes an audit entry (CONTRACT §14) with the statement of the caller: called inside the
 * transaction of the change it records, so that both commit or neither. Nothing for no entry.
 */
export function auditWriter(db: Database.Database): (entry: AuditEntry | undefined) => void {
  const insert = db.prepare(
    `INSERT INTO audit_log (id, agent_id, at, actor, action, target, details, address)
     VALUES (@id, @agentId, @at, @actor, @action, @target, @details, @address)`,
  );
  return (entry) => {
    if (entry) insert.run({ ...entry, details: JSON.stringify(entry.details) });
  };
}
