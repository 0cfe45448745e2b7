import type postgres from 'postgres';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, toRun, type Row } from './rows.ts';
import { insertEvent } from './thread-log.ts';
import type { NewRun, RunEnd, RunRecord } from '../storage.ts';
import type { RunStore } from '../stores/run-store.ts';

/**
 * Agent runs and the leases of the processes running them, in PostgreSQL. Lease times come
 * from the database's clock, so the processes' clocks need not agree. Ending a run is one
 * conditional UPDATE: when several processes try at once, the row lock makes the others wait
 * and re-check `status = 'running'`, so exactly one ends it and commits its event.
 */
export class PostgresRuns implements RunStore {
  constructor(private readonly sql: postgres.Sql) {}

  async renewLease(processId: string, leaseMs: number): Promise<void> {
    await this.sql`DELETE FROM server_processes WHERE lease_until <= clock_timestamp()`;
    await this.sql`
      INSERT INTO server_processes (id, lease_until)
      VALUES (${processId}, clock_timestamp() + ${leaseMs}::int * interval '1 millisecond')
      ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`;
  }

  async releaseLease(processId: string): Promise<void> {
    await this.sql`DELETE FROM server_processes WHERE id = ${processId}`;
  }

  async start(run: NewRun): Promise<boolean> {
    const result = await this.sql`
      INSERT INTO agent_runs (id, thread_id, agent_id, message_id, process_id, status, started_at)
      VALUES (${run.id}, ${run.threadId}, ${run.agentId}, ${run.messageId}, ${run.processId}, 'running', ${now()})
      ON CONFLICT (id) DO NOTHING`;
    return result.count > 0;
  }

  async end(runId: string, end: RunEnd): Promise<{ run: RunRecord; event: ThreadEvent | null } | null> {
    return this.sql.begin(async (tx) => {
      const endedAt = now();
      const orphaned = end.orphanedOnly
        ? tx`AND NOT EXISTS (SELECT 1 FROM server_processes p WHERE p.id = agent_runs.process_id AND p.lease_until > clock_timestamp())`
        : tx``;
      const [row] = await tx<Row[]>`
        UPDATE agent_runs SET status = ${end.status}, ended_at = ${endedAt}
        WHERE id = ${runId} AND status = 'running' ${orphaned}
        RETURNING *`;
      if (!row) return null;
      const run = toRun(row);
      return { run, event: end.event ? await insertEvent(tx, run.threadId, end.event, endedAt) : null };
    });
  }

  async runningIn(threadId: string): Promise<RunRecord[]> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM agent_runs WHERE thread_id = ${threadId} AND status = 'running' ORDER BY started_at`;
    return rows.map(toRun);
  }

  async orphans(limit: number): Promise<RunRecord[]> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM agent_runs
      WHERE status = 'running'
        AND NOT EXISTS (SELECT 1 FROM server_processes p WHERE p.id = agent_runs.process_id AND p.lease_until > clock_timestamp())
      ORDER BY started_at LIMIT ${limit}`;
    return rows.map(toRun);
  }
}
