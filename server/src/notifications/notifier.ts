import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';
import type { Hub, UserFrame } from '../realtime/hub.ts';
import { Outbound } from '../realtime/outbound.ts';
import type { Storage, ThreadRecord } from '../storage/storage.ts';
import type { StoredNotification } from '../storage/stores/notification-store.ts';
import { evaluateSlices } from './evaluate-slices.ts';
import type { DeliveryPlan, ThreadAudience } from './notification-rules.ts';
import { effectiveSettings } from './notification-settings.ts';

/**
 * Every this often, each process looks for threads with events past their cursor and a free
 * lease. Only a process that died leaves such a thread (see {@link Notifier}), and its lease
 * holds them for longer than this anyway; the look reads every thread, so it is not frequent.
 */
export const NOTIFY_POLL_MS = 5_000;
/** Events read from the log at a time for one thread (their audience is read once for them). */
const RULES_BATCH = 200;
/**
 * Notifications written at a time, at most: events are stored in slices of this many writes (at
 * least one event), so that the first pushes of a big batch go out once a slice is stored. Not
 * smaller: each stored slice rewrites the index pages of every reader it touches (SQLite's WAL).
 * A user's `message` notifications of one slice are one write (one unread per user and thread),
 * so on a busy thread a slice holds many events: a thousand readers' 200 messages are one
 * slice of a thousand writes, not 40 slices of 5,000.
 */
export const RULES_BATCH_NOTIFICATIONS = 5_000;

/**
 * After a round of a thread, how long its worker stays to take what is committed meanwhile in
 * one more round (a busy thread): each round reads the thread's audience (a thousand readers'
 * names and settings) and rewrites each reader's unread `message` notification once, so a round
 * of several messages costs about what one message's does. A commit to a quiet thread starts a
 * round at once; this only spaces the rounds that follow, and is short against the 500 ms a push
 * may take (issue 18).
 */
export const NOTIFY_COALESCE_MS = 100;
/** Threads taken up per poll at most; the rest wait for the next poll. */
const DUE_BATCH = 100;

/** What the notifier needs besides storage. */
export interface NotifierDeps {
  storage: Storage;
  hub: Hub;
  log: FastifyBaseLogger;
  leaseMs: number;
  /** Which channels deliveries are queued for, the clock and the email delay override. */
  plan: () => DeliveryPlan;
  /** Users with deliveries queued just now: the delivery queue looks at them at once. */
  queued: (userIds: ReadonlySet<string>) => void;
  /**
   * Each batch of events, before the cursor moves past it: visitor follow-ups are scheduled
   * from it (idempotent, so a batch evaluated again after a crash does no harm). `thread` is the
   * record the batch's audience was read from (undefined: the thread is gone): a busy thread's
   * thousand participants are read once per batch, not once more here.
   */
  evaluated?: (events: readonly ThreadEvent[], thread: ThreadRecord | undefined) => Promise<void>;
}

interface Worker {
  again: boolean;
  done: Promise<void>;
}

/**
 * Makes notifications from the log (CONTRACT §12), after the commit and never inside it.
 * Like the webhooks, the thread's log is the queue: each thread has a cursor ("notified up
 * to seq") and a lease in storage. A process takes the lease, evaluates the events after the
 * cursor in batches (the thread's audience and their settings read once per batch), and
 * stores each batch's notifications, their queued deliveries and the cursor's move in one
 * transaction; a (user, kind, thread, seq) already stored is skipped, so however many
 * processes run, each notification is made once. It does so on every local commit. A commit
 * on another process while this one holds the lease is not lost: after releasing, the holder
 * looks at the log once more (the other's claim failed before the release, so its event is
 * there by then). Every {@link NOTIFY_POLL_MS} it also takes up threads whose lease ran out,
 * left by a process that died. Each new notification then goes to its user's sockets on
 * every process as `{type: "notification"}`, in order.
 */
export class Notifier {
  /** This process's name on the leases it holds. */
  readonly owner = randomUUID();
  private readonly workers = new Map<string, Worker>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(private readonly deps: NotifierDeps) {}

  /** Starts polling, at once first: what a process that stopped or died left is taken up now. */
  start(): void {
    if (this.stopped || this.poller) return;
    this.poller = setInterval(() => void this.poll(), NOTIFY_POLL_MS);
    void this.poll();
  }

