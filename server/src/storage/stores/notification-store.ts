import type {
  Notification,
  NotificationChannel,
  NotificationKind,
  NotificationSettings,
} from '../../../../src/core/protocol/notifications.ts';

/** A title with a number in it, as the words before and after the number (see `notification-words.ts`). */
export interface CountedTitle {
  before: string;
  after: string;
}

/**
 * How a `message` draft joins the user's unread `message` notification of the thread: there
 * is at most one such (per user and thread), and a new message updates it in place (newest
 * seq, title and body, `created_at` now, at the top of the list, its count added to) instead
 * of making another. Once it is read, the next message makes a new one.
 */
export interface MessageCollapse {
  /** The sender of the messages it stands for; null once several senders wrote. */
  senderId: string | null;
  /** How many messages it stands for (more than one when several of one slice were joined). */
  count: number;
  /** Its title once it stands for several: "N new messages from <sender>", or "… in <thread>" with several senders. */
  titles: { from: CountedTitle; in: CountedTitle };
}

/** A notification the rules made, before it is stored (CONTRACT §12). */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  threadSeq: number;
  title: string;
  body: string;
  /** For `approval_pending`: the approval it asks about. */
  approval?: { id: string; expiresAt: string };
  /** For `message`: it updates the user's unread `message` notification of the thread, if any (see {@link MessageCollapse}). */
  collapse?: MessageCollapse;
  /** The queued deliveries it gets (push at once, email after the user's delay): epoch ms each is due. */
  deliveries: { channel: Exclude<NotificationChannel, 'in_app'>; dueAt: number }[];
}

/** A stored notification: the wire object plus whose it is. */
export interface StoredNotification {
  userId: string;
  notification: Notification;
  approval?: { id: string; expiresAt: string };
  /** It updated a notification the user had (same id, newer content), rather than being a new one. */
  replaced?: boolean;
}

/** A delivery ended (sent or skipped): its position and the seq of the notification as it was sent or judged. */
export interface DeliveryEnd {
  position: number;
  threadSeq: number;
}

/** One queued push or email of a notification. */
export interface QueuedDelivery {
  /** Creation order: a user's deliveries go out in this order. */
  position: number;
  channel: 'push' | 'email';
  /** Epoch ms (on the notification clock) it is due. */
  dueAt: number;
  /** Tries so far that answered `retry`. */
  attempts: number;
  /**
   * How far the user had read the notification's thread when this was read
   * (`thread_access.read_seq`); null when they can no longer read it. Read with the item: a
   * delivery judges it before sending, and a read of its own was a round trip more per turn.
   */
  readSeq: number | null;
  item: StoredNotification;
}

/** Where a page of `GET /me/notifications` goes on: the last notification's position. */
export type NotificationCursor = number;

/**
 * Notifications (CONTRACT §12) and what makes and delivers them (`storage.notifications`):
 * each user's settings; each thread's "notified up to seq" cursor with a lease, like the
 * webhooks' (the log is the queue of the rules); the notifications, unique per (user, kind,
 * thread, seq); and the push/email deliveries, with a lease per user so that one process at
 * a time delivers a user's items, in order.
 */
export interface NotificationStore {
  /** The stored settings of these users (users who never saved any are absent: they have the defaults). */
  settingsOf(userIds: readonly string[]): Promise<Map<string, NotificationSettings>>;
  saveSettings(userId: string, settings: NotificationSettings): Promise<void>;

