import type Database from 'better-sqlite3';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { now, toRun, type Row } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';
import type { NewRun, RunEnd, RunRecord } from '../storage.ts';
import type { RunStore } from '../stores/run-store.ts';

/**
 * Agent runs and the leases of the processes running them, in the SQLite file. One process
 * uses the file at a time, so here an orphan is a run of an earlier start of the server.
 */
export class SqliteRuns implements RunStore {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly log: SqliteThreadLog,
  ) {
    const live = `EXISTS (SELECT 1 FROM server_processes p WHERE p.id = agent_runs.process_id AND p.lease_until > ?)`;
    this.stmt = {
      renew: db.prepare(
        `INSERT INTO server_processes (id, lease_until) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`,
      ),
      prune: db.prepare('DELETE FROM server_processes WHERE lease_until <= ?'),
      release: db.prepare('DELETE FROM server_processes WHERE id = ?'),
      start: db.prepare(
        `INSERT INTO agent_runs (id, thread_id, agent_id, message_id, process_id, status, started_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?) ON CONFLICT (id) DO NOTHING`,
      ),
      end: db.prepare(`UPDATE agent_runs SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'`),
      endOrphan: db.prepare(`UPDATE agent_runs SET status = ?, ended_at = ? WHERE id = ? AND status = 'running' AND NOT ${live}`),
      byId: db.prepare('SELECT * FROM agent_runs WHERE id = ?'),
      runningIn: db.prepare(`SELECT * FROM agent_runs WHERE thread_id = ? AND status = 'running' ORDER BY started_at`),
      orphans: db.prepare(`SELECT * FROM agent_runs WHERE status = 'running' AND NOT ${live} ORDER BY started_at LIMIT ?`),
    };
  }

  async renewLease(processId: string, leaseMs: number): Promise<void> {
    const nowMs = Date.now();
    this.db.transaction(() => {
      this.stmt.prune.run(nowMs);
      this.stmt.renew.run(processId, nowMs + leaseMs);
    })();
  }

  async releaseLease(processId: string): Promise<void> {
    this.stmt.release.run(processId);
  }

  async start(run: NewRun): Promise<boolean> {
    return this.stmt.start.run(run.id, run.threadId, run.agentId, run.messageId, run.processId, now()).changes > 0;
  }

  async end(runId: string, end: RunEnd): Promise<{ run: RunRecord; event: ThreadEvent | null } | null> {
    return this.db.transaction(() => {
      const endedAt = now();
      const changed = end.orphanedOnly
        ? this.stmt.endOrphan.run(end.status, endedAt, runId, Date.now())
        : this.stmt.end.run(end.status, endedAt, runId);
      if (changed.changes === 0) return null;
      const run = toRun(this.stmt.byId.get(runId) as Row);
      return { run, event: end.event ? this.log.insertEvent(run.threadId, end.event, endedAt) : null };
    })();
  }

  async runningIn(threadId: string): Promise<RunRecord[]> {
    return (this.stmt.runningIn.all(threadId) as Row[]).map(toRun);
  }

  async orphans(limit: number): Promise<RunRecord[]> {
    return (this.stmt.orphans.all(Date.now(), limit) as Row[]).map(toRun);
  }
}