  /** Something was committed in the thread. */
  committed(threadId: string): void {
    if (this.stopped) return;
    const running = this.workers.get(threadId);
    if (running) {
      running.again = true;
      return;
    }
    const worker: Worker = { again: false, done: Promise.resolve() };
    this.workers.set(threadId, worker);
    worker.done = this.work(threadId, worker)
      .catch((error: unknown) => {
        if (!this.stopped) this.deps.log.error({ err: error, thread_id: threadId }, 'making notifications stopped');
      })
      .finally(() => this.workers.delete(threadId));
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const threadId of await this.deps.storage.notifications.dueThreads(DUE_BATCH)) this.committed(threadId);
    } catch (error) {
      if (!this.stopped) this.deps.log.error({ err: error }, 'looking for threads to notify about failed');
    } finally {
      this.polling = false;
    }
  }

  private async work(threadId: string, worker: Worker): Promise<void> {
    const store = this.deps.storage.notifications;
    do {
      worker.again = false;
      const cursor = await store.claimThread(threadId, this.owner, this.deps.leaseMs);
      // Held by another process, which evaluates what is there (and what it finds after).
      if (cursor === undefined) return;
      let lost = false;
      let reached = cursor;
      const renewal = setInterval(() => {
        store.renewThread(threadId, this.owner, this.deps.leaseMs).then(
          (held) => (lost ||= !held),
          (error: unknown) => this.deps.log.warn({ err: error, thread_id: threadId }, 'renewing a notification lease failed'),
        );
      }, this.deps.leaseMs / 3);
      try {
        const caughtUp = await this.catchUp(threadId, cursor, () => lost);
        if (caughtUp === null) lost = true;
        else reached = caughtUp;
      } finally {
        clearInterval(renewal);
        if (!lost) await store.releaseThread(threadId, this.owner);
      }
      // Committed elsewhere while this process held the lease (that process's claim failed): go again.
      if (!lost && !this.stopped && (await this.deps.storage.log.list(threadId, reached, 1)).events.length > 0) worker.again = true;
      // A busy thread: what is committed in a moment is taken in one round, not one round each.
      if (!lost && !this.stopped) await new Promise((resolve) => setTimeout(resolve, NOTIFY_COALESCE_MS));
    } while (worker.again && !this.stopped);
  }

  /**
   * Evaluates and stores batch after batch until caught up (or stopping); the seq reached, null
   * when the lease was lost. A batch's events are stored in slices of at most
   * {@link RULES_BATCH_NOTIFICATIONS} notifications (an event makes at most one per reader).
   */
  private async catchUp(threadId: string, from: number, lost: () => boolean): Promise<number | null> {
    let cursor = from;
    for (;;) {
      if (lost()) return null;
      if (this.stopped) return cursor;
      const { events } = await this.deps.storage.log.list(threadId, cursor, RULES_BATCH);
      if (events.length === 0) return cursor;
      // The thread is read once per batch: its audience and the `evaluated` hook share it.
      const [thread, readers] = await Promise.all([this.deps.storage.threads.get(threadId), this.deps.storage.threads.audience(threadId)]);
      const audience = thread ? await this.audienceOf(thread, readers) : null;
      const slices = audience ? evaluateSlices(events, audience, this.deps.plan(), RULES_BATCH_NOTIFICATIONS) : [{ events, drafts: [] }];
      for (const [index, slice] of slices.entries()) {
        if (index > 0 && lost()) return null;
        if (index > 0 && this.stopped) return cursor;
        const last = slice.events[slice.events.length - 1]!.thread_seq;
        // Before the cursor moves past them: a crash here evaluates them again (the hook is idempotent).
        if (this.deps.evaluated) await this.deps.evaluated(slice.events, thread);
        const created = await this.deps.storage.notifications.record(threadId, this.owner, last, this.deps.leaseMs, slice.drafts);
        if (created === null) return null;
        this.announce(created, audience);
        cursor = last;
      }
      // Fewer than asked for: caught up with what was committed when it was read. A commit since
      // then on this process has asked for another round (see work); one on another, too.
      if (events.length < RULES_BATCH) return cursor;
    }
  }

  /** Who can read the thread, who hears that it waits, names and settings: a handful of reads per batch, not per event. */
  private async audienceOf(thread: ThreadRecord, readers: string[]): Promise<ThreadAudience> {
    const { storage } = this.deps;
    const agent = thread.participants.find((participant) => participant.sender_id.startsWith('agent:'));
    // A participant's name is the one they have in the thread: only readers who are not one are
    // looked up (a busy private thread's thousand readers are all participants).
    const participants = new Set(thread.participants.map((participant) => participant.sender_id));
    const [users, settings, owners] = await Promise.all([
      storage.users.many(readers.filter((reader) => !participants.has(`user:${reader}`))),
      storage.notifications.settingsOf(readers),
      thread.kind === 'public' && agent ? storage.agents.owners(agent.sender_id.slice('agent:'.length)) : Promise.resolve(null),
    ]);
    const names = new Map<string, string>(users.map((user) => [`user:${user.id}`, user.name]));
    for (const participant of thread.participants) names.set(participant.sender_id, participant.name);
    return {
      threadId: thread.id,
      title: thread.title,
      readers: new Set(readers),
      waitingFor: owners ?? readers,
      names,
      settings,
    };
  }

  /**
   * Sends each new notification to its user's sockets, on every process, in the order made
   * (those who keep it in the app): as one batch, a busy thread's thousand readers in a few
   * messages between processes rather than a thousand.
   */
  private announce(created: readonly StoredNotification[], audience: ThreadAudience | null): void {
    const queued = new Set<string>();
    const frames: UserFrame[] = [];
    for (const stored of created) {
      const settings = effectiveSettings(audience?.settings.get(stored.userId));
      if (settings.channels[stored.notification.kind].includes('in_app')) {
        const frame: ServerFrame = { type: 'notification', data: stored.notification };
        frames.push({ userId: stored.userId, outbound: new Outbound(stored.notification.thread_id, frame) });
      }
      queued.add(stored.userId);
    }
    if (frames.length > 0) this.deps.hub.publishToUsers(frames);
    if (queued.size > 0) this.deps.queued(queued);
  }

  /** Resolves once nothing is being evaluated here (what was committed so far is stored): benchmarks, shutdown. */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }

  /** Stops: work in flight ends after its current batch, and held leases are released. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }
}
