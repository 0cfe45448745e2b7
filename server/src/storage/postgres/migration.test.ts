import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { MIGRATIONS } from './schema.ts';
import { testDataKey } from '../../../test/support/data-key.ts';

const T = '2026-01-01T00:00:00.000Z';

describePostgres("the webhook-rights migration (a webhook ends with its creator's rights) on PostgreSQL", () => {
  it('keeps subscriptions of creators never on another session version, turns off the rest (creator_unknown), names failures', async () => {
    const url = await freshDatabase();
    const raw = postgres(url, { max: 1, onnotice: () => {} });
    // Every migration before this one (others may come between when branches merge), recorded as migrate() does.
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('ADD COLUMN creator_session_version'));
    expect(mine).toBeGreaterThan(0);
    await raw`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (let index = 0; index < mine; index++) {
      await raw.unsafe(MIGRATIONS[index]!);
      await raw`INSERT INTO schema_migrations (version) VALUES (${index + 1})`;
    }
    const ids = { steady: randomUUID(), changed: randomUUID(), thread: randomUUID() };
    await raw`INSERT INTO users (id, email, name, password_hash, session_version, created_at)
              VALUES (${ids.steady}, 'steady@example.com', 'Steady', 'x', 0, ${T}), (${ids.changed}, 'changed@example.com', 'Changed', 'x', 2, ${T})`;
    await raw`INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
              VALUES (${ids.thread}, 'private', NULL, 'open', 0, ${`user:${ids.steady}`}, ${T}, ${T}, ${T})`;
    const hooks = { steady: randomUUID(), changed: randomUUID(), failed: randomUUID() };
    for (const [id, active, creator] of [
      [hooks.steady, true, ids.steady],
      [hooks.changed, true, ids.changed],
      [hooks.failed, false, ids.steady],
    ] as const) {
      await raw`INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at)
                VALUES (${id}, ${ids.thread}, 'https://example.com/h', 's', ${active}, ${`user:${creator}`}, ${T})`;
    }
    await raw.end();

    const storage = await PostgresStorage.open(url, { dataKey: testDataKey() });
    try {
      expect(await storage.webhooks.get(hooks.steady)).toMatchObject({ active: true, inactiveReason: null, creatorSessionVersion: 0 });
      // Changed password at some time, maybe after subscribing: cannot be told from a takeover.
      expect(await storage.webhooks.get(hooks.changed)).toMatchObject({
        active: false,
        inactiveReason: 'creator_unknown',
        creatorSessionVersion: null,
      });
      expect(await storage.webhooks.get(hooks.failed)).toMatchObject({ active: false, inactiveReason: 'delivery_failed' });
    } finally {
      await storage.close();
    }
  });
});

describePostgres('the ownership migration (issue 17) on PostgreSQL', () => {
  it('makes every thread open and unassigned and counts it in each reader’s queues', async () => {
    const url = await freshDatabase();
    const raw = postgres(url, { max: 1, onnotice: () => {} });
    // Every migration before this one (others may come between when branches merge), recorded as migrate() does.
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE queue_counts'));
    expect(mine).toBeGreaterThan(0);
    await raw`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (let index = 0; index < mine; index++) {
      await raw.unsafe(MIGRATIONS[index]!);
      await raw`INSERT INTO schema_migrations (version) VALUES (${index + 1})`;
    }
    const [alice, bob] = [randomUUID(), randomUUID()];
    await raw`INSERT INTO users (id, email, name, password_hash, created_at)
              VALUES (${alice}, 'alice@example.com', 'Alice', 'x', ${T}), (${bob}, 'bob@example.com', 'Bob', 'x', ${T})`;
    const threads = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, thread] of threads.entries()) {
      await raw`INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
                VALUES (${thread}, 'private', NULL, 'open', 0, ${`user:${alice}`}, ${T}, ${T}, ${T})`;
      await raw`INSERT INTO thread_access (user_id, thread_id) VALUES (${alice}, ${thread})`;
      if (index > 0) await raw`INSERT INTO thread_access (user_id, thread_id) VALUES (${bob}, ${thread})`;
    }
    await raw.end();

    const storage = await PostgresStorage.open(url, { dataKey: testDataKey() });
    try {
      expect(await storage.threads.get(threads[0]!)).toMatchObject({ status: 'open', assigneeId: null, agentPaused: false });
      expect(await storage.ownership.counts(alice)).toEqual({ waiting: 0, mine: 0, unassigned: 3, open: 3, resolved: 0, snoozed: 0 });
      expect(await storage.ownership.counts(bob)).toEqual({ waiting: 0, mine: 0, unassigned: 2, open: 2, resolved: 0, snoozed: 0 });
    } finally {
      await storage.close();
    }
  });
});

