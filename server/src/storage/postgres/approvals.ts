import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, toApproval, type Row } from './rows.ts';
import { insertEvent } from './thread-log.ts';
import type { ApprovalRecord, NewApproval, NewEvent } from '../storage.ts';
import type { ApprovalOutcome, ApprovalStore } from '../stores/approval-store.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { insertAudit } from './audit-rows.ts';

/** Tool-call approvals in PostgreSQL; each change commits its event in the same transaction. */
export class PostgresApprovals implements ApprovalStore {
  constructor(private readonly sql: postgres.Sql) {}

  async create(input: NewApproval, event: NewEvent): Promise<{ approval: ApprovalRecord; event: ThreadEvent }> {
    return this.sql.begin(async (tx) => {
      const createdAt = now();
      const id = randomUUID();
      const [row] = await tx<Row[]>`
        INSERT INTO approvals (id, thread_id, run_id, tool_name, preview, status, expires_at, created_at)
        VALUES (${id}, ${input.threadId}, ${input.runId}, ${input.toolName}, ${JSON.stringify(input.preview ?? null)}::text::jsonb, 'pending',
                ${input.expiresAt}, ${createdAt})
        RETURNING *`;
      const committed = await insertEvent(tx, input.threadId, { ...event, data: { ...event.data, approval_id: id } }, createdAt);
      return { approval: toApproval(row!), event: committed };
    });
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM approvals WHERE id = ${id}`;
    return row && toApproval(row);
  }

  /** Settles a pending approval with its event; null when it was no longer pending (also when another process won). */
  async settle(
    id: string,
    outcome: ApprovalOutcome,
    event: NewEvent,
    audit?: AuditEntry,
  ): Promise<{ approval: ApprovalRecord; event: ThreadEvent } | null> {
    return this.sql.begin(async (tx) => {
      const decidedAt = now();
      const [row] = await tx<Row[]>`
        UPDATE approvals SET status = ${outcome.status}, decided_by = ${outcome.decidedBy}, decided_at = ${decidedAt}
        WHERE id = ${id} AND status = 'pending'
        RETURNING *`;
      if (!row) return null;
      const approval = toApproval(row);
      await insertAudit(tx, audit);
      return { approval, event: await insertEvent(tx, approval.threadId, event, decidedAt) };
    });
  }

  async listPending(): Promise<ApprovalRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM approvals WHERE status = 'pending'`).map(toApproval);
  }
}
