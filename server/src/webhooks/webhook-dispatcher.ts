import { createHmac } from 'node:crypto';
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

interface Subscription {
  record: WebhookRecord;
  queue: ThreadEvent[];
  running: boolean;
}

/**
 * Posts every durable event of a thread to its webhooks. Each subscription has its own
 * queue, delivered in seq order; a failing receiver is retried with exponential backoff
 * and, after {@link WEBHOOK_MAX_ATTEMPTS} tries, turned `active: false`.
 */
export class WebhookDispatcher {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly retryBaseMs: number,
    private readonly guard: AddressGuard,
  ) {}

  /** Queues the event for every active webhook of its thread. */
  async enqueue(event: ThreadEvent): Promise<void> {
    if (this.stopped) return;
    for (const record of await this.storage.listActiveWebhooks(event.thread_id)) {
      let subscription = this.subscriptions.get(record.id);
      if (!subscription) this.subscriptions.set(record.id, (subscription = { record, queue: [], running: false }));
      subscription.queue.push(event);
      if (!subscription.running) {
        this.drain(subscription).catch((error: unknown) => {
          subscription.running = false;
          this.log.error({ err: error, subscription_id: record.id }, 'webhook delivery stopped');
        });
      }
    }
  }

  /** Forgets a removed subscription; what was queued for it is dropped. */
  forget(subscriptionId: string): void {
    this.subscriptions.delete(subscriptionId);
  }

  private async drain(subscription: Subscription): Promise<void> {
    subscription.running = true;
    while (!this.stopped && subscription.queue.length > 0 && this.subscriptions.get(subscription.record.id) === subscription) {
      const event = subscription.queue[0]!;
      const delivered = await this.deliverWithRetries(subscription.record, event);
      if (!delivered) {
        await this.storage.deactivateWebhook(subscription.record.id);
        this.subscriptions.delete(subscription.record.id);
        this.log.warn(
          { subscription_id: subscription.record.id, thread_id: event.thread_id },
          'webhook turned off after repeated failures',
        );
        break;
      }
      subscription.queue.shift();
    }
    subscription.running = false;
  }

  private async deliverWithRetries(record: WebhookRecord, event: ThreadEvent): Promise<boolean> {
    const body = JSON.stringify(event);
    // A subscription removed meanwhile (DELETE) gets no further tries.
    const removed = () => !this.subscriptions.has(record.id);
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS && !this.stopped && !removed(); attempt++) {
      const problem = await this.post(record, body, event, attempt);
      if (problem === null) return true;
      this.log.info({ subscription_id: record.id, thread_seq: event.thread_seq, attempt, problem }, 'webhook delivery failed');
      if (attempt < WEBHOOK_MAX_ATTEMPTS) await this.sleep(this.retryBaseMs * 2 ** (attempt - 1));
    }
    return this.stopped || removed();
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
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
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

  stop(): void {
    this.stopped = true;
    // Wake sleeping retries so their loops see `stopped` and end.
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
  }
}
