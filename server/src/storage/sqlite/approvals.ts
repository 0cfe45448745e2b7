import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, toApproval, type Row } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';
import type { ApprovalRecord, NewApproval, NewEvent } from '../storage.ts';
import type { ApprovalOutcome, ApprovalStore } from '../stores/approval-store.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { auditWriter } from './audit-rows.ts';

/** Tool-call approvals in the SQLite file; each change commits its event in the same transaction. */
export class SqliteApprovals implements ApprovalStore {
  private readonly stmt;
  private readonly audit;

  constructor(
    private readonly db: Database.Database,
    private readonly log: SqliteThreadLog,
  ) {
    this.audit = auditWriter(db);
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO approvals (id, thread_id, run_id, tool_name, preview, status, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      byId: db.prepare('SELECT * FROM approvals WHERE id = ?'),
      settle: db.prepare(`UPDATE approvals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`),
      pending: db.prepare(`SELECT * FROM approvals WHERE status = 'pending'`),
    };
  }

  async create(input: NewApproval, event: NewEvent): Promise<{ approval: ApprovalRecord; event: ThreadEvent }> {
    return this.db.transaction(() => {
      const createdAt = now();
      const id = randomUUID();
      this.stmt.insert.run(
        id,
        input.threadId,
        input.runId,
        input.toolName,
        JSON.stringify(input.preview ?? null),
        input.expiresAt,
        createdAt,
      );
      const committed = this.log.insertEvent(input.threadId, { ...event, data: { ...event.data, approval_id: id } }, createdAt);
      return { approval: toApproval(this.stmt.byId.get(id) as Row), event: committed };
    })();
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toApproval(row);
  }

  async settle(
    id: string,
    outcome: ApprovalOutcome,
    event: NewEvent,
    audit?: AuditEntry,
  ): Promise<{ approval: ApprovalRecord; event: ThreadEvent } | null> {
    return this.db.transaction(() => {
      const decidedAt = now();
      const changed = this.stmt.settle.run(outcome.status, outcome.decidedBy, decidedAt, id).changes > 0;
      if (!changed) return null;
      const approval = toApproval(this.stmt.byId.get(id) as Row);
      this.audit(audit);
      return { approval, event: this.log.insertEvent(approval.threadId, event, decidedAt) };
    })();
  }

  async listPending(): Promise<ApprovalRecord[]> {
    return (this.stmt.pending.all() as Row[]).map(toApproval);
  }
}
