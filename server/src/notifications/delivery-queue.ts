import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';
import type { NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import type { DeliveryEnd, QueuedDelivery } from '../storage/stores/notification-store.ts';
import { BatchCoalescer } from './batch-coalescer.ts';
import { FifoSlots } from './fifo-slots.ts';
import type { DeliverableNotification, DeliveryOutcome, EmailChannel, PushChannel } from './delivery-channels.ts';
import { effectiveSettings } from './notification-settings.ts';
import { quietUntil } from './quiet-hours.ts';

/** Every this often, each process looks for users with deliveries due and a free lease. */
export const DELIVERY_POLL_MS = 1_000;
/** A delivery whose channel answered `retry` this many times is given up (the notification stays in the app). */
export const DELIVERY_MAX_ATTEMPTS = 6;
/** Deliveries of one user and channel read at a time. */
const DELIVERY_BATCH = 50;
/** Users taken up per poll at most; the rest wait for the next poll. */
const DUE_BATCH = 100;
/**
 * Users whose same step (claim, read, end, release) is asked of the storage as one request at
 * most: a busy thread wakes all its readers at once, and a round trip per batch rather than per
 * user is what keeps commit → push short (issue 18). Bounds the size of one statement.
 */
export const DELIVERY_STORAGE_BATCH = 128;
/**
 * Users being pushed to at the same moment, at most (email goes after the turn); the rest wait
 * their turn, in order. A user's notification is read when their turn comes, so on a busy
 * thread each push carries the newest message at its send. Read by all thousand readers at
 * once, the first message went to all of them, the last a whole round of pushes late, and
 * what came meanwhile waited for the next round (issue 18).
 */
export const DELIVERY_CONCURRENCY = DELIVERY_STORAGE_BATCH;
/** Users let in at a time when slots come free (see `FifoSlots`): a group's storage steps are joined. */
export const DELIVERY_TURN_GROUP = 32;
/**
 * On stop, how long a channel's try in flight may take before the process goes on shutting
 * down without it (the channels take no abort signal); its delivery stays queued for the next
 * process once the lease runs out.
 */
export const STOP_GRACE_MS = 5_000;

/** The channels this server has; an absent one means notifications stay in the app. */
export interface DeliveryChannels {
  push?: PushChannel;
  email?: EmailChannel;
}

/** What the delivery queue needs besides storage. */
export interface DeliveryQueueDeps {
  storage: Storage;
  log: FastifyBaseLogger;
  channels: DeliveryChannels;
  leaseMs: number;
  /** The wait after a first `retry`; doubles with every try. */
  retryBaseMs: number;
  /** The notification clock (epoch ms): delays and quiet hours are judged by it. */
  clock: () => number;
  /** Who focuses a thread now, on any process. */
  viewers: (threadId: string) => string[];
  /** Turns at delivering (tests): {@link DELIVERY_CONCURRENCY} users, let in {@link DELIVERY_TURN_GROUP} at a time, by default. */
  turns?: { slots: number; group: number };
}

interface Worker {
  again: boolean;
  done: Promise<void>;
}

/**
 * How a delivery is ended: with the seq of its notification as sent (or judged stale). One whose
 * notification a newer message updated meanwhile stays queued, and the newer content goes next.
 */
const endOf = (queued: QueuedDelivery): DeliveryEnd => ({ position: queued.position, threadSeq: queued.item.notification.thread_seq });

const toDeliverable = (queued: QueuedDelivery): DeliverableNotification => ({
  userId: queued.item.userId,
  notification: queued.item.notification,
  ...(queued.item.approval ? { approval: queued.item.approval } : {}),
});

/**
 * Hands queued push and email deliveries to their channels (CONTRACT §12), from whichever
 * process is up: a process takes a user's delivery lease (one at a time per user, so a
 * user's items go out in order), delivers what is due and ends each delivery only after
 * its channel answered, so a process killed mid-delivery leaves it to the next (at least
 * once). Push goes item by item, email as one digest of everything due for the user. An item
 * is skipped when, by then, the user has read the thread up to its seq, focuses the thread,
 * or can no longer read it; quiet hours hold everything until they end; a `retry` waits
 * {@link DeliveryQueueDeps.retryBaseMs}, doubling, for at most {@link DELIVERY_MAX_ATTEMPTS} tries.
 */
export class DeliveryQueue {
  /** This process's name on the leases it holds. */
  readonly owner = randomUUID();
  private readonly workers = new Map<string, Worker>();
  /** Turns at delivering (see {@link DELIVERY_CONCURRENCY}). */
  private readonly slots: FifoSlots;
  /** The storage steps of the users being delivered to, joined per batch (see {@link BatchCoalescer}). */
  private readonly batched;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(private readonly deps: DeliveryQueueDeps) {
    this.slots = new FifoSlots(deps.turns?.slots ?? DELIVERY_CONCURRENCY, deps.turns?.group ?? DELIVERY_TURN_GROUP);
    const store = deps.storage.notifications;
    const size = DELIVERY_STORAGE_BATCH;
    this.batched = {
      claim: new BatchCoalescer<string, boolean>(async (userIds) => {
        const claimed = new Set(await store.claimUsers(userIds, this.owner, deps.leaseMs));
        return userIds.map((userId) => claimed.has(userId));
      }, size),
      release: new BatchCoalescer<string, void>(async (userIds) => {
        await store.releaseUsers(userIds, this.owner);
        return userIds.map(() => undefined);
      }, size),
      queued: new BatchCoalescer<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>(async (userIds) => {
        const found = await store.queuedOfUsers(userIds, DELIVERY_BATCH);
        return userIds.map((userId) => found.get(userId) ?? { push: [], email: [] });
      }, size),
      settings: new BatchCoalescer<string, NotificationSettings | undefined>(async (userIds) => {
        const found = await store.settingsOf([...new Set(userIds)]);
        return userIds.map((userId) => found.get(userId));
      }, size),
      finish: new BatchCoalescer<{ userId: string; ended: readonly DeliveryEnd[] }, boolean>(async (ends) => {
        const held = await store.finishMany(this.owner, ends);
        return ends.map(({ userId }) => held.has(userId));
      }, size),
    };
  }

  /** Whether any channel is wired: without one, nothing is queued and nothing polled. */
  get active(): boolean {
    return this.deps.channels.push !== undefined || this.deps.channels.email !== undefined;
  }

  start(): void {
    if (this.stopped || this.poller || !this.active) return;
    this.poller = setInterval(() => void this.poll(), DELIVERY_POLL_MS);
    void this.poll();
  }

  /** The user has new deliveries (or due ones): look now. */
  wake(userId: string): void {
    if (this.stopped || !this.active) return;
    const running = this.workers.get(userId);
    if (running) {
      running.again = true;
      return;
    }
    const worker: Worker = { again: false, done: Promise.resolve() };
    this.workers.set(userId, worker);
    worker.done = this.work(userId, worker)
      .catch((error: unknown) => {
        if (!this.stopped) this.deps.log.error({ err: error, user_id: userId }, 'notification delivery stopped');
      })
      .finally(() => this.workers.delete(userId));
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const userId of await this.deps.storage.notifications.dueUsers(this.deps.clock(), DUE_BATCH)) this.wake(userId);
    } catch (error) {
      if (!this.stopped) this.deps.log.error({ err: error }, 'looking for due notification deliveries failed');
    } finally {
      this.polling = false;
    }
  }

  private async work(userId: string, worker: Worker): Promise<void> {
    const store = this.deps.storage.notifications;
    do {
      worker.again = false;
      if (!(await this.batched.claim.load(userId))) return;
      let lost = false;
      const renewal = setInterval(() => {
        // Stopped with a channel's try still in flight: the lease runs out, and another process takes the delivery up.
        if (this.stopped) {
          clearInterval(renewal);
          return;
        }
        store.renewUser(userId, this.owner, this.deps.leaseMs).then(
          (held) => (lost ||= !held),
          (error: unknown) => this.deps.log.warn({ err: error, user_id: userId }, 'renewing a delivery lease failed'),
        );
      }, this.deps.leaseMs / 3);
      try {
        // Woken again meanwhile (a busy thread: its notification was updated while it was being
        // pushed): another round under the same lease, rather than a release and a new claim. Each
        // round waits its turn (see DELIVERY_CONCURRENCY), so one woken again goes to the back of the line.
        do {
          await this.slots.acquire();
          let emailWaits = false;
          try {
            worker.again = false;
            if (lost || this.stopped) break;
            // Both channels in one read; email is read again only when something waits for it (its
            // items may have moved on while the pushes went out). The settings at the same time:
            // each step in a row is a round trip of the turn's, before its push goes out.
            const [queued, settings] = await Promise.all([this.batched.queued.load(userId), this.batched.settings.load(userId)]);
            if (!(await this.deliverPush(userId, queued.push, settings))) lost = true;
            emailWaits = queued.email.length > 0;
          } finally {
            this.slots.release();
          }
          // After the turn: a slow mail server holds up nobody's pushes.
          if (emailWaits && !lost && !this.stopped && !(await this.deliverEmail(userId))) lost = true;
        } while (worker.again && !lost && !this.stopped);
      } finally {
        clearInterval(renewal);
        if (!lost) await this.batched.release.load(userId);
      }
      // Woken while the lease was being released: claim it again.
    } while (worker.again && !this.stopped);
  }

  /**
   * What to do with due items before a channel sees them: `hold` until quiet hours end, or the
   * items still worth sending (the rest are ended here). False when the lease was lost.
   */
  private async screen(
    userId: string,
    due: QueuedDelivery[],
    known?: { settings: NotificationSettings | undefined },
  ): Promise<{ held: true } | { send: QueuedDelivery[] } | false> {
    const store = this.deps.storage.notifications;
    const settings = effectiveSettings(known ? known.settings : await this.batched.settings.load(userId));
    const now = this.deps.clock();
    const quietEnd = quietUntil(settings.quiet_hours, now);
    if (quietEnd !== null) {
      for (const item of due) {
        if (!(await store.postpone(userId, this.owner, [item.position], quietEnd, item.attempts))) return false;
      }
      return { held: true };
    }
    const send: QueuedDelivery[] = [];
    const skipped: QueuedDelivery[] = [];
    for (const item of due) {
      if (this.stale(item)) skipped.push(item);
      else send.push(item);
    }
    if (skipped.length > 0 && !(await this.batched.finish.load({ userId, ended: skipped.map(endOf) }))) return false;
    return { send };
  }

  /**
   * Read up to its seq, focused, or no longer readable by the time of delivery: not worth a push
   * or an email. The read state is the one read with the item, in the same statement.
   */
  private stale(item: QueuedDelivery): boolean {
    const { thread_id: threadId, thread_seq: seq } = item.item.notification;
    if (item.readSeq === null || item.readSeq >= seq) return true;
    return this.deps.viewers(threadId).includes(`user:${item.item.userId}`);
  }

  /**
   * The leading items that are due. A later one never overtakes an earlier one still waiting
   * (held by quiet hours, backing off): it is put off to the same time, so that polls do not
   * keep finding it due. False when the lease was lost.
   */
  private async dueItems(userId: string, channel: 'push' | 'email', read?: QueuedDelivery[]): Promise<QueuedDelivery[] | false> {
    const store = this.deps.storage.notifications;
    const queued = read ?? (await store.queued(userId, channel, DELIVERY_BATCH));
    const now = this.deps.clock();
    const firstWaiting = queued.findIndex((item) => item.dueAt > now);
    if (firstWaiting === -1) return queued;
    const waitUntil = queued[firstWaiting]!.dueAt;
    for (const item of queued.slice(firstWaiting + 1)) {
      if (item.dueAt < waitUntil && !(await store.postpone(userId, this.owner, [item.position], waitUntil, item.attempts))) return false;
    }
    return queued.slice(0, firstWaiting);
  }

  /**
   * Push, one item at a time, in order, starting with the queued items just read (and the
   * settings read with them, for the first batch). False when the lease was lost.
   */
  private async deliverPush(userId: string, read: QueuedDelivery[], settings: NotificationSettings | undefined): Promise<boolean> {
    const push = this.deps.channels.push;
    let first: QueuedDelivery[] | undefined = read;
    for (;;) {
      if (this.stopped) return true;
      const known = first ? { settings } : undefined;
      const due = await this.dueItems(userId, 'push', first);
      first = undefined;
      if (due === false) return false;
      if (due.length === 0) return true;
      const screened = await this.screen(userId, due, known);
      if (screened === false) return false;
      if ('held' in screened) return true;
      // Items sent are ended together (one write per batch, not per push), before anything is
      // put off and before the next batch is read: a process killed meanwhile leaves them
      // queued, and the next sends them again (at least once; the same Topic and tag collapse them).
      const ended: QueuedDelivery[] = [];
      const endSent = async () => ended.length === 0 || (await this.batched.finish.load({ userId, ended: ended.splice(0).map(endOf) }));
      for (const item of screened.send) {
        if (this.stopped) return endSent();
        const outcome: DeliveryOutcome = push ? await push.deliver(toDeliverable(item)) : 'nothing_to_send';
        if (outcome !== 'retry' || item.attempts + 1 >= DELIVERY_MAX_ATTEMPTS) {
          if (outcome === 'retry') this.givenUp(userId, item.attempts + 1);
          ended.push(item);
          continue;
        }
        if (!(await endSent())) return false;
        return (await this.settle(userId, [item], outcome)) === 'waiting';
      }
      if (!(await endSent())) return false;
      if (due.length < DELIVERY_BATCH) return true;
    }
  }

  /** Email: everything due for the user as one digest. False when the lease was lost. */
  private async deliverEmail(userId: string): Promise<boolean> {
    const email = this.deps.channels.email;
    const due = await this.dueItems(userId, 'email');
    if (due === false) return false;
    if (due.length === 0) return true;
    const screened = await this.screen(userId, due);
    if (screened === false) return false;
    if ('held' in screened || screened.send.length === 0) return true;
    const user = await this.deps.storage.users.get(userId);
    const settings = effectiveSettings((await this.deps.storage.notifications.settingsOf([userId])).get(userId));
    const outcome: DeliveryOutcome =
      email && user && !user.disabled
        ? await email.deliver(
            { id: user.id, name: user.name, email: user.email, language: settings.language },
            screened.send.map(toDeliverable),
          )
        : 'nothing_to_send';
    return (await this.settle(userId, screened.send, outcome)) !== 'lost';
  }

  /** Ends the items (sent, nothing to send, or out of tries) or puts them off with backoff. */
  private async settle(userId: string, items: QueuedDelivery[], outcome: DeliveryOutcome): Promise<'done' | 'waiting' | 'lost'> {
    const store = this.deps.storage.notifications;
    const positions = items.map((item) => item.position);
    const attempts = Math.max(...items.map((item) => item.attempts)) + 1;
    if (outcome !== 'retry' || attempts >= DELIVERY_MAX_ATTEMPTS) {
      if (outcome === 'retry') this.givenUp(userId, attempts);
      return (await this.batched.finish.load({ userId, ended: items.map(endOf) })) ? 'done' : 'lost';
    }
    const dueAt = this.deps.clock() + this.deps.retryBaseMs * 2 ** (attempts - 1);
    return (await store.postpone(userId, this.owner, positions, dueAt, attempts)) ? 'waiting' : 'lost';
  }

  private givenUp(userId: string, attempts: number): void {
    this.deps.log.warn({ user_id: userId, attempts }, 'notification delivery given up after repeated failures');
  }

  /** Stops: deliveries in flight finish their current item (for at most {@link STOP_GRACE_MS}); held leases are released. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.workers.values()].map((worker) => worker.done)),
      new Promise((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(grace);
  }
}
