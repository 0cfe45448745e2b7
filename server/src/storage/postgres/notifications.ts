import type postgres from 'postgres';
import type { Notification, NotificationSettings } from '../../../../src/core/protocol/notifications.ts';
import { now, type Row } from './rows.ts';
import { byChannel, notificationRow, toNotification, toQueuedDelivery, toSettings, toStoredNotification } from '../notification-rows.ts';
import { collapseDrafts } from '../message-collapse.ts';
import type {
  DeliveryEnd,
  MessageCollapse,
  NotificationCursor,
  NotificationDraft,
  NotificationStore,
  QueuedDelivery,
  StoredNotification,
} from '../stores/notification-store.ts';

/** The database's clock in epoch ms: leases are judged by one clock, whichever process holds them. */
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/** PostgreSQL's SQLSTATE for a statement it ended to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';
/** Tries of a `finishMany` that PostgreSQL ended as a deadlock before its error is passed on. */
const FINISH_MANY_TRIES = 3;

/**
 * The columns of a notification `n` that are read back (`toStoredNotification`): not the counted
 * titles' JSON, which only the upsert reads (a busy thread's round and each delivery read
 * returned it for a thousand rows, parsed and dropped).
 */
const NOTIFICATION_COLUMNS =
  'n.id, n.user_id, n.kind, n.thread_id, n.thread_seq, n.title, n.body, n.approval_id, n.approval_expires_at, n.created_at, n.read_at, n.count';

/** How far a queued delivery `d`'s user has read its notification `n`'s thread; null when they cannot read it. */
const READER_SEQ = '(SELECT a.read_seq FROM thread_access AS a WHERE a.user_id = d.user_id AND a.thread_id = n.thread_id) AS reader_seq';

/** A notification `n` the user may still see: they still read its thread. */
const READABLE = 'EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = n.user_id AND a.thread_id = n.thread_id)';

/**
 * Notifications in PostgreSQL (see {@link NotificationStore}), shared by every process. A
 * claim is one conditional upsert: the row lock makes a second claimer wait and re-check,
 * so two processes never both hold a thread or a user. Storing a batch is one statement
 * whose cursor update is its check and lock, so a batch is stored once or not at all.
 */
export class PostgresNotifications implements NotificationStore {
  constructor(private readonly sql: postgres.Sql) {}

  private until(leaseMs: number) {
    return this.sql`${this.sql.unsafe(NOW_MS)} + ${leaseMs}::bigint`;
  }

  async settingsOf(userIds: readonly string[]): Promise<Map<string, NotificationSettings>> {
    const found = new Map<string, NotificationSettings>();
    if (userIds.length === 0) return found;
    const rows = await this.sql<Row[]>`
      SELECT user_id, settings FROM notification_settings WHERE user_id = ANY (${userIds as string[]}::text[])`;
    for (const row of rows) found.set(String(row.user_id), toSettings(row.settings));
    return found;
  }

  async saveSettings(userId: string, settings: NotificationSettings): Promise<void> {
    await this.sql`
      INSERT INTO notification_settings (user_id, settings) VALUES (${userId}, ${this.sql.json(settings as never)})
      ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings`;
  }

  async claimThread(threadId: string, owner: string, leaseMs: number): Promise<number | undefined> {
    const [row] = await this.sql<{ notified_seq: number }[]>`
      INSERT INTO notification_cursors (thread_id, notified_seq, lease_owner, lease_until)
      SELECT id, 0, ${owner}, ${this.until(leaseMs)} FROM threads WHERE id = ${threadId}
      ON CONFLICT (thread_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
        WHERE notification_cursors.lease_owner IS NULL OR notification_cursors.lease_owner = ${owner}
           OR notification_cursors.lease_until <= ${this.sql.unsafe(NOW_MS)}
      RETURNING notified_seq`;
    return row ? Number(row.notified_seq) : undefined;
  }

