import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './schema.ts';
import { SqliteStorage } from './sqlite-storage.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T = '2026-01-01T00:00:00.000Z';

/** A database file as the server before visitor trust (schema 1) left it: an agent token and a visitor keyed by email. */
function legacyDatabase() {
  const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
  const db = new Database(path);
  db.exec(MIGRATIONS[0]!);
  db.pragma('user_version = 1');
  const ids = { owner: randomUUID(), agent: randomUUID(), visitor: randomUUID(), thread: randomUUID() };
  const agentToken = 'ama_eat_legacy-token-0123456789';
  db.prepare('INSERT INTO users VALUES (?, ?, ?, NULL, ?, ?)').run(ids.owner, 'owner@example.com', 'Owner', 'x', T);
  db.prepare('INSERT INTO agents VALUES (?, ?, ?, NULL, ?, ?, ?, ?)').run(ids.agent, 'legacy', 'Legacy', 'hi', '#000', 'demo', T);
  db.prepare('INSERT INTO agent_owners VALUES (?, ?)').run(ids.agent, ids.owner);
  db.prepare('INSERT INTO agent_tokens VALUES (?, ?, ?)').run(createHash('sha256').update(agentToken).digest('hex'), ids.agent, T);
  db.prepare(
    `INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at)
              VALUES (?, 'public', ?, 'open', ?, ?, ?, ?)`,
  ).run(ids.thread, 'old@example.com', `visitor:${ids.visitor}`, T, T, T);
  db.prepare('INSERT INTO participants VALUES (?, ?, ?, NULL, 0)').run(ids.thread, `visitor:${ids.visitor}`, 'old@example.com');
  db.prepare('INSERT INTO participants VALUES (?, ?, ?, NULL, 1)').run(ids.thread, `agent:${ids.agent}`, 'Legacy');
  db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(ids.owner, ids.thread);
  db.prepare('INSERT INTO visitors VALUES (?, ?, ?, NULL, ?, ?)').run(ids.visitor, ids.agent, 'old@example.com', ids.thread, T);
  db.close();
  return { path, ids, agentToken };
}

describe('migrations 2 (visitor trust) and 3 (administration) on a database of schema 1', () => {
  it('opens, keeps visitors, threads and agent tokens, and works with the new rules', async () => {
    const { path, ids, agentToken } = legacyDatabase();
    const storage = new SqliteStorage(path);

    // Users from before administration (migration 3) are enabled.
    expect((await storage.users.get(ids.owner))?.disabled).toBe(false);
    const agent = await storage.agents.get(ids.agent);
    expect(agent).toMatchObject({ allowedOrigins: [], requireVerifiedIdentity: false, identitySecret: null });
    const visitor = await storage.visitors.ofThread(ids.thread);
    expect(visitor).toEqual({
      id: ids.visitor,
      agentId: ids.agent,
      email: 'old@example.com',
      name: null,
      identitySub: null,
      verified: false,
      threadId: ids.thread,
      language: null,
    });
    // The email is no longer the visitor's participant name.
    const thread = await storage.threads.get(ids.thread);
    expect(thread?.participants[0]).toEqual({ sender_id: `visitor:${ids.visitor}`, name: 'Visitor', avatar_url: null });
    expect(thread?.visitor?.id).toBe(ids.visitor);

    // The old agent token still works, now with an id and a display prefix.
    const found = await storage.agentSettings.getToken(createHash('sha256').update(agentToken).digest('hex'));
    expect(found?.agent.id).toBe(ids.agent);
    expect(found?.token.id).toMatch(UUID);
    expect(found?.token.prefix).toBe('ama_eat_');
    expect((await storage.agentSettings.listTokens(ids.agent)).map((token) => token.id)).toEqual([found?.token.id]);

    // The same email can start another conversation: it is a label, not a key.
    const again = await storage.visitors.create({ agent: agent!, email: 'old@example.com', name: null, tokenHash: 'h'.repeat(64) });
    expect(again.visitor.id).not.toBe(ids.visitor);
    expect(await storage.threads.userThreadIds(ids.owner)).toEqual(expect.arrayContaining([ids.thread, again.thread.id]));
    await storage.close();

    const reopened = new SqliteStorage(path);
    expect((await reopened.visitors.byToken(ids.agent, 'h'.repeat(64)))?.id).toBe(again.visitor.id);
    await reopened.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
  });
});

