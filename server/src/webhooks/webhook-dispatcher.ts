import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { Storage, WebhookRecord } from '../storage/storage.ts';
import { AddressRefused, bareHost, type AddressGuard } from './address-guard.ts';

/** A delivery is tried this many times in all before the subscription is turned off (CONTRACT §8). */
const WEBHOOK_MAX_ATTEMPTS = 5;
/** A receiver that has not answered within this long counts as a failed try. */
const WEBHOOK_TIMEOUT_MS = 10_000;
const SIGNATURE_HEADER = 'x-ama2-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body>`, keyed by the subscription's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Every this often, each process looks for subscriptions with undelivered events and a free lease. */
export const WEBHOOK_POLL_MS = 1_000;
/** Events read from the log at a time for one subscription. */
const DELIVERY_BATCH = 100;
/** Subscriptions taken up per poll at most; the rest wait for the next poll. */
const DUE_BATCH = 100;
/** `<subscription_id>:<thread_seq>`, the same on every try and every re-delivery: receivers dedupe on it. */
const DELIVERY_HEADER = 'x-ama2-delivery';

/** The delivery settings of a process. */
export interface WebhookSettings {
  /** First retry delay; doubles on every try. */
  retryBaseMs: number;
  /** How long a hold on a subscription lasts unrenewed (renewed every third of it while working). */
  leaseMs: number;
}

/** A subscription this process is delivering. */
interface Worker {
  /** Something was committed meanwhile: look again after releasing. */
  again: boolean;
  /** Unsubscribed through this process: stop at once. */
  removed: boolean;
  done: Promise<void>;
}

/** The lease this process holds on one subscription, renewed in the background. */
interface HeldLease {
  lost: boolean;
  stop(): void;
}

type Outcome = 'delivered' | 'failed' | 'stopped';

/**
 * Posts every durable event of a thread to its webhooks, from whichever process is up.
 * The thread's log is the queue: each subscription keeps a cursor (the last seq delivered)
 * and a lease in storage. A process takes the lease (one atomic update, so one process at
 * a time), posts the events after the cursor in seq order, moves the cursor after each
 * 2xx, and releases the lease when caught up. It does so on every local commit, and every
 * {@link WEBHOOK_POLL_MS} for subscriptions with undelivered events whose lease is free or
 * expired: events committed on another process, or left by a process that died.
 *
 * Delivery is at least once: a process that dies between a receiver's 2xx and the cursor
 * update leaves that event to be posted again, with the same `x-ama2-delivery` header.
 * A failing receiver is retried with exponential backoff and, after
 * {@link WEBHOOK_MAX_ATTEMPTS} tries, turned `active: false`.
 *
 * A subscription lives only as long as its creator's rights: the claim, every cursor move
 * and the lease renewal before a retry check in the same statement that the creator is
 * enabled, on the session version they subscribed with and still sees the thread, and turn
 * the subscription off with the reason when not. So every POST follows such a check, made
 * in the database, whichever process (or the admin CLI) made the change.
 */
