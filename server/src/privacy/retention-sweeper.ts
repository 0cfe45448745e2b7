import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';
import type { PrivacyService } from './privacy-service.ts';

/** Threads looked at per round at most; the next round takes the rest. */
const SWEEP_BATCH = 100;
/** The sweep's lease lasts this many sweep intervals unrenewed: another process takes over after a process died. */
const LEASE_INTERVALS = 3;
/**
 * The shortest lease (and that of finishing unfinished erasures): longer than one thread's erasure can take (it waits up to
 * WEBHOOK_FAREWELL_WAIT_MS for webhooks), so that no other process finds the same thread due
 * while it is being erased. Renewed before each thread.
 */
const MIN_LEASE_MS = 60_000;
/**
 * The soonest a round comes again for an erasure left unfinished that is not yet due (its
 * farewell wait not passed): marks due at once wait this long, so that one that will not go
 * does not spin the loop.
 */
const RESUME_RETRY_MIN_MS = 1_000;

/**
 * Erases visitor threads idle longer than their agent's `retention_days` (CONTRACT §14), each
 * with `thread_deleted {reason: "retention"}` first. Every process runs one; only the holder
 * of the lease in the database sweeps, so a thread is erased by one process, once. Each round
 * first finishes the erasures a crash left half done (their marks, see
 * {@link PrivacyService.resumeErasures}); one not yet due brings a round forward to its time.
 *
 * A visitor's open thread (the one resolve resumes) goes only with the whole visitor, when
 * every thread of theirs is past the retention: a visitor row without its open thread cannot
 * be, and erasing the visitor while another of their threads is recent would take that too.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  /** The round brought forward for an unfinished erasure not yet due. */
  private resumeTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly privacy: PrivacyService,
    private readonly log: FastifyBaseLogger,
    private readonly options: { sweepMs: number; processId: string; clock?: () => number },
  ) {}

  /** Sweeps now, then every `sweepMs`. */
  start(): void {
    const sweep = () => {
      if (this.stopped) return;
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'retention sweep failed');
        })
        .finally(() => (this.sweeping = undefined));
    };
    this.sweepSoon = (at: number) => {
      clearTimeout(this.resumeTimer);
      const clock = this.options.clock?.() ?? Date.now();
      this.resumeTimer = setTimeout(sweep, Math.max(RESUME_RETRY_MIN_MS, at - clock));
      this.resumeTimer.unref();
    };
    sweep();
    this.timer = setInterval(sweep, this.options.sweepMs);
    this.timer.unref();
  }

  /** Brings a round forward to `at` (epoch ms); set by {@link start}. */
  private sweepSoon: (at: number) => void = () => {};

  /** One round: if this process holds (or takes) the lease, erases what is due. Returns how many threads went. */
  async sweep(): Promise<number> {
    const clock = () => this.options.clock?.() ?? Date.now();
    const now = clock();
    const leaseMs = Math.max(MIN_LEASE_MS, this.options.sweepMs * LEASE_INTERVALS);
    // Erasures a crash cut short first, under a lease of their own: one held by a process that died while sweeping
    // retention lasts sweep intervals, and these should not wait that long after a restart.
    const resumed = await this.privacy.resumeErasures(
      now,
      async () => !this.stopped && (await this.storage.privacy.takeErasureResumeLease(this.options.processId, clock(), MIN_LEASE_MS)),
    );
    if (resumed.nextDueAt !== null) this.sweepSoon(resumed.nextDueAt);
    if (!(await this.storage.privacy.takeRetentionLease(this.options.processId, clock(), leaseMs))) return resumed.erased;
    // Still ours before each thread (renewed): else another process sweeps now, and finds what is left.
    const stillOurs = async () =>
      !this.stopped && (await this.storage.privacy.takeRetentionLease(this.options.processId, clock(), leaseMs));
    const due = await this.storage.privacy.expiredThreads(now, SWEEP_BATCH);
    const expired = new Set(due.map((thread) => thread.threadId));
    let erased = resumed.erased;
    for (const thread of due) {
      if (!(await stillOurs())) break;
      if (!thread.open) {
        if (await this.privacy.eraseOneThread(thread.threadId, 'retention', 'system')) erased++;
        continue;
      }
      const visitor = await this.storage.privacy.visitor(thread.agentId, thread.visitorId);
      if (!visitor || !visitor.threadIds.every((id) => expired.has(id))) continue;
      erased += await this.privacy.eraseVisitor(visitor, 'retention', 'system');
    }
    if (erased > 0) this.log.info({ count: erased }, 'threads past their retention erased');
    return erased;
  }

  /** Stops sweeping and waits for a round under way (storage must stay open until then). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.resumeTimer);
    await this.sweeping;
  }
}
