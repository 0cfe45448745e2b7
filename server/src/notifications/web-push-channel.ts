import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { Agent, buildConnector } from 'undici';
import type webPush from 'web-push';
import type { PushPayload } from '../../../src/core/protocol/notifications.ts';
import type { Storage } from '../storage/storage.ts';
import type { PushSubscriptionRecord, VapidKeyPair } from '../storage/stores/push-store.ts';
import { AddressRefused, type AddressGuard } from '../webhooks/address-guard.ts';
import type { ApprovalActionTokens } from './approval-action-tokens.ts';
import { BatchCoalescer } from './batch-coalescer.ts';
import type { DeliverableNotification, DeliveryOutcome, PushChannel } from './delivery-channels.ts';
import { PushEncryptionPool } from './push-encryption-pool.ts';
import { pushTopic } from './push-topic.ts';
import { postForStatus } from './status-only-request.ts';
import { VapidHeaderCache } from './vapid-header-cache.ts';

/** How long a push service may hold a message for an offline browser (RFC 8030 `TTL`): a day; approvals, until they expire. */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
/** How long one request to a push service may take before it counts as failed (and is retried). */
export const PUSH_TIMEOUT_MS = 10_000;
/**
 * Largest payload before encryption: RFC 8291 allows 4,096 bytes of body, less 86 of header
 * and padding overhead; the body is shortened to stay well inside it.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 3_500;
/**
 * Connections kept open to one push service (its origin) at most. A push service is a few
 * origins (FCM, Mozilla, Apple) for everyone's browsers: a new TCP and TLS handshake for every
 * push cost more than the push itself under load, so connections are reused (keep-alive).
 */
export const PUSH_SOCKETS_PER_ORIGIN = 32;
/** An idle kept-open connection to a push service is closed after this long. */
export const PUSH_IDLE_SOCKET_MS = 30_000;
/**
 * A subscription's `last_used_at` is written at most this often: it tells people which of
 * their devices still gets pushes, which a minute's precision does; a write per push was a
 * tenth of the push path's time.
 */
export const PUSH_TOUCH_EVERY_MS = 60_000;

/** Users whose subscriptions are read in one request at most (a delivery batch: see `DELIVERY_STORAGE_BATCH`). */
const SUBSCRIPTIONS_BATCH = 128;

/** What became of one subscription's request. */
type SendResult = 'sent' | 'gone' | 'retry' | 'refused';

export interface WebPushChannelDeps {
  storage: Storage;
  vapid: VapidKeyPair;
  /** `VAPID_SUBJECT`: `mailto:` or `https:`. */
  subject: string;
  /** §8's network rules, checked when connecting (and DNS rebinding with it). */
  guard: AddressGuard;
  tokens: ApprovalActionTokens;
  log: FastifyBaseLogger;
  timeoutMs?: number;
}

/** The payload, its body shortened (by characters, never mid-character) until its JSON fits {@link MAX_PUSH_PAYLOAD_BYTES}. */
function fitPayload(payload: PushPayload): string {
  let json = JSON.stringify(payload);
  // Most payloads fit: the body is split into characters only for one that does not.
  if (Buffer.byteLength(json) <= MAX_PUSH_PAYLOAD_BYTES) return json;
  let body = [...payload.body];
  while (Buffer.byteLength(json) > MAX_PUSH_PAYLOAD_BYTES && body.length > 0) {
    body = body.slice(0, Math.max(0, body.length - Math.ceil((Buffer.byteLength(json) - MAX_PUSH_PAYLOAD_BYTES) / 4) - 1));
    json = JSON.stringify({ ...payload, body: `${body.join('')}…` });
  }
  return json;
}

