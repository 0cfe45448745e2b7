import type Database from 'better-sqlite3';
import type { Notification, NotificationSettings } from '../../../../src/core/protocol/notifications.ts';
import { now, type Row } from './rows.ts';
import { byChannel, notificationRow, toNotification, toQueuedDelivery, toSettings, toStoredNotification } from '../notification-rows.ts';
import { collapseDrafts, collapsedTitle, joinedSender } from '../message-collapse.ts';
import type {
  DeliveryEnd,
  MessageCollapse,
  NotificationCursor,
  NotificationDraft,
  NotificationStore,
  QueuedDelivery,
  StoredNotification,
} from '../stores/notification-store.ts';

/** A notification `n` the user may still see: they still read its thread. */
const READABLE = 'EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = n.user_id AND a.thread_id = n.thread_id)';

/** One channel's queued deliveries of a user, with their notifications, in order. */
/** How far a queued delivery `d`'s user has read its notification `n`'s thread; null when they cannot read it. */
const READER_SEQ = '(SELECT a.read_seq FROM thread_access AS a WHERE a.user_id = d.user_id AND a.thread_id = n.thread_id) AS reader_seq';

const QUEUED_OF_CHANNEL = `SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${READER_SEQ}, n.* FROM notification_deliveries AS d
  JOIN notifications AS n ON n.id = d.notification_id
  WHERE d.user_id = @user AND d.channel = @channel ORDER BY d.position LIMIT @limit`;

/**
 * {@link QUEUED_OF_CHANNEL} for many users in one statement (`@users`: a JSON array of distinct
 * ids): each (user, channel)'s deliveries up to its `@limit`-th position, found by one index
 * seek per pair. A statement per user (a compound of two subqueries, sorted) cost ~9 times as
 * much CPU per user: a busy thread's round reads a thousand users (issue 18).
 */
const QUEUED_OF_USERS = `SELECT d.user_id AS d_user, d.position AS d_position, d.channel, d.due_at, d.attempts, ${READER_SEQ}, n.*
  FROM json_each(@users) AS u
  CROSS JOIN (SELECT 'push' AS channel UNION ALL SELECT 'email') AS c
  CROSS JOIN notification_deliveries AS d ON d.user_id = u.value AND d.channel = c.channel AND d.position <= coalesce(
    (SELECT x.position FROM notification_deliveries AS x WHERE x.user_id = u.value AND x.channel = c.channel
     ORDER BY x.position LIMIT 1 OFFSET @limit - 1), 9223372036854775807)
  JOIN notifications AS n ON n.id = d.notification_id
  ORDER BY d.position`;

/**
 * Notifications in the SQLite file (see {@link NotificationStore}). Lease times are epoch ms
 * of this process's clock (one process uses the file at a time).
 */
export class SqliteNotifications implements NotificationStore {
  private readonly stmt;
  private readonly recordTx;
  private readonly finishTx;
  private readonly finishManyTx;
  private readonly postponeTx;