describePostgres('the busy-thread migration (one unread `message` notification per user and thread) on PostgreSQL', () => {
  it('later messages update the newest unread one of each (user, thread); older ones stay listed; its queued push is reused', async () => {
    const url = await freshDatabase();
    const raw = postgres(url, { max: 1, onnotice: () => {} });
    // Every migration before this one (others may come between when branches merge), recorded as migrate() does.
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('ADD COLUMN collapse_key'));
    expect(mine).toBeGreaterThan(0);
    await raw`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (let index = 0; index < mine; index++) {
      await raw.unsafe(MIGRATIONS[index]!);
      await raw`INSERT INTO schema_migrations (version) VALUES (${index + 1})`;
    }
    const [ann, bob, thread] = [randomUUID(), randomUUID(), randomUUID()];
    await raw`INSERT INTO users (id, email, name, password_hash, created_at)
              VALUES (${ann}, 'ann@example.com', 'Ann', 'x', ${T}), (${bob}, 'bob@example.com', 'Bob', 'x', ${T})`;
    await raw`INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
              VALUES (${thread}, 'private', 'Plans', 'open', 3, ${`user:${ann}`}, ${T}, ${T}, ${T})`;
    await raw`INSERT INTO thread_access (user_id, thread_id) VALUES (${ann}, ${thread}), (${bob}, ${thread})`;
    await raw`INSERT INTO notification_cursors (thread_id, notified_seq) VALUES (${thread}, 3)`;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, id] of ids.entries()) {
      await raw`INSERT INTO notifications (id, user_id, kind, thread_id, thread_seq, title, body, created_at)
                VALUES (${id}, ${bob}, 'message', ${thread}, ${index + 1}, 'New message from Ann', ${`text ${index + 1}`}, ${T})`;
    }
    await raw`INSERT INTO notification_deliveries (notification_id, user_id, channel, due_at) VALUES (${ids[2]!}, ${bob}, 'push', 1000)`;
    await raw.end();

    const storage = await PostgresStorage.open(url, { dataKey: testDataKey() });
    try {
      const store = storage.notifications;
      expect(await store.claimThread(thread, 'p', 60_000)).toBe(3);
      const [updated] = (await store.record(thread, 'p', 4, 60_000, [
        {
          userId: bob,
          kind: 'message',
          threadSeq: 4,
          title: 'New message from Ann',
          body: 'text 4',
          collapse: {
            senderId: `user:${ann}`,
            count: 1,
            titles: { from: { before: '', after: ' new messages from Ann' }, in: { before: '', after: ' new messages in Plans' } },
          },
          deliveries: [{ channel: 'push', dueAt: 2_000 }],
        },
      ]))!;
      // The sender of messages from before is not known: "in <thread>".
      expect(updated).toMatchObject({
        replaced: true,
        notification: { id: ids[2], thread_seq: 4, title: '2 new messages in Plans', count: 2 },
      });
      const listed = await store.list(bob, { unreadOnly: true, cursor: null, limit: 10 });
      expect(listed.items.map((n) => [n.id, n.thread_seq])).toEqual([
        [ids[2], 4],
        [ids[1], 2],
        [ids[0], 1],
      ]);
      expect((await store.queued(bob, 'push', 10)).map((d) => [d.dueAt, d.item.notification.id, d.item.notification.thread_seq])).toEqual([
        [1000, ids[2], 4],
      ]);
    } finally {
      await storage.close();
    }
  });
});