describe('migration 7 (a leaner log) on a database of schema 5 (6 and 7 run on opening)', () => {
  it('keeps every event and message, their order and idempotency, and drops only the id indexes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
    const db = new Database(path);
    for (const [index, migration] of MIGRATIONS.slice(0, 5).entries()) {
      db.exec(migration);
      db.pragma(`user_version = ${index + 1}`);
    }
    const ids = { user: randomUUID(), thread: randomUUID(), message: randomUUID(), event: randomUUID() };
    const sender = `user:${ids.user}`;
    db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
      ids.user,
      'old@example.com',
      'Old',
      'x',
      T,
    );
    db.prepare(
      `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
       VALUES (?, 'private', NULL, 'open', 2, ?, ?, ?, ?)`,
    ).run(ids.thread, sender, T, T, T);
    db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(ids.user, ids.thread);
    const insertEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insertEvent.run(ids.thread, 1, randomUUID(), 'participant_joined', sender, null, JSON.stringify({ sender_id: sender, name: 'Old' }), T);
    const data = { message_id: ids.message, client_message_id: 'c-1', role: 'user', mentions: [], base_seq: null, latest_seen_seq: null };
    insertEvent.run(ids.thread, 2, ids.event, 'message_committed', sender, 'hello', JSON.stringify(data), T);
    db.prepare('INSERT INTO messages VALUES (?, ?, 2, ?, ?, ?, ?, ?, NULL, NULL, ?)').run(
      ids.message,
      ids.thread,
      sender,
      'user',
      'hello',
      'c-1',
      '[]',
      T,
    );
    db.close();

    const storage = new SqliteStorage(path);
    const before = await storage.log.list(ids.thread, 0, 10);
    expect(before.events.map((event) => [event.thread_seq, event.event_type])).toEqual([
      [1, 'participant_joined'],
      [2, 'message_committed'],
    ]);
    expect(before.events[1]).toMatchObject({ event_id: ids.event, content: 'hello', data });
    const input = {
      threadId: ids.thread,
      senderId: sender,
      role: 'user' as const,
      mentions: [],
      baseSeq: null,
      latestSeenSeq: null,
    };
    // The message from before the migration is still found by its client_message_id.
    const repeat = await storage.log.commitMessage({ ...input, content: 'hello', clientMessageId: 'c-1' });
    expect(repeat).toMatchObject({ status: 'duplicate', message: { id: ids.message, thread_seq: 2, content: 'hello' } });
    const next = await storage.log.commitMessage({ ...input, content: 'after', clientMessageId: 'c-2' });
    expect(next).toMatchObject({ status: 'created', message: { thread_seq: 3 } });
    expect(await storage.threads.readState(ids.thread, ids.user)).toEqual({ readSeq: 0, unreadCount: 0 });
    await storage.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const indexes = (table: string) =>
      (raw.pragma(`index_list(${table})`) as { name: string; unique: number }[]).map((index) => [index.name, index.unique]).sort();
    // The primary key, and the partial index of notes' idempotency (migration 11): no id index.
    expect(indexes('events')).toEqual([
      ['events_note_idempotency', 1],
      ['sqlite_autoindex_events_1', 1],
    ]);
    expect(indexes('messages')).toEqual([
      ['messages_by_seq', 1],
      ['messages_idempotency', 1],
    ]);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
  });
});

describe("the webhook-rights migration (a webhook ends with its creator's rights) on subscriptions from before it", () => {
  it('keeps those of creators never on another session version, turns off the rest (creator_unknown), and names failures', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
    const db = new Database(path);
    // Every migration before this one (others may come between when branches merge).
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('ADD COLUMN creator_session_version'));
    expect(mine).toBeGreaterThan(0);
    for (let index = 0; index < mine; index++) {
      db.exec(MIGRATIONS[index]!);
      db.pragma(`user_version = ${index + 1}`);
    }
    const ids = { steady: randomUUID(), changed: randomUUID(), thread: randomUUID() };
    const insertUser = db.prepare(
      'INSERT INTO users (id, email, name, password_hash, session_version, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insertUser.run(ids.steady, 'steady@example.com', 'Steady', 'x', 0, T);
    insertUser.run(ids.changed, 'changed@example.com', 'Changed', 'x', 2, T);
    db.prepare(
      `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
       VALUES (?, 'private', NULL, 'open', 0, ?, ?, ?, ?)`,
    ).run(ids.thread, `user:${ids.steady}`, T, T, T);
    for (const user of [ids.steady, ids.changed]) {
      db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(user, ids.thread);
    }
    const insertHook = db.prepare(
      `INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at) VALUES (?, ?, 'https://example.com/h', 's', ?, ?, ?)`,
    );
    const hooks = { steady: randomUUID(), changed: randomUUID(), failed: randomUUID() };
    insertHook.run(hooks.steady, ids.thread, 1, `user:${ids.steady}`, T);
    insertHook.run(hooks.changed, ids.thread, 1, `user:${ids.changed}`, T);
    insertHook.run(hooks.failed, ids.thread, 0, `user:${ids.steady}`, T);
    db.close();

    const storage = new SqliteStorage(path);
    expect(await storage.webhooks.get(hooks.steady)).toMatchObject({ active: true, inactiveReason: null, creatorSessionVersion: 0 });
    // Changed password at some time, maybe after subscribing: cannot be told from a takeover.
    expect(await storage.webhooks.get(hooks.changed)).toMatchObject({
      active: false,
      inactiveReason: 'creator_unknown',
      creatorSessionVersion: null,
    });
    expect(await storage.webhooks.get(hooks.failed)).toMatchObject({ active: false, inactiveReason: 'delivery_failed' });
    await storage.close();
  });
});