export class WebhookDispatcher {
  /** This process's name on the leases it holds. */
  readonly owner = randomUUID();
  private readonly workers = new Map<string, Worker>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly aborts = new AbortController();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly settings: WebhookSettings,
    private readonly guard: AddressGuard,
  ) {}

  /** Starts polling, at once first: what a process that stopped or died left undelivered goes out now. */
  start(): void {
    if (this.stopped || this.poller) return;
    this.poller = setInterval(() => void this.poll(), WEBHOOK_POLL_MS);
    void this.poll();
  }

  /**
   * A committed event: the thread's subscriptions are delivered from the log. `activeIds` are
   * the thread's active subscriptions when the commit read them in its own statement (then
   * they are not listed again); a subscription added after that statement is found by the next
   * commit or poll.
   */
  async enqueue(event: ThreadEvent, activeIds?: readonly string[]): Promise<void> {
    if (this.stopped) return;
    const ids = activeIds ?? (await this.storage.webhooks.listActive(event.thread_id)).map((record) => record.id);
    for (const id of ids) this.wake(id);
  }

  /** A subscription removed through this process: its delivery (and retries) stop here at once. */
  forget(subscriptionId: string): void {
    const worker = this.workers.get(subscriptionId);
    if (worker) worker.removed = true;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const id of await this.storage.webhooks.due(DUE_BATCH)) this.wake(id);
    } catch (error) {
      if (!this.stopped) this.log.error({ err: error }, 'looking for undelivered webhook events failed');
    } finally {
      this.polling = false;
    }
  }

  private wake(id: string): void {
    if (this.stopped) return;
    const running = this.workers.get(id);
    if (running) {
      running.again = true;
      return;
    }
    const worker: Worker = { again: false, removed: false, done: Promise.resolve() };
    this.workers.set(id, worker);
    worker.done = this.work(id, worker)
      .catch((error: unknown) => this.log.error({ err: error, subscription_id: id }, 'webhook delivery stopped'))
      .finally(() => this.workers.delete(id));
  }

  private async work(id: string, worker: Worker): Promise<void> {
    do {
      worker.again = false;
      const record = await this.storage.webhooks.claim(id, this.owner, this.settings.leaseMs);
      // Held by another process (which delivers what is there), removed or turned off.
      if (!record) return;
      if (!record.active) {
        // The claim found that its creator may no longer have it, and turned it off.
        this.log.warn({ subscription_id: id, reason: record.inactiveReason }, "webhook turned off: its creator's rights ended");
        return;
      }
      const lease = this.keepLease(id);
      try {
        await this.deliverPending(record, worker, lease);
      } finally {
        lease.stop();
        if (!lease.lost) await this.storage.webhooks.release(id, this.owner);
      }
    } while (worker.again && !worker.removed && !this.stopped);
  }

  /** Renews the lease every third of its length until stopped; `lost` once storage says it is someone else's. */
  private keepLease(id: string): HeldLease {
    const lease: HeldLease = { lost: false, stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      this.storage.webhooks.renew(id, this.owner, this.settings.leaseMs).then(
        (held) => {
          if (!held) lease.lost = true;
        },
        (error: unknown) => this.log.warn({ err: error, subscription_id: id }, 'renewing a webhook lease failed'),
      );
    }, this.settings.leaseMs / 3);
    return lease;
  }

  /** Posts the events after the cursor, in seq order, until caught up (or the lease is lost, or the process stops). */
  private async deliverPending(record: WebhookRecord, worker: Worker, lease: HeldLease): Promise<void> {
    let cursor = record.deliveredSeq;
    for (;;) {
      const { events } = await this.storage.log.list(record.threadId, cursor, DELIVERY_BATCH);
      if (events.length === 0) return;
      for (const event of events) {
        const outcome = await this.deliverWithRetries(record, event, worker, lease);
        if (outcome === 'stopped') return;
        if (outcome === 'failed') {
          await this.storage.webhooks.deactivate(record.id);
          lease.lost = true; // turning it off freed the lease
          this.log.warn({ subscription_id: record.id, thread_id: event.thread_id }, 'webhook turned off after repeated failures');
          return;
        }
        // Also checks the creator's rights, before the next event is posted.
        if (!(await this.storage.webhooks.advance(record.id, this.owner, event.thread_seq, this.settings.leaseMs))) {
          // Another process took over (this one was too slow to renew), the subscription is gone, or it was turned off.
          lease.lost = true;
          await this.logTurnedOff(record.id);
          return;
        }
        cursor = event.thread_seq;
      }
    }
  }

  private async deliverWithRetries(record: WebhookRecord, event: ThreadEvent, worker: Worker, lease: HeldLease): Promise<Outcome> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      if (!(await this.stillOurs(record.id, worker, lease, attempt))) return 'stopped';
      const problem = await this.post(record, body, event, attempt);
      if (problem === null) return 'delivered';
      this.log.info({ subscription_id: record.id, thread_seq: event.thread_seq, attempt, problem }, 'webhook delivery failed');
      if (attempt < WEBHOOK_MAX_ATTEMPTS) await this.sleep(this.settings.retryBaseMs * 2 ** (attempt - 1));
    }
    return (await this.stillOurs(record.id, worker, lease, 2)) ? 'failed' : 'stopped';
  }

  /**
   * Whether to go on: not stopping, the lease held, and (on a retry) the lease renewed, which
   * storage grants only while the subscription is there and on and its creator may still have
   * it (a DELETE or a creator's lost rights, on any process, end the tries). A first try needs
   * no look: the claim or the last cursor move just checked the same.
   */
  private async stillOurs(id: string, worker: Worker, lease: HeldLease, attempt: number): Promise<boolean> {
    if (this.stopped || worker.removed || lease.lost) return false;
    if (attempt === 1) return true;
    if (await this.storage.webhooks.renew(id, this.owner, this.settings.leaseMs)) return true;
    lease.lost = true;
    await this.logTurnedOff(id);
    return false;
  }

  /** Says so when a subscription given up was turned off for its creator's rights (not merely taken over or deleted). */
  private async logTurnedOff(id: string): Promise<void> {
    const record = await this.storage.webhooks.get(id);
    if (record && !record.active && record.inactiveReason !== 'delivery_failed') {
      this.log.warn({ subscription_id: id, reason: record.inactiveReason }, "webhook turned off: its creator's rights ended");
    }
  }

  /**
   * One try; null when the receiver answered 2xx, else what went wrong. The address is
   * checked when connecting (the guard's `lookup`; IP literals up front), so a refused
   * address is a failed try like any other.
   */
  private async post(record: WebhookRecord, body: string, event: ThreadEvent, attempt: number): Promise<string | null> {
    try {
      const url = new URL(record.callbackUrl);
      // Node connects to an IP literal without calling `lookup`: check it here. Names are checked by the lookup.
      if (isIP(bareHost(url)) !== 0) await this.guard.addressesOf(bareHost(url));
      const status = await this.send(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            [SIGNATURE_HEADER]: signBody(record.secret, body),
            'x-ama2-event-id': event.event_id,
            'x-ama2-subscription-id': record.id,
            'x-ama2-delivery-attempt': String(attempt),
            [DELIVERY_HEADER]: `${record.id}:${event.thread_seq}`,
          },
        },
        body,
      );
      return status >= 200 && status < 300 ? null : `HTTP ${status}`;
    } catch (error) {
      if (error instanceof AddressRefused) return `refused: ${error.message}`;
      return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : 'network error';
    }
  }

  /** POSTs with `node:http(s)`, whose `lookup` hook lets the guard see every address before connecting. */
  private send(url: URL, options: RequestOptions, body: string): Promise<number> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          ...options,
          hostname: bareHost(url),
          // A fresh connection per try: a pooled one would skip the connect-time check.
          agent: false,
          lookup: this.guard.lookup as RequestOptions['lookup'],
          // Stopping the process ends a try in flight; its event stays after the cursor for the next owner.
          signal: AbortSignal.any([AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), this.aborts.signal]),
        },
        (response) => {
          // Redirects are not followed: a 3xx is a failed try, like any other non-2xx.
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Stops delivering: tries in flight are abandoned (their events stay for the next owner) and held leases are released. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    this.aborts.abort();
    // Wake sleeping retries so their loops see `stopped` and end.
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }
}