  constructor(db: Database.Database) {
    this.stmt = {
      settingsOf: db.prepare('SELECT user_id, settings FROM notification_settings WHERE user_id IN (SELECT value FROM json_each(?))'),
      saveSettings: db.prepare(
        'INSERT INTO notification_settings (user_id, settings) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings',
      ),
      claimThread: db.prepare(
        `INSERT INTO notification_cursors (thread_id, notified_seq, lease_owner, lease_until)
         SELECT id, 0, @owner, @until FROM threads WHERE id = @thread
         ON CONFLICT (thread_id) DO UPDATE SET lease_owner = @owner, lease_until = @until
           WHERE notification_cursors.lease_owner IS NULL OR notification_cursors.lease_owner = @owner
              OR notification_cursors.lease_until <= @now
         RETURNING notified_seq`,
      ),
      renewThread: db.prepare('UPDATE notification_cursors SET lease_until = @until WHERE thread_id = @thread AND lease_owner = @owner'),
      heldCursor: db.prepare('SELECT notified_seq FROM notification_cursors WHERE thread_id = ? AND lease_owner = ?'),
      advance: db.prepare('UPDATE notification_cursors SET notified_seq = @seq, lease_until = @until WHERE thread_id = @thread'),
      releaseThread: db.prepare(
        'UPDATE notification_cursors SET lease_owner = NULL, lease_until = 0 WHERE thread_id = ? AND lease_owner = ?',
      ),
      // A thread created since the migration has no cursor row yet: it counts from 0.
      dueThreads: db.prepare(
        `SELECT t.id FROM threads AS t LEFT JOIN notification_cursors AS c ON c.thread_id = t.id
         WHERE t.last_seq > coalesce(c.notified_seq, 0) AND (c.lease_owner IS NULL OR c.lease_until <= ?)
         LIMIT ?`,
      ),
      insert: db.prepare(
        `INSERT INTO notifications (id, user_id, kind, thread_id, thread_seq, title, body, approval_id, approval_expires_at, created_at,
           collapse_key, count, sender_id, list_order)
         VALUES (@id, @user, @kind, @thread, @seq, @title, @body, @approvalId, @approvalExpiresAt, @at, @collapseKey, @count, @senderId,
           (SELECT coalesce(max(list_order), 0) + 1 FROM notifications WHERE user_id = @user))
         ON CONFLICT (user_id, kind, thread_id, thread_seq) DO NOTHING`,
      ),
      unreadCollapsed: db.prepare(
        'SELECT * FROM notifications WHERE user_id = ? AND collapse_key = ? AND read_at IS NULL AND collapse_key IS NOT NULL',
      ),
      // Moved to the top of the user's list: a place past every other of theirs (pages by place stay valid). The
      // row stays where it is: changing its row id (`position`) rewrote the row and all five of its indexes.
      update: db.prepare(
        `UPDATE notifications SET thread_seq = @seq, title = @title, body = @body, created_at = @at, count = @count, sender_id = @senderId,
           list_order = (SELECT max(list_order) FROM notifications WHERE user_id = @user) + 1
         WHERE position = @position`,
      ),
      // One delivery per notification and channel: one still queued is reused, its seq moved on.
      queue: db.prepare(
        `INSERT INTO notification_deliveries (notification_id, user_id, channel, due_at, thread_seq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (notification_id, channel) DO UPDATE SET thread_seq = excluded.thread_seq`,
      ),
      page: db.prepare(
        `SELECT n.* FROM notifications AS n
         WHERE n.user_id = @user AND n.list_order < @before AND (@unread = 0 OR n.read_at IS NULL) AND ${READABLE}
         ORDER BY n.list_order DESC LIMIT @limit`,
      ),
      unread: db.prepare(`SELECT count(*) AS count FROM notifications AS n WHERE n.user_id = ? AND n.read_at IS NULL AND ${READABLE}`),
      readAll: db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL'),
      readOne: db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL'),
      dueUsers: db.prepare(
        `SELECT DISTINCT d.user_id FROM notification_deliveries AS d
         LEFT JOIN notification_delivery_leases AS l ON l.user_id = d.user_id
         WHERE d.due_at <= @due AND (l.lease_owner IS NULL OR l.lease_until <= @now)
         LIMIT @limit`,
      ),
      claimUser: db.prepare(
        `INSERT INTO notification_delivery_leases (user_id, lease_owner, lease_until) VALUES (@user, @owner, @until)
         ON CONFLICT (user_id) DO UPDATE SET lease_owner = @owner, lease_until = @until
           WHERE notification_delivery_leases.lease_owner IS NULL OR notification_delivery_leases.lease_owner = @owner
              OR notification_delivery_leases.lease_until <= @now
         RETURNING user_id`,
      ),
      // `WHERE true`: SQLite's parser needs it between an INSERT's SELECT and its ON CONFLICT.
      claimUsers: db.prepare(
        `INSERT INTO notification_delivery_leases (user_id, lease_owner, lease_until)
           SELECT value, @owner, @until FROM json_each(@users) WHERE true
         ON CONFLICT (user_id) DO UPDATE SET lease_owner = @owner, lease_until = @until
           WHERE notification_delivery_leases.lease_owner IS NULL OR notification_delivery_leases.lease_owner = @owner
              OR notification_delivery_leases.lease_until <= @now
         RETURNING user_id`,
      ),
      releaseUsers: db.prepare(
        `UPDATE notification_delivery_leases SET lease_owner = NULL, lease_until = 0
         WHERE user_id IN (SELECT value FROM json_each(?)) AND lease_owner = ?`,
      ),
      holdersOf: db.prepare(
        'SELECT user_id FROM notification_delivery_leases WHERE user_id IN (SELECT value FROM json_each(?)) AND lease_owner = ?',
      ),
      renewUser: db.prepare('UPDATE notification_delivery_leases SET lease_until = @until WHERE user_id = @user AND lease_owner = @owner'),
      holdsUser: db.prepare('SELECT 1 FROM notification_delivery_leases WHERE user_id = ? AND lease_owner = ?'),
      releaseUser: db.prepare(
        'UPDATE notification_delivery_leases SET lease_owner = NULL, lease_until = 0 WHERE user_id = ? AND lease_owner = ?',
      ),
      queued: db.prepare(
        `SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${READER_SEQ}, n.* FROM notification_deliveries AS d
         JOIN notifications AS n ON n.id = d.notification_id
         WHERE d.user_id = ? AND d.channel = ? ORDER BY d.position LIMIT ?`,
      ),
      // Each channel's first `limit` (a subquery each: a compound's LIMIT applies to the whole).
      queuedByChannel: db.prepare(
        `SELECT * FROM (${QUEUED_OF_CHANNEL.replace('@channel', "'push'")})
         UNION ALL SELECT * FROM (${QUEUED_OF_CHANNEL.replace('@channel', "'email'")})
         ORDER BY d_position`,
      ),
      queuedOfUsers: db.prepare(QUEUED_OF_USERS),
      finish: db.prepare('DELETE FROM notification_deliveries WHERE position = ? AND user_id = ? AND thread_seq <= ?'),
      postpone: db.prepare('UPDATE notification_deliveries SET due_at = ?, attempts = ? WHERE position = ? AND user_id = ?'),
    };
    this.recordTx = db.transaction(
      (
        threadId: string,
        owner: string,
        seq: number,
        leaseMs: number,
        drafts: readonly NotificationDraft[],
      ): StoredNotification[] | null => {
        const held = this.stmt.heldCursor.get(threadId, owner) as Row | undefined;
        if (!held || Number(held.notified_seq) >= seq) return null;
        const created: StoredNotification[] = [];
        const at = now();
        for (const draft of collapseDrafts(drafts)) {
          const stored = draft.collapse ? this.joinUnread(threadId, draft, draft.collapse, at) : undefined;
          if (stored === null) continue;
          if (stored) {
            for (const delivery of draft.deliveries) {
              this.stmt.queue.run(stored.notification.id, draft.userId, delivery.channel, delivery.dueAt, draft.threadSeq);
            }
            created.push(stored);
            continue;
          }
          const row = notificationRow(threadId, draft, at);
          const id = row.id;
          // No RETURNING: it makes each insert several times slower here, and the row is known.
          const inserted = this.stmt.insert.run({
            id,
            user: draft.userId,
            kind: draft.kind,
            thread: threadId,
            seq: draft.threadSeq,
            title: draft.title,
            body: draft.body,
            approvalId: row.approval_id,
            approvalExpiresAt: row.approval_expires_at,
            at,
            collapseKey: row.collapse_key,
            count: row.count,
            senderId: row.sender_id,
          });
          if (inserted.changes === 0) continue;
          for (const delivery of draft.deliveries) this.stmt.queue.run(id, draft.userId, delivery.channel, delivery.dueAt, draft.threadSeq);
          created.push(toStoredNotification(row));
        }
        this.stmt.advance.run({ thread: threadId, seq, until: Date.now() + leaseMs });
        return created;
      },
    );
    this.finishTx = db.transaction((userId: string, owner: string, ended: readonly DeliveryEnd[]) => {
      if (!this.stmt.holdsUser.get(userId, owner)) return false;
      for (const { position, threadSeq } of ended) this.stmt.finish.run(position, userId, threadSeq);
      return true;
    });
    // One transaction for the batch: one commit, not one per user.
    this.finishManyTx = db.transaction((owner: string, ends: readonly { userId: string; ended: readonly DeliveryEnd[] }[]) => {
      const held = new Set(
        (this.stmt.holdersOf.all(JSON.stringify(ends.map((end) => end.userId)), owner) as Row[]).map((row) => String(row.user_id)),
      );
      for (const { userId, ended } of ends) {
        if (!held.has(userId)) continue;
        for (const { position, threadSeq } of ended) this.stmt.finish.run(position, userId, threadSeq);
      }
      return held;
    });
    this.postponeTx = db.transaction((userId: string, owner: string, positions: readonly number[], dueAt: number, attempts: number) => {
      if (!this.stmt.holdsUser.get(userId, owner)) return false;
      for (const position of positions) this.stmt.postpone.run(dueAt, attempts, position, userId);
      return true;
    });
    this.db = db;
  }

