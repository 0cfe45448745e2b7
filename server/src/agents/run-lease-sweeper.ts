import type { FastifyBaseLogger } from 'fastify';
import type { RunError } from '../../../src/core/protocol/model.ts';
import type { RuntimeFrameData } from '../../../src/core/protocol/server-frames.ts';
import type { RunRecord, Storage } from '../storage/storage.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import { agentSenderId } from '../threads/principal.ts';
import type { Approvals } from './approvals.ts';

/**
 * How often every process sweeps: it expires the approvals whose deadline passed and fails
 * the runs of processes whose lease ran out, whichever process they were on. Those of a
 * process that died are handled within this long of their deadline or of its lease's end.
 */
export const APPROVAL_SWEEP_MS = 5_000;
/** Orphaned runs failed per sweep at most; the next sweep takes the rest. */
const ORPHANS_PER_SWEEP = 100;
/** The `run_failed` error of a run whose server process stopped (died, or was shut down) before it ended. */
export const PROCESS_STOPPED_ERROR: RunError = {
  code: 'stream_interrupted',
  message: 'The server process running this run stopped before it finished; retry it.',
  retryable: true,
};

/** What the sweeper needs of the runtime it serves. */
export interface RunLeaseSweeperDeps {
  storage: Storage;
  threads: ThreadService;
  approvals: Approvals;
  log: FastifyBaseLogger;
  /** This server process, as its runs are recorded in storage. */
  processId: string;
  /** How long the process counts as alive after its last heartbeat; it renews every third of it. */
  processLeaseMs: number;
  /** Publishes a `thread_runtime` frame. */
  emit(threadId: string, data: RuntimeFrameData): void;
  /** Ends an orphaned run as failed with its `run_failed` event, published; false when it was ended already. */
  failOrphanedRun(run: RunRecord, error: RunError): Promise<boolean>;
}

/**
 * The process lease and the sweep. The lease says this process is alive, so its runs are its
 * own; the sweep, on every process, expires overdue approvals and fails the runs of processes
 * whose lease ran out. Several processes may sweep at once; storage settles each approval and
 * ends each run once, and only the process that won commits and announces it.
 */
export class RunLeaseSweeper {
  private sweepTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: RunLeaseSweeperDeps) {}

  /**
   * Takes this process's lease (renewed every third of `processLeaseMs`) and sweeps, on start
   * and then every APPROVAL_SWEEP_MS: pending approvals past their deadline expire, and the runs
   * of processes whose lease ran out fail (see {@link failOrphanedRuns}).
   */
  async start(): Promise<void> {
    const { log, processLeaseMs } = this.deps;
    await this.renewLease();
    await this.sweep();
    if (this.stopped) return;
    this.leaseTimer = setInterval(() => {
      this.renewing ??= this.renewLease()
        .catch((error: unknown) => {
          if (!this.stopped) log.error({ err: error }, 'renewing the process lease failed');
        })
        .finally(() => (this.renewing = undefined));
    }, processLeaseMs / 3);
    this.leaseTimer.unref();
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => {
          if (!this.stopped) log.error({ err: error }, 'sweeping approvals and runs failed');
        })
        .finally(() => (this.sweeping = undefined));
    }, APPROVAL_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private renewLease(): Promise<void> {
    return this.deps.storage.runs.renewLease(this.deps.processId, this.deps.processLeaseMs);
  }

  private async sweep(): Promise<void> {
    await this.deps.approvals.expireOverdue();
    await this.failOrphanedRuns();
  }

  /**
   * Ends the runs whose process has no live lease (it died, or stopped mid-run): their
   * pending approvals expire (nobody would act on a decision), then each fails with
   * {@link PROCESS_STOPPED_ERROR}, committed as its `run_failed` with an `intake_failed`
   * frame, so clients see it end and can retry it.
   */
  private async failOrphanedRuns(): Promise<void> {
    const { storage, threads, approvals, log } = this.deps;
    const orphans = await storage.runs.orphans(ORPHANS_PER_SWEEP);
    if (orphans.length === 0) return;
    const pending = await storage.approvals.listPending();
    for (const run of orphans) {
      if (this.stopped) return;
      for (const approval of pending) {
        if (approval.runId === run.id) await approvals.expire(approval);
      }
      const ended = await this.deps.failOrphanedRun(run, PROCESS_STOPPED_ERROR);
      if (!ended) continue;
      log.warn({ run_id: run.id, thread_id: run.threadId, process_id: run.processId }, 'failed the run of a stopped process');
      const agent = agentSenderId(run.agentId);
      this.deps.emit(run.threadId, {
        event_type: 'intake_failed',
        run_id: run.id,
        agent_id: agent,
        in_reply_to: run.messageId,
        at: new Date().toISOString(),
        error: PROCESS_STOPPED_ERROR,
      });
      threads.publishLive(run.threadId, {
        type: 'thread_typing',
        thread_id: run.threadId,
        data: { sender_id: agent, status: 'stopped' },
      });
    }
  }

  /**
   * Stops sweeping, waits for a sweep or renewal under way, then gives up the lease: this
   * process's unfinished runs are failed by the next sweep of another process, or of this
   * server's next start. Storage must be open until this resolves.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.leaseTimer);
    await Promise.allSettled([this.sweeping, this.renewing]);
    await this.deps.storage.runs
      .releaseLease(this.deps.processId)
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'releasing the process lease failed; it runs out on its own'));
  }
}