/**
 * Web push (RFC 8030) to every subscription of a user (CONTRACT §12): the payload encrypted
 * per RFC 8291 (`aes128gcm`) and signed per RFC 8292 (VAPID) by `web-push`, sent here over
 * `undici` (with the guard's `lookup`) so that §8's network rules hold at connect time. `Topic` from the notification
 * id, `TTL`, `Urgency: high` for approvals (which carry a one-time action token). A push
 * service's 404/410 removes the subscription; 429, 5xx, timeouts and network errors retry.
 * Logs name subscriptions by id: never an endpoint or a key (they are credentials).
 * Connections to a push service are kept open and reused ({@link PUSH_SOCKETS_PER_ORIGIN});
 * each new one is still checked against the network rules when it connects.
 */
export class WebPushChannel implements PushChannel {
  private readonly timeoutMs: number;
  private stopped = false;
  private readonly vapidHeaders: VapidHeaderCache;
  /** RFC 8291 encryption off the server's thread. */
  private readonly encryption = new PushEncryptionPool();
  /** The subscriptions of the users pushed to at the same moment, read together. */
  private readonly subscriptions: BatchCoalescer<string, PushSubscriptionRecord[]>;
  /** The `last_used_at` writes of the pushes answered at the same moment, as one write. */
  private readonly touches: BatchCoalescer<string, void>;
  /**
   * The HTTP client: `undici`, a pool of kept-open connections per origin. `node:http`'s
   * `ClientRequest` (an object, header validation and a writev per request) was a fifth of
   * the server's CPU per push (issue 18's profile). Each new connection resolves its host with
   * the guard's `lookup`, so §8's network rules hold at connect time; redirects are not followed
   * (`undici` follows none unless asked).
   */
  private readonly client: Agent;

  constructor(private readonly deps: WebPushChannelDeps) {
    this.timeoutMs = deps.timeoutMs ?? PUSH_TIMEOUT_MS;
    this.client = new Agent({
      connections: PUSH_SOCKETS_PER_ORIGIN,
      keepAliveTimeout: PUSH_IDLE_SOCKET_MS,
      keepAliveMaxTimeout: PUSH_IDLE_SOCKET_MS,
      // Both count from when the request is written on a connection: waiting in line for one of
      // the kept-open connections (a backlog of pushes) is not the push service failing to answer.
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: guardedConnector(deps.guard, this.timeoutMs),
    });
    this.vapidHeaders = new VapidHeaderCache(deps.vapid, deps.subject);
    this.subscriptions = new BatchCoalescer(async (userIds) => {
      const found = await deps.storage.push.listForUsers(userIds);
      return userIds.map((userId) => found.get(userId) ?? []);
    }, SUBSCRIPTIONS_BATCH);
    this.touches = new BatchCoalescer<string, void>(async (ids) => {
      await deps.storage.push.touchMany(ids, new Date().toISOString());
      return ids.map(() => undefined);
    }, SUBSCRIPTIONS_BATCH);
  }

  async deliver(item: DeliverableNotification): Promise<DeliveryOutcome> {
    const subscriptions = await this.subscriptions.load(item.userId);
    if (subscriptions.length === 0) return 'nothing_to_send';
    const { notification } = item;
    let ttl = PUSH_TTL_SECONDS;
    const payload: PushPayload = {
      notification_id: notification.id,
      kind: notification.kind,
      thread_id: notification.thread_id,
      thread_seq: notification.thread_seq,
      title: notification.title,
      body: notification.body,
    };
    if (item.approval) {
      const leftMs = Date.parse(item.approval.expiresAt) - Date.now();
      // An approval that expired cannot be decided: nothing worth a push.
      if (leftMs <= 0) return 'nothing_to_send';
      ttl = Math.ceil(leftMs / 1000);
      const token = await this.deps.tokens.mint(item.userId, item.approval.id, item.approval.expiresAt);
      payload.actions = { approval_id: item.approval.id, action_token: token };
    }
    const body = fitPayload(payload);
    // VAPID's Authorization is added per subscription, from the cache.
    const options: webPush.RequestOptions = {
      TTL: ttl,
      urgency: item.approval ? 'high' : 'normal',
      topic: pushTopic(notification.id),
      contentEncoding: 'aes128gcm',
    };
    const results = await Promise.all(subscriptions.map((subscription) => this.sendOne(subscription, body, options)));
    if (results.includes('retry')) return 'retry';
    return results.includes('sent') ? 'sent' : 'nothing_to_send';
  }