  async renewThread(threadId: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE notification_cursors SET lease_until = ${this.until(leaseMs)} WHERE thread_id = ${threadId} AND lease_owner = ${owner}`;
    return result.count > 0;
  }

  async record(
    threadId: string,
    owner: string,
    seq: number,
    leaseMs: number,
    drafts: readonly NotificationDraft[],
  ): Promise<StoredNotification[] | null> {
    const at = now();
    const joined = collapseDrafts(drafts);
    // The counted titles are a few (one per message and language), shared by the drafts: they
    // travel once, and each row names its own by place. As a JSON object on each of a thousand
    // rows, reading them was half of the statement's time.
    const titles: { from: { before: string; after: string }; in: { before: string; after: string } }[] = [];
    const titlesAt = new Map<MessageCollapse['titles'], number>();
    const titlesOf = (counted: MessageCollapse['titles']) => {
      let at = titlesAt.get(counted);
      if (at === undefined) {
        at =
          titles.push({
            from: { before: counted.from.before, after: counted.from.after },
            in: { before: counted.in.before, after: counted.in.after },
          }) - 1;
        titlesAt.set(counted, at);
      }
      return at;
    };
    const rows = joined.map((draft) => ({
      ...notificationRow(threadId, draft, at),
      titles_at: draft.collapse ? titlesOf(draft.collapse.titles) : null,
    }));
    const deliveries = joined.flatMap((draft) =>
      draft.deliveries.map((delivery) => ({
        user_id: draft.userId,
        kind: draft.kind,
        thread_seq: draft.threadSeq,
        channel: delivery.channel,
        due_at: delivery.dueAt,
      })),
    );
    // One statement, never BEGIN … COMMIT: a process frozen (or cut off) between the statements
    // of a transaction would hold the cursor's row lock, and every other process's notifier
    // would wait on it; a single statement PostgreSQL finishes by itself. The cursor update is
    // the check (still held, not yet past `seq`) and the lock; nothing is stored unless it
    // matched. The rows travel as one JSON parameter: no limit on parameters per statement; the
    // counted titles as another, read once (`titles`).
    // A `message` draft (collapse_key set) updates the user's unread `message` notification of
    // the thread when there is one (the partial unique index is the arbiter, so two processes
    // never make two): newest seq, title (its count written in here, from the draft's counted
    // words) and body, at the top of their list: a new position, unless it is the newest of
    // theirs already and nothing else of theirs is stored with it (a busy thread's readers). Then
    // no indexed column changes, and PostgreSQL writes the new version beside the old in its page
    // (HOT), not into every index (see the schema's migration). Other kinds are made once per (user,
    // kind, thread, seq): one already stored (the cursor's lock makes a second writer of the
    // thread wait and then find the cursor moved, so only a replay meets one) is left out. One
    // INSERT for all, in draft order, so positions follow the events. A delivery still queued
    // for the notification is reused, its seq moved on; its row is written, so a `finish` of
    // it racing with this waits and sees the new seq.
    const result = await this.sql<Row[]>`
      WITH held AS (
        UPDATE notification_cursors SET notified_seq = ${seq}, lease_until = ${this.until(leaseMs)}
        WHERE thread_id = ${threadId} AND lease_owner = ${owner} AND notified_seq < ${seq}
        RETURNING thread_id),
      titles AS MATERIALIZED (SELECT ${this.sql.json(titles)}::jsonb AS list),
      input AS (
        SELECT * FROM ROWS FROM (json_to_recordset(${this.sql.json(rows)}::json) AS (
          id text, user_id text, kind text, thread_id text, thread_seq integer, title text, body text,
          approval_id text, approval_expires_at timestamptz, created_at timestamptz,
          collapse_key text, count integer, sender_id text, titles_at integer)) WITH ORDINALITY AS r
        WHERE EXISTS (SELECT 1 FROM held)),
      stored AS (
        INSERT INTO notifications AS n (id, user_id, kind, thread_id, thread_seq, created_seq, title, body, approval_id,
          approval_expires_at, created_at, collapse_key, count, sender_id, counted_titles)
        SELECT r.id, r.user_id, r.kind, r.thread_id, r.thread_seq, r.thread_seq, r.title, r.body, r.approval_id,
          r.approval_expires_at, r.created_at, r.collapse_key, r.count, r.sender_id, (SELECT list FROM titles) -> r.titles_at
        FROM input AS r
        WHERE r.collapse_key IS NOT NULL OR NOT EXISTS (
          SELECT 1 FROM notifications AS o
          WHERE o.user_id = r.user_id AND o.kind = r.kind AND o.thread_id = r.thread_id AND o.created_seq = r.thread_seq)
        ORDER BY r.ordinality
        ON CONFLICT (user_id, collapse_key) WHERE read_at IS NULL AND collapse_key IS NOT NULL DO UPDATE SET
          thread_seq = excluded.thread_seq, body = excluded.body, created_at = excluded.created_at,
          count = n.count + excluded.count,
          sender_id = CASE WHEN n.sender_id = excluded.sender_id THEN n.sender_id END,
          title = CASE WHEN n.sender_id = excluded.sender_id
            THEN (excluded.counted_titles -> 'from' ->> 'before') || (n.count + excluded.count) || (excluded.counted_titles -> 'from' ->> 'after')
            ELSE (excluded.counted_titles -> 'in' ->> 'before') || (n.count + excluded.count) || (excluded.counted_titles -> 'in' ->> 'after')
            END,
          counted_titles = excluded.counted_titles,
          position = CASE
            WHEN n.position = (SELECT max(o.position) FROM notifications AS o WHERE o.user_id = n.user_id)
              AND n.user_id NOT IN (SELECT i.user_id FROM input AS i WHERE i.collapse_key IS NULL)
            THEN n.position
            ELSE nextval(pg_get_serial_sequence('notifications', 'position')) END
        WHERE n.thread_seq < excluded.thread_seq
        -- xmax is set on a row this statement updated, 0 on one it inserted.
        RETURNING ${this.sql.unsafe(NOTIFICATION_COLUMNS)}, n.xmax::text <> '0' AS replaced),
      queued AS (
        INSERT INTO notification_deliveries AS q (notification_id, user_id, channel, due_at, thread_seq)
        SELECT s.id, d.user_id, d.channel, d.due_at, d.thread_seq
        FROM ROWS FROM (json_to_recordset(${this.sql.json(deliveries)}::json) AS (
          user_id text, kind text, thread_seq integer, channel text, due_at bigint)) WITH ORDINALITY AS d
        JOIN stored AS s ON s.user_id = d.user_id AND s.kind = d.kind AND s.thread_seq = d.thread_seq
        ORDER BY d.ordinality
        ON CONFLICT (notification_id, channel) DO UPDATE SET thread_seq = excluded.thread_seq)
      SELECT h.held, s.* FROM (SELECT EXISTS (SELECT 1 FROM held) AS held) AS h LEFT JOIN stored AS s ON true`;
    if (result[0]?.held !== true) return null;
    // A conflict (the same notification stored before) is left out, as it is not new. In draft order.
    const order = new Map(joined.map((draft, index) => [`${draft.userId} ${draft.kind} ${draft.threadSeq}`, index]));
    return result
      .filter((row) => row.id !== null)
      .sort((a, b) => order.get(`${a.user_id} ${a.kind} ${a.thread_seq}`)! - order.get(`${b.user_id} ${b.kind} ${b.thread_seq}`)!)
      .map(toStoredNotification);
  }

  async releaseThread(threadId: string, owner: string): Promise<void> {
    await this
      .sql`UPDATE notification_cursors SET lease_owner = NULL, lease_until = 0 WHERE thread_id = ${threadId} AND lease_owner = ${owner}`;
  }

  async dueThreads(limit: number): Promise<string[]> {
    // A thread created since the migration has no cursor row yet: it counts from 0.
    const rows = await this.sql<{ id: string }[]>`
      SELECT t.id FROM threads AS t LEFT JOIN notification_cursors AS c ON c.thread_id = t.id
      WHERE t.last_seq > coalesce(c.notified_seq, 0) AND (c.lease_owner IS NULL OR c.lease_until <= ${this.sql.unsafe(NOW_MS)})
      LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  async list(
    userId: string,
    page: { unreadOnly: boolean; cursor: NotificationCursor | null; limit: number },
  ): Promise<{ items: Notification[]; positions: number[] }> {
    const rows = await this.sql<Row[]>`
      SELECT ${this.sql.unsafe(NOTIFICATION_COLUMNS)}, n.position FROM notifications AS n
      WHERE n.user_id = ${userId} AND n.position < ${page.cursor ?? Number.MAX_SAFE_INTEGER}
        AND (${!page.unreadOnly} OR n.read_at IS NULL) AND ${this.sql.unsafe(READABLE)}
      ORDER BY n.position DESC LIMIT ${page.limit}`;
    return { items: rows.map(toNotification), positions: rows.map((row) => Number(row.position)) };
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.sql<{ count: number }[]>`
      SELECT count(*)::int AS count FROM notifications AS n WHERE n.user_id = ${userId} AND n.read_at IS NULL AND ${this.sql.unsafe(READABLE)}`;
    return Number(row?.count ?? 0);
  }

  async markRead(userId: string, which: readonly string[] | 'all', at: string): Promise<number> {
    const result =
      which === 'all'
        ? await this.sql`UPDATE notifications SET read_at = ${at} WHERE user_id = ${userId} AND read_at IS NULL`
        : await this.sql`
            UPDATE notifications SET read_at = ${at}
            WHERE user_id = ${userId} AND id = ANY (${which as string[]}::text[]) AND read_at IS NULL`;
    return result.count;
  }

  async dueUsers(due: number, limit: number): Promise<string[]> {
    const rows = await this.sql<{ user_id: string }[]>`
      SELECT DISTINCT d.user_id FROM notification_deliveries AS d
      LEFT JOIN notification_delivery_leases AS l ON l.user_id = d.user_id
      WHERE d.due_at <= ${due} AND (l.lease_owner IS NULL OR l.lease_until <= ${this.sql.unsafe(NOW_MS)})
      LIMIT ${limit}`;
    return rows.map((row) => row.user_id);
  }

  async claimUser(userId: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await this.sql`
      INSERT INTO notification_delivery_leases (user_id, lease_owner, lease_until) VALUES (${userId}, ${owner}, ${this.until(leaseMs)})
      ON CONFLICT (user_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
        WHERE notification_delivery_leases.lease_owner IS NULL OR notification_delivery_leases.lease_owner = ${owner}
           OR notification_delivery_leases.lease_until <= ${this.sql.unsafe(NOW_MS)}
      RETURNING user_id`;
    return rows.length > 0;
  }

  async claimUsers(userIds: readonly string[], owner: string, leaseMs: number): Promise<string[]> {
    // Sorted: two processes claiming overlapping batches lock the rows in the same order (no
    // deadlock); distinct: ON CONFLICT DO UPDATE may not touch one row twice in a statement.
    const distinct = [...new Set(userIds)];
    if (distinct.length === 0) return [];
    const rows = await this.sql<{ user_id: string }[]>`
      INSERT INTO notification_delivery_leases (user_id, lease_owner, lease_until)
        SELECT u.id, ${owner}, ${this.until(leaseMs)} FROM unnest(${[...distinct].sort()}::text[]) AS u(id) ORDER BY u.id COLLATE "C"
      ON CONFLICT (user_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
        WHERE notification_delivery_leases.lease_owner IS NULL OR notification_delivery_leases.lease_owner = ${owner}
           OR notification_delivery_leases.lease_until <= ${this.sql.unsafe(NOW_MS)}
      RETURNING user_id`;
    const claimed = new Set(rows.map((row) => row.user_id));
    return distinct.filter((userId) => claimed.has(userId));
  }

  async renewUser(userId: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE notification_delivery_leases SET lease_until = ${this.until(leaseMs)} WHERE user_id = ${userId} AND lease_owner = ${owner}`;
    return result.count > 0;
  }

  async releaseUser(userId: string, owner: string): Promise<void> {
    await this
      .sql`UPDATE notification_delivery_leases SET lease_owner = NULL, lease_until = 0 WHERE user_id = ${userId} AND lease_owner = ${owner}`;
  }

  async releaseUsers(userIds: readonly string[], owner: string): Promise<void> {
    if (userIds.length === 0) return;
    // The rows are locked in user order (the column's "C" collation), as claims lock them: an
    // UPDATE alone locks in the order it scans (the heap's, on a small table), and a release
    // meeting another process's claim of overlapping users deadlocked, leaving their leases held
    // until they ran out (issue 18).
    await this.sql`
      WITH locked AS (
        SELECT user_id FROM notification_delivery_leases
        WHERE user_id = ANY (${[...new Set(userIds)]}::text[]) AND lease_owner = ${owner}
        ORDER BY user_id FOR UPDATE
      )
      UPDATE notification_delivery_leases AS l SET lease_owner = NULL, lease_until = 0
      FROM locked WHERE l.user_id = locked.user_id AND l.lease_owner = ${owner}`;
  }

  async queued(userId: string, channel: 'push' | 'email', limit: number): Promise<QueuedDelivery[]> {
    const rows = await this.sql<Row[]>`
      SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${this.sql.unsafe(READER_SEQ)}, ${this.sql.unsafe(NOTIFICATION_COLUMNS)} FROM notification_deliveries AS d
      JOIN notifications AS n ON n.id = d.notification_id
      WHERE d.user_id = ${userId} AND d.channel = ${channel} ORDER BY d.position LIMIT ${limit}`;
    return rows.map(toQueuedDelivery);
  }

  async queuedByChannel(userId: string, limit: number): Promise<{ push: QueuedDelivery[]; email: QueuedDelivery[] }> {
    const rows = await this.sql<Row[]>`
      (SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${this.sql.unsafe(READER_SEQ)}, ${this.sql.unsafe(NOTIFICATION_COLUMNS)} FROM notification_deliveries AS d
       JOIN notifications AS n ON n.id = d.notification_id
       WHERE d.user_id = ${userId} AND d.channel = 'push' ORDER BY d.position LIMIT ${limit})
      UNION ALL
      (SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${this.sql.unsafe(READER_SEQ)}, ${this.sql.unsafe(NOTIFICATION_COLUMNS)} FROM notification_deliveries AS d
       JOIN notifications AS n ON n.id = d.notification_id
       WHERE d.user_id = ${userId} AND d.channel = 'email' ORDER BY d.position LIMIT ${limit})
      ORDER BY d_position`;
    return byChannel(rows);
  }

  async queuedOfUsers(
    userIds: readonly string[],
    limit: number,
  ): Promise<Map<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>> {
    const found = new Map<string, { push: QueuedDelivery[]; email: QueuedDelivery[] }>(
      userIds.map((userId) => [userId, { push: [], email: [] }]),
    );
    if (userIds.length === 0) return found;
    // Per user and channel its first `limit` (a LATERAL read of each user's index range), all users in one statement.
    const rows = await this.sql<Row[]>`
      SELECT q.* FROM unnest(${[...new Set(userIds)]}::text[]) AS u(id) CROSS JOIN LATERAL (
        (SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${this.sql.unsafe(READER_SEQ)}, ${this.sql.unsafe(NOTIFICATION_COLUMNS)} FROM notification_deliveries AS d
         JOIN notifications AS n ON n.id = d.notification_id
         WHERE d.user_id = u.id AND d.channel = 'push' ORDER BY d.position LIMIT ${limit})
        UNION ALL
        (SELECT d.position AS d_position, d.channel, d.due_at, d.attempts, ${this.sql.unsafe(READER_SEQ)}, ${this.sql.unsafe(NOTIFICATION_COLUMNS)} FROM notification_deliveries AS d
         JOIN notifications AS n ON n.id = d.notification_id
         WHERE d.user_id = u.id AND d.channel = 'email' ORDER BY d.position LIMIT ${limit})) AS q
      ORDER BY q.d_position`;
    for (const row of rows) {
      const queued = toQueuedDelivery(row);
      found.get(queued.item.userId)?.[queued.channel].push(queued);
    }
    return found;
  }

  async finishMany(owner: string, ends: readonly { userId: string; ended: readonly DeliveryEnd[] }[]): Promise<Set<string>> {
    if (ends.length === 0) return new Set();
    // Many users' delivery rows in one statement, while `record` may update some of them in another
    // order: PostgreSQL may end one of the two as a deadlock. The statement did nothing then; again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.finishManyOnce(owner, ends);
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= FINISH_MANY_TRIES) throw error;
      }
    }
  }

  private async finishManyOnce(owner: string, ends: readonly { userId: string; ended: readonly DeliveryEnd[] }[]): Promise<Set<string>> {
    const flat = ends.flatMap(({ userId, ended }) => ended.map((end) => ({ userId, ...end })));
    // One statement (no transaction held open), as `finish`: only the ends of users whose lease is
    // still `owner`'s. A delivery row another statement is writing is left queued, not waited
    // for: on a busy thread that is `record` moving it to a newer message (one statement for a
    // thousand readers, a tenth of a second and more), which this delete would not match once it
    // could see it; waiting held up every push of the batch. Whatever else wrote it, the next
    // turn judges the delivery again (at least once, as after a crash).
    const rows = await this.sql<{ user_id: string }[]>`
      WITH held AS (
        SELECT user_id FROM notification_delivery_leases
        WHERE user_id = ANY (${[...new Set(ends.map((end) => end.userId))]}::text[]) AND lease_owner = ${owner}),
      ended AS (
        SELECT d.position FROM notification_deliveries AS d
        JOIN unnest(${flat.map((end) => end.userId)}::text[], ${flat.map((end) => end.position)}::bigint[],
          ${flat.map((end) => end.threadSeq)}::integer[]) AS e(user_id, position, seq)
          ON d.user_id = e.user_id AND d.position = e.position AND d.thread_seq <= e.seq
        WHERE e.user_id IN (SELECT user_id FROM held)
        FOR UPDATE OF d SKIP LOCKED),
      gone AS (
        DELETE FROM notification_deliveries AS d USING ended WHERE d.position = ended.position
        RETURNING 1)
      SELECT user_id, (SELECT count(*) FROM gone) AS gone FROM held`;
    return new Set(rows.map((row) => row.user_id));
  }

  async finish(userId: string, owner: string, ended: readonly DeliveryEnd[]): Promise<boolean> {
    // A delivery whose row was updated past the seq sent (a newer message joined its notification)
    // stays: a delete racing with that update waits for it and then sees the newer seq.
    const [row] = await this.sql<{ held: boolean }[]>`
      WITH held AS (SELECT 1 FROM notification_delivery_leases WHERE user_id = ${userId} AND lease_owner = ${owner}),
      gone AS (
        DELETE FROM notification_deliveries AS d
        USING unnest(${ended.map((end) => end.position)}::bigint[], ${ended.map((end) => end.threadSeq)}::integer[]) AS e(position, seq)
        WHERE d.user_id = ${userId} AND d.position = e.position AND d.thread_seq <= e.seq AND EXISTS (SELECT 1 FROM held)
        RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT count(*) FROM gone) AS gone`;
    return row?.held === true;
  }

  async postpone(userId: string, owner: string, positions: readonly number[], dueAt: number, attempts: number): Promise<boolean> {
    const [row] = await this.sql<{ held: boolean }[]>`
      WITH held AS (SELECT 1 FROM notification_delivery_leases WHERE user_id = ${userId} AND lease_owner = ${owner}),
      moved AS (
        UPDATE notification_deliveries SET due_at = ${dueAt}, attempts = ${attempts}
        WHERE user_id = ${userId} AND position = ANY (${positions as number[]}::bigint[]) AND EXISTS (SELECT 1 FROM held)
        RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT count(*) FROM moved) AS moved`;
    return row?.held === true;
  }
}