  private readonly db: Database.Database;

  /**
   * Inside `record`'s transaction: updates the user's unread `message` notification of the
   * thread with a newer message's draft. Undefined when they have none (a new one is made);
   * null when it already holds this seq or a later one (evaluated before: nothing to do).
   */
  private joinUnread(
    threadId: string,
    draft: NotificationDraft,
    collapse: MessageCollapse,
    at: string,
  ): StoredNotification | null | undefined {
    const old = this.stmt.unreadCollapsed.get(draft.userId, threadId) as Row | undefined;
    if (!old) return undefined;
    if (Number(old.thread_seq) >= draft.threadSeq) return null;
    const count = Number(old.count) + collapse.count;
    const senderId = joinedSender(old.sender_id === null ? null : String(old.sender_id), collapse.senderId);
    const title = collapsedTitle(draft, collapse, count, senderId);
    this.stmt.update.run({
      seq: draft.threadSeq,
      title,
      body: draft.body,
      at,
      count,
      senderId,
      user: draft.userId,
      position: old.position,
    });
    return toStoredNotification({
      ...old,
      thread_seq: draft.threadSeq,
      title,
      body: draft.body,
      created_at: at,
      count,
      sender_id: senderId,
      replaced: true,
    });
  }

  async settingsOf(userIds: readonly string[]): Promise<Map<string, NotificationSettings>> {
    const found = new Map<string, NotificationSettings>();
    if (userIds.length === 0) return found;
    const rows = this.stmt.settingsOf.all(JSON.stringify(userIds)) as Row[];
    for (const row of rows) found.set(String(row.user_id), toSettings(row.settings));
    return found;
  }

