import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { testDataKey } from '../../../test/support/data-key.ts';
import type { NotificationDraft } from '../stores/notification-store.ts';
import { PostgresStorage } from './postgres-storage.ts';

/** A busy thread's readers. */
const READERS = 200;
/** Rounds of the rules, each a newer message for every reader: 6,000 updates in all. */
const ROUNDS = 30;
const LEASE_MS = 60_000;
/** Growth of the indexes allowed: well above what heap-only updates leave, well below what indexed ones do. */
const INDEX_GROWTH_MAX_PAGES = 30;

/** A `message` draft as the rules make it: it joins the reader's unread `message` notification of the thread. */
const messageDraft = (userId: string, seq: number): NotificationDraft => ({
  userId,
  kind: 'message',
  threadSeq: seq,
  title: 'New message from Owner',
  body: `message ${seq}`,
  collapse: {
    senderId: 'user:owner',
    count: 1,
    titles: { from: { before: '', after: ' new messages from Owner' }, in: { before: '', after: ' new messages in Busy' } },
  },
  deliveries: [{ channel: 'push', dueAt: 0 }],
});

/**
 * Issue 18's busy thread on PostgreSQL: each round of the rules updates every reader's unread
 * `message` notification in place. Such an update changes no indexed column (the seq it was
 * made for keys it, not its newest seq; one already at the top of its user's list keeps its
 * place), so PostgreSQL writes it beside the old version (HOT) and adds nothing to the six
 * indexes of `notifications`. Before, each update was a new entry in all of them.
 */
describePostgres('a busy thread on PostgreSQL: a notification updated in place', () => {
  let storage: PostgresStorage | undefined;
  let monitor: postgres.Sql | undefined;
  afterEach(async () => {
    await storage?.close();
    await monitor?.end();
  });

  it('keeps its place at the top of the list and leaves the indexes as they were', { timeout: 120_000 }, async () => {
    const databaseUrl = await freshDatabase();
    storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    monitor = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await storage.users.create({ id: 'owner', email: 'owner@example.com', name: 'Owner', avatarUrl: null, passwordHash: 'x' });
    await monitor`
      INSERT INTO users (id, email, name, password_hash, created_at)
      SELECT 'reader-' || n, 'reader-' || n || '@example.com', 'Reader ' || n, 'x', now() FROM generate_series(1, ${READERS}) AS n`;
    const readers = Array.from({ length: READERS }, (_, index) => `reader-${index + 1}`);
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'Busy',
      participationMode: 'open',
      participants: [
        { sender_id: 'user:owner', name: 'Owner', avatar_url: null },
        ...readers.map((id) => ({ sender_id: `user:${id}` as const, name: id, avatar_url: null })),
      ],
      extraAudience: [],
      createdBy: 'user:owner',
      initialMessage: null,
    });
    const store = storage.notifications;
    expect(await store.claimThread(thread.id, 'p', LEASE_MS)).toBe(0);
    const first = await store.record(
      thread.id,
      'p',
      1,
      LEASE_MS,
      readers.map((reader) => messageDraft(reader, 1)),
    );
    expect(first).toHaveLength(READERS);
    const placeBefore = (await store.list(readers[0]!, { unreadOnly: false, cursor: null, limit: 10 })).positions;
    const indexPages = async () =>
      Number(
        (
          await monitor!<{ pages: number }[]>`
            SELECT sum(pg_relation_size(indexrelid) / current_setting('block_size')::int)::int AS pages
            FROM pg_index WHERE indrelid = 'notifications'::regclass`
        )[0]!.pages,
      );
    const before = await indexPages();

    for (let seq = 2; seq <= ROUNDS + 1; seq++) {
      const stored = await store.record(
        thread.id,
        'p',
        seq,
        LEASE_MS,
        readers.map((reader) => messageDraft(reader, seq)),
      );
      expect(stored?.every((created) => created.replaced && created.notification.thread_seq === seq)).toBe(true);
    }

    // Each reader still has one notification, of the newest message, where it was: its page cursor is the same.
    const listed = await store.list(readers[0]!, { unreadOnly: false, cursor: null, limit: 10 });
    expect(listed.items.map((n) => [n.kind, n.thread_seq, n.count, n.title])).toEqual([
      ['message', ROUNDS + 1, ROUNDS + 1, `${ROUNDS + 1} new messages from Owner`],
    ]);
    expect(listed.positions).toEqual(placeBefore);
    // 6,000 updates, and the six indexes grew by a handful of pages (6 here: the odd update finds no room
    // in its page). A new entry in each for every update grew them by 171 pages.
    expect((await indexPages()) - before).toBeLessThanOrEqual(INDEX_GROWTH_MAX_PAGES);
  });
});