describe('the ownership migration (issue 17) on threads from before it', () => {
  it('makes every thread open and unassigned and counts it in each reader’s queues', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
    const db = new Database(path);
    // Every migration before this one (others may come between when branches merge).
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE queue_counts'));
    expect(mine).toBeGreaterThan(0);
    for (let index = 0; index < mine; index++) {
      db.exec(MIGRATIONS[index]!);
      db.pragma(`user_version = ${index + 1}`);
    }
    const [alice, bob] = [randomUUID(), randomUUID()];
    const insertUser = db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    insertUser.run(alice, 'alice@example.com', 'Alice', 'x', T);
    insertUser.run(bob, 'bob@example.com', 'Bob', 'x', T);
    const threads = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, thread] of threads.entries()) {
      db.prepare(
        `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
         VALUES (?, 'private', NULL, 'open', 0, ?, ?, ?, ?)`,
      ).run(thread, `user:${alice}`, T, T, T);
      db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(alice, thread);
      if (index > 0) db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(bob, thread);
    }
    db.close();

    const storage = new SqliteStorage(path);
    expect(await storage.threads.get(threads[0]!)).toMatchObject({ status: 'open', assigneeId: null, agentPaused: false });
    expect(await storage.ownership.counts(alice)).toEqual({ waiting: 0, mine: 0, unassigned: 3, open: 3, resolved: 0, snoozed: 0 });
    expect(await storage.ownership.counts(bob)).toEqual({ waiting: 0, mine: 0, unassigned: 2, open: 2, resolved: 0, snoozed: 0 });
    await storage.close();
  });
});

describe('the busy-thread migration (one unread `message` notification per user and thread) on notifications from before it', () => {
  it('later messages update the newest unread one of each (user, thread); older ones stay listed; its queued push is reused', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
    const db = new Database(path);
    // Every migration before this one (others may come between when branches merge).
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('ADD COLUMN collapse_key'));
    expect(mine).toBeGreaterThan(0);
    // As migrate() does: migration 14 drops an FTS5 shadow table, which defensive mode forbids.
    db.unsafeMode(true);
    for (let index = 0; index < mine; index++) {
      db.exec(MIGRATIONS[index]!);
      db.pragma(`user_version = ${index + 1}`);
    }
    const [ann, bob, thread] = [randomUUID(), randomUUID(), randomUUID()];
    const insertUser = db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    insertUser.run(ann, 'ann@example.com', 'Ann', 'x', T);
    insertUser.run(bob, 'bob@example.com', 'Bob', 'x', T);
    db.prepare(
      `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
       VALUES (?, 'private', 'Plans', 'open', 3, ?, ?, ?, ?)`,
    ).run(thread, `user:${ann}`, T, T, T);
    for (const user of [ann, bob]) db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(user, thread);
    db.prepare('INSERT INTO notification_cursors (thread_id, notified_seq) VALUES (?, 3)').run(thread);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, id] of ids.entries()) {
      db.prepare(
        `INSERT INTO notifications (id, user_id, kind, thread_id, thread_seq, title, body, created_at)
         VALUES (?, ?, 'message', ?, ?, 'New message from Ann', ?, ?)`,
      ).run(id, bob, thread, index + 1, `text ${index + 1}`, T);
    }
    db.prepare("INSERT INTO notification_deliveries (notification_id, user_id, channel, due_at) VALUES (?, ?, 'push', 1000)").run(
      ids[2],
      bob,
    );
    db.close();

    const storage = new SqliteStorage(path);
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
    await storage.close();
  });
});