  /**
   * Takes the thread's rules lease for `leaseMs` when it is free, expired or already `owner`'s,
   * in one atomic step; returns the seq the thread is notified up to, or undefined when
   * another process holds it. A thread never seen starts at 0.
   */
  claimThread(threadId: string, owner: string, leaseMs: number): Promise<number | undefined>;
  /** Extends `owner`'s lease on the thread; false when it is no longer theirs. */
  renewThread(threadId: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * In one transaction, only while `owner` holds the thread's lease and its cursor is below
   * `seq`: stores the drafts (a (user, kind, thread, seq) already stored is skipped, with its
   * deliveries), queues their deliveries and moves the cursor to `seq`. A draft with `collapse`
   * updates the user's unread `message` notification of the thread instead, when there is one,
   * and its deliveries reuse those still queued for it (one per notification and channel, its
   * seq moved on, so that one being sent right now is not ended: see {@link finish}). Returns
   * the notifications stored or updated now (in draft order), or null when the lease was lost.
   */
  record(
    threadId: string,
    owner: string,
    seq: number,
    leaseMs: number,
    drafts: readonly NotificationDraft[],
  ): Promise<StoredNotification[] | null>;
  releaseThread(threadId: string, owner: string): Promise<void>;
  /** Threads with events past their cursor whose lease is free or expired (at most `limit`). */
  dueThreads(limit: number): Promise<string[]>;

  /** The user's notifications of threads they can still read, newest first, after `cursor`. */
  list(
    userId: string,
    page: { unreadOnly: boolean; cursor: NotificationCursor | null; limit: number },
  ): Promise<{ items: Notification[]; positions: number[] }>;
  /** How many unread notifications of threads they can still read the user has. */
  unreadCount(userId: string): Promise<number>;
  /** Marks the user's notifications read (these ids, or all); returns how many changed. Others' ids are ignored. */
  markRead(userId: string, which: readonly string[] | 'all', at: string): Promise<number>;

  /** Users with a delivery due by `now` (epoch ms, notification clock) whose delivery lease is free or expired. */
  dueUsers(now: number, limit: number): Promise<string[]>;
  /** Takes the user's delivery lease (free, expired or already `owner`'s); false when another process holds it. */
  claimUser(userId: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * {@link claimUser} for many users in one step (a busy thread wakes a thousand users at once:
   * one round trip, not one each). Returns the users whose lease `owner` now holds, in the order
   * given; a user whose lease another process holds is left out (that process delivers their
   * items). Duplicates count once.
   */
  claimUsers(userIds: readonly string[], owner: string, leaseMs: number): Promise<string[]>;
  renewUser(userId: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseUser(userId: string, owner: string): Promise<void>;
  /** {@link releaseUser} for many users in one step; leases held by others are left alone. */
  releaseUsers(userIds: readonly string[], owner: string): Promise<void>;
  /** The user's queued deliveries of one channel, in order (at most `limit`). */
  queued(userId: string, channel: 'push' | 'email', limit: number): Promise<QueuedDelivery[]>;
  /** `queued` of both channels in one read (a delivery round's first: most users have nothing to email). */
  queuedByChannel(userId: string, limit: number): Promise<{ push: QueuedDelivery[]; email: QueuedDelivery[] }>;
  /** {@link queuedByChannel} of many users in one read; every user asked for is in the map (with empty lists when nothing is queued). */
  queuedOfUsers(userIds: readonly string[], limit: number): Promise<Map<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>>;
  /**
   * Ends these deliveries (sent or skipped), only while `owner` holds the user's lease; false when
   * it is lost. A delivery whose notification was updated past `threadSeq` meanwhile stays queued:
   * the newer content is sent next.
   */
  finish(userId: string, owner: string, ended: readonly DeliveryEnd[]): Promise<boolean>;
  /**
   * {@link finish} for many users in one step: each user's deliveries are ended only while `owner`
   * holds that user's lease. Returns the users whose lease was held (their ends applied); the rest
   * lost theirs and nothing of theirs was ended.
   */
  finishMany(owner: string, ends: readonly { userId: string; ended: readonly DeliveryEnd[] }[]): Promise<Set<string>>;
  /** Puts these deliveries off to `dueAt` with `attempts` tries, only while `owner` holds the user's lease. */
  postpone(userId: string, owner: string, positions: readonly number[], dueAt: number, attempts: number): Promise<boolean>;
}
