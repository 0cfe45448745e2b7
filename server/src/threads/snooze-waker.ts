import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';
import { wakeUp } from './ownership-rules.ts';
import type { OwnershipService } from './ownership-service.ts';

/**
 * How often every process looks for snoozed threads whose time has come: a thread opens
 * within this long after its `snoozed_until`.
 */
export const SNOOZE_SWEEP_MS = 1_000;
/** Threads woken per sweep at most; the next sweep takes the rest. */
const WAKE_UPS_PER_SWEEP = 200;

/**
 * Opens snoozed threads at their `snoozed_until` (CONTRACT §11: `status_changed` to `open` by
 * `system`). Every process sweeps; the wake-up is a conditional change under the thread's lock
 * (still snoozed, and due), so of several processes exactly one commits it, exactly once. The
 * time is stored, so a snooze that fell due while every process was down wakes on the next start.
 */
export class SnoozeWaker {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly ownership: OwnershipService,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Sweeps now, then every {@link SNOOZE_SWEEP_MS}. */
  start(): void {
    const sweep = () => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => {
          if (!this.stopped) this.log.error({ err: error }, 'waking snoozed threads failed');
        })
        .finally(() => (this.sweeping = undefined));
    };
    sweep();
    this.timer = setInterval(sweep, SNOOZE_SWEEP_MS);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    const now = new Date().toISOString();
    for (const threadId of await this.storage.ownership.dueSnoozes(now, WAKE_UPS_PER_SWEEP)) {
      if (this.stopped) return;
      await this.ownership.commit(threadId, wakeUp());
    }
  }

  /** Stops sweeping and waits for a sweep under way (storage must stay open until then). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
  }
}