  async saveSettings(userId: string, settings: NotificationSettings): Promise<void> {
    this.stmt.saveSettings.run(userId, JSON.stringify(settings));
  }

  async claimThread(threadId: string, owner: string, leaseMs: number): Promise<number | undefined> {
    const at = Date.now();
    const row = this.stmt.claimThread.get({ thread: threadId, owner, until: at + leaseMs, now: at }) as Row | undefined;
    return row ? Number(row.notified_seq) : undefined;
  }

  async renewThread(threadId: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.stmt.renewThread.run({ thread: threadId, owner, until: Date.now() + leaseMs }).changes > 0;
  }

  async record(
    threadId: string,
    owner: string,
    seq: number,
    leaseMs: number,
    drafts: readonly NotificationDraft[],
  ): Promise<StoredNotification[] | null> {
    return this.recordTx(threadId, owner, seq, leaseMs, drafts);
  }

  async releaseThread(threadId: string, owner: string): Promise<void> {
    this.stmt.releaseThread.run(threadId, owner);
  }

  async dueThreads(limit: number): Promise<string[]> {
    return (this.stmt.dueThreads.all(Date.now(), limit) as Row[]).map((row) => String(row.id));
  }

  async list(
    userId: string,
    page: { unreadOnly: boolean; cursor: NotificationCursor | null; limit: number },
  ): Promise<{ items: Notification[]; positions: number[] }> {
    const rows = this.stmt.page.all({
      user: userId,
      before: page.cursor ?? Number.MAX_SAFE_INTEGER,
      unread: page.unreadOnly ? 1 : 0,
      limit: page.limit,
    }) as Row[];
    return { items: rows.map(toNotification), positions: rows.map((row) => Number(row.list_order)) };
  }