describe('the list-order migration (an updated notification moves up its list without moving its row) on notifications from before it', () => {
  it('keeps each list in its order and its page cursors; a newer message moves its unread notification to the top, its row id kept', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ama2-migration-')), 'db.sqlite');
    const db = new Database(path);
    const mine = MIGRATIONS.findIndex((migration) => migration.includes('ADD COLUMN list_order'));
    expect(mine).toBeGreaterThan(0);
    db.unsafeMode(true);
    for (let index = 0; index < mine; index++) {
      db.exec(MIGRATIONS[index]!);
      db.pragma(`user_version = ${index + 1}`);
    }
    const [ann, bob, plans, trip] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const insertUser = db.prepare('INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    insertUser.run(ann, 'ann@example.com', 'Ann', 'x', T);
    insertUser.run(bob, 'bob@example.com', 'Bob', 'x', T);
    for (const thread of [plans, trip]) {
      db.prepare(
        `INSERT INTO threads (id, kind, title, participation_mode, last_seq, created_by, created_at, updated_at, activity_at)
         VALUES (?, 'private', 'Plans', 'open', 3, ?, ?, ?, ?)`,
      ).run(thread, `user:${ann}`, T, T, T);
      for (const user of [ann, bob]) db.prepare('INSERT INTO thread_access (user_id, thread_id) VALUES (?, ?)').run(user, thread);
      db.prepare('INSERT INTO notification_cursors (thread_id, notified_seq) VALUES (?, 3)').run(thread);
    }
    // Bob's and Ann's notifications interleaved, as several users' are: Bob's of Plans (seq 1), of Trip (1, 2), of Plans (2 and 3, unread).
    const bobs: string[] = [];
    const insert = db.prepare(
      `INSERT INTO notifications (id, user_id, kind, thread_id, thread_seq, title, body, created_at, collapse_key, read_at)
       VALUES (?, ?, ?, ?, ?, 'New message', 'text', ?, ?, ?)`,
    );
    for (const [thread, seq, kind] of [
      [plans, 1, 'mention'],
      [trip, 1, 'mention'],
      [trip, 2, 'message'],
      [plans, 2, 'mention'],
      [plans, 3, 'message'],
    ] as const) {
      const id = randomUUID();
      insert.run(randomUUID(), ann, kind, thread, seq, T, null, T);
      insert.run(id, bob, kind, thread, seq, T, kind === 'message' ? thread : null, null);
      bobs.push(id);
    }
    const positionOf = (id: string) =>
      (db.prepare('SELECT position FROM notifications WHERE id = ?').get(id) as { position: number }).position;
    const tripPosition = positionOf(bobs[2]!);
    db.close();

    const storage = new SqliteStorage(path);
    const store = storage.notifications;
    const pageOf = async (cursor: number | null) => store.list(bob, { unreadOnly: false, cursor, limit: 2 });
    const first = await pageOf(null);
    expect(first.items.map((n) => n.id)).toEqual([bobs[4], bobs[3]]);
    const second = await pageOf(first.positions.at(-1)!);
    expect(second.items.map((n) => n.id)).toEqual([bobs[2], bobs[1]]);

    expect(await store.claimThread(trip, 'p', 60_000)).toBe(3);
    const titles = { from: { before: '', after: ' new messages from Ann' }, in: { before: '', after: ' new messages in Trip' } };
    const stored = await store.record(trip, 'p', 4, 60_000, [
      {
        userId: bob,
        kind: 'message',
        threadSeq: 4,
        title: 'New message',
        body: 'text 4',
        collapse: { senderId: null, count: 1, titles },
        deliveries: [],
      },
      { userId: bob, kind: 'mention', threadSeq: 4, title: 'Ann mentioned you', body: 'text 4', deliveries: [] },
    ]);
    expect(stored!.map((s) => [s.notification.id === bobs[2], s.replaced ?? false])).toEqual([
      [true, true],
      [false, false],
    ]);
    const mention = stored![1]!.notification.id;
    const after = await store.list(bob, { unreadOnly: false, cursor: null, limit: 10 });
    expect(after.items.map((n) => n.id)).toEqual([mention, bobs[2], bobs[4], bobs[3], bobs[1], bobs[0]]);
    // Its list order moved, not its row.
    const raw = new Database(path, { readonly: true });
    expect((raw.prepare('SELECT position FROM notifications WHERE id = ?').get(bobs[2]) as { position: number }).position).toBe(
      tripPosition,
    );
    raw.close();
    // Ann's list is untouched.
    expect((await store.list(ann, { unreadOnly: false, cursor: null, limit: 10 })).items.map((n) => n.thread_seq)).toEqual([3, 2, 2, 1, 1]);
    await storage.close();
  });
});
