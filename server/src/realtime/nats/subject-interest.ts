/**
 * How long a subscription outlives its last holder: a socket that reconnects, or the next
 * one to open, finds it still there instead of waiting for the NATS server again.
 */
export const INTEREST_GRACE_MS = 30_000;

/**
 * How long a holder waits for the NATS server to confirm a new subscription. While NATS is
 * away the confirmation cannot come: the socket opens anyway, as it would in one process,
 * and its clients catch up from the log once NATS is back (`Realtime.onInterrupted`).
 */
export const INTEREST_CONFIRM_WAIT_MS = 2_000;

/** A live subscription as the NATS client gives it. */
export interface OpenedSubscription {
  unsubscribe(): void;
}

export interface SubjectInterestOptions {
  /** Subscribes (the client sends `SUB` when it next writes). */
  subscribe: () => OpenedSubscription;
  /** Resolves once the NATS server has everything sent so far, the `SUB` included. */
  confirm: () => Promise<void>;
  /** A confirmation that failed or took too long (logged, not thrown). */
  unconfirmed?: (error: Error) => void;
  graceMs?: number;
  confirmWaitMs?: number;
}

/**
 * A subscription held only while something in this process needs it, counted by holders.
 * Thread frames are most of what the bus carries (every commit, every streamed token): a
 * process with no live receiver (an API-only process, a command) need not be sent them.
 * The first holder subscribes and waits for the server's confirmation, so that every frame
 * published after `hold()` resolves reaches this process; the last one to let go starts
 * {@link INTEREST_GRACE_MS}, after which the subscription ends.
 */
export class SubjectInterest {
  private holders = 0;
  private subscription: OpenedSubscription | undefined;
  private confirmed: Promise<void> | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private readonly graceMs: number;
  private readonly confirmWaitMs: number;

  constructor(private readonly options: SubjectInterestOptions) {
    this.graceMs = options.graceMs ?? INTEREST_GRACE_MS;
    this.confirmWaitMs = options.confirmWaitMs ?? INTEREST_CONFIRM_WAIT_MS;
  }

  /** Whether the subscription exists now (held, or within its grace). */
  get subscribed(): boolean {
    return this.subscription !== undefined;
  }

  /** Holds the subscription until the returned function is called (once; later calls do nothing). */
  async hold(): Promise<() => void> {
    this.holders++;
    if (this.idle !== undefined) {
      clearTimeout(this.idle);
      this.idle = undefined;
    }
    if (!this.subscription) {
      this.subscription = this.options.subscribe();
      this.confirmed = this.confirmWithin();
    }
    await this.confirmed;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** Ends the subscription now, whoever holds it (the connection is closing). */
  close(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    this.end();
  }

  private release(): void {
    this.holders--;
    if (this.holders > 0 || !this.subscription) return;
    this.idle = setTimeout(() => {
      this.idle = undefined;
      if (this.holders === 0) this.end();
    }, this.graceMs);
    this.idle.unref();
  }

  private end(): void {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.confirmed = undefined;
    subscription?.unsubscribe();
  }

  private async confirmWithin(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`NATS did not confirm a subscription within ${this.confirmWaitMs} ms.`)),
        this.confirmWaitMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([this.options.confirm(), late]);
    } catch (error) {
      this.options.unconfirmed?.(error as Error);
    } finally {
      clearTimeout(timer);
    }
  }
}