  async unreadCount(userId: string): Promise<number> {
    return Number((this.stmt.unread.get(userId) as Row).count);
  }

  async markRead(userId: string, which: readonly string[] | 'all', at: string): Promise<number> {
    if (which === 'all') return this.stmt.readAll.run(at, userId).changes;
    let changed = 0;
    this.db.transaction(() => {
      for (const id of which) changed += this.stmt.readOne.run(at, userId, id).changes;
    })();
    return changed;
  }

  async dueUsers(due: number, limit: number): Promise<string[]> {
    return (this.stmt.dueUsers.all({ due, now: Date.now(), limit }) as Row[]).map((row) => String(row.user_id));
  }

  async claimUser(userId: string, owner: string, leaseMs: number): Promise<boolean> {
    const at = Date.now();
    return this.stmt.claimUser.get({ user: userId, owner, until: at + leaseMs, now: at }) !== undefined;
  }

  async claimUsers(userIds: readonly string[], owner: string, leaseMs: number): Promise<string[]> {
    const distinct = [...new Set(userIds)];
    if (distinct.length === 0) return [];
    const at = Date.now();
    const rows = this.stmt.claimUsers.all({ users: JSON.stringify(distinct), owner, until: at + leaseMs, now: at }) as Row[];
    const claimed = new Set(rows.map((row) => String(row.user_id)));
    return distinct.filter((userId) => claimed.has(userId));
  }

  async renewUser(userId: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.stmt.renewUser.run({ user: userId, owner, until: Date.now() + leaseMs }).changes > 0;
  }

  async releaseUser(userId: string, owner: string): Promise<void> {
    this.stmt.releaseUser.run(userId, owner);
  }

  async releaseUsers(userIds: readonly string[], owner: string): Promise<void> {
    if (userIds.length > 0) this.stmt.releaseUsers.run(JSON.stringify([...new Set(userIds)]), owner);
  }

  async queued(userId: string, channel: 'push' | 'email', limit: number): Promise<QueuedDelivery[]> {
    return (this.stmt.queued.all(userId, channel, limit) as Row[]).map(toQueuedDelivery);
  }

  async queuedByChannel(userId: string, limit: number): Promise<{ push: QueuedDelivery[]; email: QueuedDelivery[] }> {
    return byChannel(this.stmt.queuedByChannel.all({ user: userId, limit }) as Row[]);
  }

  async queuedOfUsers(
    userIds: readonly string[],
    limit: number,
  ): Promise<Map<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>> {
    const found = new Map<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>();
    for (const userId of userIds) found.set(userId, { push: [], email: [] });
    if (found.size === 0 || limit < 1) return found;
    // In position order: each user's items of each channel stay in their order.
    for (const row of this.stmt.queuedOfUsers.all({ users: JSON.stringify([...found.keys()]), limit }) as Row[]) {
      const queued = toQueuedDelivery(row);
      found.get(String(row.d_user))![queued.channel].push(queued);
    }
    return found;
  }

  async finishMany(owner: string, ends: readonly { userId: string; ended: readonly DeliveryEnd[] }[]): Promise<Set<string>> {
    if (ends.length === 0) return new Set();
    return this.finishManyTx(owner, ends);
  }

  async finish(userId: string, owner: string, ended: readonly DeliveryEnd[]): Promise<boolean> {
    return this.finishTx(userId, owner, ended);
  }

  async postpone(userId: string, owner: string, positions: readonly number[], dueAt: number, attempts: number): Promise<boolean> {
    return this.postponeTx(userId, owner, positions, dueAt, attempts);
  }
}