  /** Abandons requests in flight (the delivery stays queued for the next try). */
  stop(): void {
    this.stopped = true;
    void this.encryption.stop();
    // Requests in flight fail (their deliveries stay queued for the next try).
    void this.client.destroy(Object.assign(new Error('push channel stopped'), { code: 'ABORT_ERR' })).catch(() => undefined);
  }

  private async sendOne(subscription: PushSubscriptionRecord, body: string, options: webPush.RequestOptions): Promise<SendResult> {
    const { storage, log } = this.deps;
    const logged = { push_subscription_id: subscription.id, user_id: subscription.userId };
    let status: number;
    try {
      const details = await this.encryption.build(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        body,
        { ...options, headers: { Authorization: this.vapidHeaders.authorization(subscription.endpoint) } },
      );
      status = await this.post(new URL(subscription.endpoint), details.headers, details.body);
    } catch (error) {
      if (error instanceof AddressRefused) {
        log.warn({ ...logged, reason: error.message }, 'push endpoint refused by the network rules');
        return 'refused';
      }
      log.warn({ ...logged, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).name }, 'push request failed; will retry');
      return 'retry';
    }
    if (status >= 200 && status < 300) {
      const now = Date.now();
      const lastUsed = subscription.lastUsedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(subscription.lastUsedAt);
      // A thousand readers' first pushes were a thousand single-row writes (a commit each in SQLite).
      if (now - lastUsed >= PUSH_TOUCH_EVERY_MS) await this.touches.load(subscription.id);
      return 'sent';
    }
    if (status === 404 || status === 410) {
      await storage.push.removeGone(subscription.id);
      log.info({ ...logged, status }, 'push subscription gone; removed');
      return 'gone';
    }
    if (status === 429 || status >= 500) {
      log.warn({ ...logged, status }, 'push service busy or failing; will retry');
      return 'retry';
    }
    // 400, 401/403 (a VAPID key it does not accept), 413: another try would fail the same way.
    log.warn({ ...logged, status }, 'push service refused the message');
    return 'refused';
  }

  /** One POST, on a kept-open connection or a new one whose `lookup` is the guard's; redirects are not followed. */
  private async post(url: URL, headers: Record<string, string | number>, body: Buffer): Promise<number> {
    if (this.stopped) throw Object.assign(new Error('push channel stopped'), { code: 'ABORT_ERR' });
    try {
      // Only the status is used: the answer's body is read to its end and dropped, so the connection serves the next request.
      return await postForStatus(this.client, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        headers: rawHeaders(headers),
        body,
      });
    } catch (error) {
      // The guard's refusal, as the connection's error or its cause.
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof AddressRefused ? cause : error;
    }
  }
}

/**
 * Opens connections for the HTTP client under §8's network rules: a name is resolved and
 * checked by the guard's `lookup`; Node connects to an IP literal without calling `lookup`, so
 * that is checked here. Once per connection, not per push (kept-open connections are reused).
 */
function guardedConnector(guard: AddressGuard, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ lookup: guard.lookup, timeout: timeoutMs });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 0) return connect(options, callback);
    guard.addressesOf(host).then(
      () => connect(options, callback),
      (error: Error) => callback(error, null),
    );
  };
}

/** `web-push`'s headers as `undici` takes them cheapest: a flat array of names and values. */
function rawHeaders(headers: Record<string, string | number>): string[] {
  const raw: string[] = [];
  for (const name in headers) raw.push(name, String(headers[name]));
  return raw;
}
