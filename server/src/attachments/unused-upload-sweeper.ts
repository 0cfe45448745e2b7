import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';
import type { AttachmentService } from './attachment-service.ts';
import { deleteStrayBytes } from './stray-bytes.ts';

/** Uploads deleted per round at most; the next round takes the rest. */
const SWEEP_BATCH = 200;
/** The sweep's lease lasts this many sweep intervals unrenewed: another process takes over after a process died. */
const LEASE_INTERVALS = 3;

/**
 * Deletes uploads that no message used within `ttlMs` (CONTRACT §13), rows and bytes, and
 * bytes as old that no row names (a crash's leftovers: {@link deleteStrayBytes}). Every
 * process runs one; only the holder of the sweep's lease (in the database) sweeps, so one
 * process at a time does the work. A send racing the sweep is safe either way: the delete is
 * conditional on no message having claimed the row, and a claim of a deleted row is refused.
 */
export class UnusedUploadSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly attachments: AttachmentService,
    private readonly log: FastifyBaseLogger,
    private readonly options: { ttlMs: number; sweepMs: number; processId: string; clock?: () => number },
  ) {}

  /** Sweeps now, then every `sweepMs`. */
  start(): void {
    const sweep = () => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'sweeping unused uploads failed');
        })
        .finally(() => (this.sweeping = undefined));
    };
    sweep();
    this.timer = setInterval(sweep, this.options.sweepMs);
    this.timer.unref();
  }

  /** One round: if this process holds (or takes) the lease, deletes what is due. Returns how many were deleted. */
  async sweep(): Promise<number> {
    const now = this.options.clock?.() ?? Date.now();
    const leaseMs = this.options.sweepMs * LEASE_INTERVALS;
    if (!(await this.storage.attachments.takeSweepLease(this.options.processId, now, leaseMs))) return 0;
    const before = new Date(now - this.options.ttlMs).toISOString();
    let deleted = 0;
    for (;;) {
      if (this.stopped) break;
      const due = await this.storage.attachments.unusedBefore(before, SWEEP_BATCH);
      if (due.length === 0) break;
      const gone = await this.attachments.deleteFiles(due, true);
      deleted += gone.length;
      // All of them were claimed meanwhile: the next round looks again.
      if (gone.length === 0 || due.length < SWEEP_BATCH) break;
    }
    if (deleted > 0) this.log.info({ count: deleted }, 'unused uploads deleted');
    // Bytes without a row are as old as an unused upload before they go: an upload in progress has its row within moments.
    if (!this.stopped) {
      const strays = await deleteStrayBytes(this.storage, this.attachments.bytes, now - this.options.ttlMs);
      if (strays > 0) this.log.info({ count: strays }, 'stored bytes no attachment names deleted');
    }
    return deleted;
  }

  /** Stops sweeping and waits for a round under way (storage must stay open until then). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
  }
}
