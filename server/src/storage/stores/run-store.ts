import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { NewRun, RunEnd, RunRecord } from '../storage.ts';

/** Agent runs and the leases of the processes running them (`storage.runs`). */
export interface RunStore {
  /**
   * Marks the process alive for `leaseMs` from now (by the database's clock) and forgets the
   * leases that ran out: a process that has no live lease has died, and its runs are orphans.
   */
  renewLease(processId: string, leaseMs: number): Promise<void>;
  /** Ends the process's lease at once (a graceful stop): its unfinished runs are orphans now. */
  releaseLease(processId: string): Promise<void>;
  /**
   * Records a run as running on its process. The run id is the claim: false (and nothing
   * written) when a run with that id exists already, e.g. a retry another process started.
   */
  start(run: NewRun): Promise<boolean>;
  /**
   * Ends a running run and commits its event (if any) in one step. With `orphanedOnly`, only
   * when its process has no live lease (a survivor taking over a dead process's run). Null
   * when the run was not running (already ended, e.g. by another process) or not orphaned.
   */
  end(runId: string, end: RunEnd): Promise<{ run: RunRecord; event: ThreadEvent | null } | null>;
  /** The runs of a thread still running (on any process). */
  runningIn(threadId: string): Promise<RunRecord[]>;
  /** Running runs whose process has no live lease (at most `limit`), oldest first. */
  orphans(limit: number): Promise<RunRecord[]>;
}
