import { expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../../src/core/protocol/notifications.ts';
import type { NotificationDraft, QueuedDelivery } from '../stores/notification-store.ts';
import { message, thread, users, type ContractOpen } from './fixtures.ts';

const draft = (userId: string, seq: number, extra: Partial<NotificationDraft> = {}): NotificationDraft => ({
  userId,
  kind: 'mention',
  threadSeq: seq,
  title: 't',
  body: 'b',
  deliveries: [{ channel: 'push', dueAt: 1_000 }],
  ...extra,
});

/** A `message` draft as the rules make it: it joins the user's unread `message` notification of the thread. */
const messageDraft = (userId: string, seq: number, sender: string, extra: Partial<NotificationDraft> = {}): NotificationDraft => ({
  userId,
  kind: 'message',
  threadSeq: seq,
  title: `New message from ${sender}`,
  body: `text ${seq}`,
  collapse: {
    senderId: `user:${sender}`,
    count: 1,
    titles: { from: { before: '', after: ` new messages from ${sender}` }, in: { before: '', after: ' new messages in Plans' } },
  },
  deliveries: [{ channel: 'push', dueAt: 1_000 }],
  ...extra,
});

const endOf = (queued: QueuedDelivery) => ({ position: queued.position, threadSeq: queued.item.notification.thread_seq });

/** More notification rows than one PostgreSQL statement may bind (65,535 parameters, 10 a row). */
const WIDE_BATCH = 7_000;

/** Storage contract rules of notifications: the rules' cursor and lease, once per (user, kind, seq), the list, the delivery queue. */
export function notificationStoreRules(open: ContractOpen): void {
  it("notifications rule N1: a thread's cursor is taken by one holder; only it records, forward only, each (user, kind, seq) once", async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'hello'));
    expect(await store.dueThreads(100)).toContain(t.id);
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => store.claimThread(t.id, `p${i}`, 60_000)));
    expect(claims.filter((claim) => claim !== undefined)).toEqual([0]);
    const holder = `p${claims.findIndex((claim) => claim !== undefined)}`;
    expect(await store.dueThreads(100)).not.toContain(t.id);
    expect(await store.record(t.id, 'other', 3, 60_000, [draft(b!, 3)])).toBeNull();
    const created = await store.record(t.id, holder, 3, 60_000, [draft(b!, 3), draft(b!, 3, { kind: 'message' })]);
    expect(created?.map((c) => [c.userId, c.notification.kind, c.notification.thread_seq])).toEqual([
      [b, 'mention', 3],
      [b, 'message', 3],
    ]);
    // Not backwards, not again.
    expect(await store.record(t.id, holder, 3, 60_000, [draft(b!, 3)])).toBeNull();
    await store.releaseThread(t.id, holder);
    // Another holder that evaluates the same events again stores nothing twice.
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'again'));
    expect(await store.claimThread(t.id, 'late', 60_000)).toBe(3);
    expect(await store.record(t.id, 'late', 4, 60_000, [draft(b!, 3), draft(b!, 4)])).toEqual([
      expect.objectContaining({ notification: expect.objectContaining({ thread_seq: 4 }) }),
    ]);
    expect((await store.queued(b!, 'push', 10)).map((d) => [d.item.notification.kind, d.item.notification.thread_seq])).toEqual([
      ['mention', 3],
      ['message', 3],
      ['mention', 4],
    ]);
    await store.releaseThread(t.id, 'late');
    expect(await store.dueThreads(100)).not.toContain(t.id);
    await storage.close();
  });

  it('notifications rule N2: an expired thread lease passes on; a renewal by someone else fails', async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    expect(await store.claimThread(t.id, 'p1', 1)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.claimThread(t.id, 'p2', 60_000)).toBe(0);
    expect(await store.renewThread(t.id, 'p1', 60_000)).toBe(false);
    expect(await store.record(t.id, 'p1', 1, 60_000, [])).toBeNull();
    expect(await store.record(t.id, 'p2', 1, 60_000, [])).toEqual([]);
    await storage.close();
  });

  it('notifications rule N3: the list is newest first by keyset, counts unread, hides threads the user no longer reads, marks only their own read', async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await store.claimThread(t.id, 'p', 60_000);
    const created = (await store.record(
      t.id,
      'p',
      5,
      60_000,
      [1, 2, 3].map((seq) => draft(b!, seq)),
    ))!;
    const first = await store.list(b!, { unreadOnly: false, cursor: null, limit: 2 });
    expect(first.items.map((n) => n.thread_seq)).toEqual([3, 2]);
    const rest = await store.list(b!, { unreadOnly: false, cursor: first.positions[1]!, limit: 2 });
    expect(rest.items.map((n) => n.thread_seq)).toEqual([1]);
    expect(await store.markRead(a!, [created[0]!.notification.id], new Date().toISOString())).toBe(0);
    expect(await store.markRead(b!, [created[0]!.notification.id], new Date().toISOString())).toBe(1);
    expect(await store.unreadCount(b!)).toBe(2);
    expect((await store.list(b!, { unreadOnly: true, cursor: null, limit: 10 })).items.map((n) => n.thread_seq)).toEqual([3, 2]);
    expect(await store.markRead(b!, 'all', new Date().toISOString())).toBe(2);
    expect(await store.unreadCount(b!)).toBe(0);
    await storage.close();
  });

  it("notifications rule N4: a user's deliveries are held by one process at a time; only the holder ends or puts them off", async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await store.claimThread(t.id, 'p', 60_000);
    await store.record(t.id, 'p', 2, 60_000, [draft(b!, 1), draft(b!, 2, { deliveries: [{ channel: 'email', dueAt: 5_000 }] })]);
    expect(await store.dueUsers(999, 10)).toEqual([]);
    expect(await store.dueUsers(1_000, 10)).toEqual([b]);
    const claims = await Promise.all(['q1', 'q2', 'q3'].map((owner) => store.claimUser(b!, owner, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = `q${claims.indexOf(true) + 1}`;
    expect(await store.dueUsers(10_000, 10)).toEqual([]);
    const [push] = await store.queued(b!, 'push', 10);
    expect(await store.finish(b!, 'someone', [endOf(push!)])).toBe(false);
    expect(await store.postpone(b!, holder, [push!.position], 7_000, 1)).toBe(true);
    expect((await store.queued(b!, 'push', 10)).map((d) => [d.dueAt, d.attempts])).toEqual([[7_000, 1]]);
    expect(await store.finish(b!, holder, [endOf(push!)])).toBe(true);
    expect(await store.queued(b!, 'push', 10)).toEqual([]);
    expect((await store.queued(b!, 'email', 10)).map((d) => d.dueAt)).toEqual([5_000]);
    await store.releaseUser(b!, holder);
    expect(await store.dueUsers(5_000, 10)).toEqual([b]);
    await storage.close();
  });

  it('notifications rule N10: both channels queued in one read, each in order and at most `limit` of each, the same items as `queued`', async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await store.claimThread(t.id, 'p', 60_000);
    const both = {
      deliveries: [
        { channel: 'push' as const, dueAt: 1_000 },
        { channel: 'email' as const, dueAt: 9_000 },
      ],
    };
    await store.record(t.id, 'p', 4, 60_000, [draft(b!, 1, both), draft(b!, 2), draft(b!, 3, both), draft(b!, 4, both)]);
    const split = await store.queuedByChannel(b!, 2);
    expect(split.push.map((d) => [d.channel, d.item.notification.thread_seq, d.dueAt])).toEqual([
      ['push', 1, 1_000],
      ['push', 2, 1_000],
    ]);
    expect(split.email.map((d) => [d.channel, d.item.notification.thread_seq, d.dueAt])).toEqual([
      ['email', 1, 9_000],
      ['email', 3, 9_000],
    ]);
    expect(split.push).toEqual(await store.queued(b!, 'push', 2));
    expect(split.email).toEqual(await store.queued(b!, 'email', 2));
    expect(await store.queuedByChannel(a!, 2)).toEqual({ push: [], email: [] });
    await storage.close();
  });

  it("notifications rule N11: a batch of users' delivery steps in one request each: claim (others' leases left out), both channels' queues with each item's read seq, subscriptions, finish only where held, release", async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b, c, d, outsider] = await users(storage, 5);
    const { thread: t } = await storage.threads.create(thread([a!, b!, c!, d!]));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'one'));
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'two'));
    await store.claimThread(t.id, 'p', 60_000);
    const both = {
      deliveries: [
        { channel: 'push' as const, dueAt: 1_000 },
        { channel: 'email' as const, dueAt: 9_000 },
      ],
    };
    await store.record(t.id, 'p', 2, 60_000, [draft(b!, 1), draft(b!, 2, both), draft(c!, 1), draft(c!, 2)]);

    // c's lease is another process's: left out; duplicates count once; the order is the one given.
    expect(await store.claimUser(c!, 'other', 60_000)).toBe(true);
    expect(await store.claimUsers([d!, b!, c!, b!], 'p1', 60_000)).toEqual([d, b]);
    expect(await store.claimUsers([], 'p1', 60_000)).toEqual([]);

    const queued = await store.queuedOfUsers([b!, c!, d!], 10);
    expect([...queued.keys()].sort()).toEqual([b!, c!, d!].sort());
    expect(queued.get(b!)).toEqual(await store.queuedByChannel(b!, 10));
    expect(queued.get(b!)!.push.map((item) => item.item.notification.thread_seq)).toEqual([1, 2]);
    expect(queued.get(b!)!.email.map((item) => item.item.notification.thread_seq)).toEqual([2]);
    expect(queued.get(c!)).toEqual(await store.queuedByChannel(c!, 10));
    expect(queued.get(d!)).toEqual({ push: [], email: [] });
    // The limit is each channel's; a user asked for twice is read once.
    const firstOnly = (await store.queuedOfUsers([b!, c!, b!], 1)).get(b!)!;
    expect(firstOnly.push.map((item) => item.item.notification.thread_seq)).toEqual([1]);
    expect(firstOnly.email.map((item) => item.item.notification.thread_seq)).toEqual([2]);

    // Each item carries how far its user has read the thread, read with it; null for a user who cannot read it.
    expect(queued.get(b!)!.push.map((item) => item.readSeq)).toEqual([0, 0]);
    await storage.threads.markRead(t.id, b!, 1);
    await storage.log.commitMessage(message(t.id, `user:${a}`, 'three'));
    await store.record(t.id, 'p', 3, 60_000, [draft(outsider!, 3)]);
    const reread = await store.queuedOfUsers([b!, c!, outsider!], 10);
    expect(reread.get(b!)!.push.map((item) => item.readSeq)).toEqual([1, 1]);
    expect(reread.get(b!)!.email.map((item) => item.readSeq)).toEqual([1]);
    expect(reread.get(c!)!.push.map((item) => item.readSeq)).toEqual([0, 0]);
    expect(reread.get(outsider!)!.push.map((item) => [item.item.notification.thread_seq, item.readSeq])).toEqual([[3, null]]);
    expect((await store.queued(b!, 'push', 10)).map((item) => item.readSeq)).toEqual([1, 1]);
    expect(reread.get(outsider!)).toEqual(await store.queuedByChannel(outsider!, 10));

    const sub = await storage.push.subscribe({ userId: b!, endpoint: 'https://push.example/b', p256dh: 'k1', auth: 'a1' });
    const subscriptions = await storage.push.listForUsers([b!, d!]);
    expect(subscriptions.get(b!)!.map((item) => item.id)).toEqual([sub.subscription.id]);
    expect(subscriptions.get(b!)).toEqual(await storage.push.listForUser(b!));
    expect(subscriptions.get(d!)).toEqual([]);

    // Only the holder's ends apply: b's first push goes, c's (held by another) stays.
    const ended = await store.finishMany('p1', [
      { userId: b!, ended: [endOf(queued.get(b!)!.push[0]!)] },
      { userId: c!, ended: [endOf(queued.get(c!)!.push[0]!)] },
    ]);
    expect([...ended]).toEqual([b]);
    expect((await store.queued(b!, 'push', 10)).map((item) => item.item.notification.thread_seq)).toEqual([2]);
    expect((await store.queued(c!, 'push', 10)).map((item) => item.item.notification.thread_seq)).toEqual([1, 2]);
    expect(await store.finishMany('p1', [])).toEqual(new Set());

    // The release gives back p1's leases only.
    await store.releaseUsers([b!, c!, d!], 'p1');
    expect(await store.claimUser(c!, 'p3', 60_000)).toBe(false);
    expect(await store.claimUser(b!, 'p3', 60_000)).toBe(true);
    expect(await store.claimUser(d!, 'p3', 60_000)).toBe(true);
    await storage.close();
  });

  it("notifications rule N6: one batch of a busy thread's notifications is stored whole, beyond PostgreSQL's 65,535 parameters a statement", async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    await store.claimThread(t.id, 'p', 60_000);
    // 50 messages × 1,000 readers is one batch of the rules; 7,000 rows of 10 columns are past the limit already.
    const drafts = Array.from({ length: WIDE_BATCH }, (_, i) => draft(a!, i + 1));
    const created = await store.record(t.id, 'p', WIDE_BATCH, 60_000, drafts);
    expect(created).toHaveLength(WIDE_BATCH);
    expect(await store.unreadCount(a!)).toBe(WIDE_BATCH);
    const queued = await store.queued(a!, 'push', 5);
    expect(queued.map((d) => d.item.notification.thread_seq)).toEqual([1, 2, 3, 4, 5]);
    await storage.close();
  });

  it('notifications rule N7: one unread `message` notification per (user, thread), updated in place and moved to the top; read, the next is new; other kinds stay apart', async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    const { thread: other } = await storage.threads.create(thread([a!, b!]));
    await store.claimThread(t.id, 'p', 60_000);
    await store.claimThread(other.id, 'p', 60_000);
    const [first] = (await store.record(t.id, 'p', 1, 60_000, [messageDraft(b!, 1, 'Ann')]))!;
    expect(first!.notification).toMatchObject({ thread_seq: 1, title: 'New message from Ann', body: 'text 1' });
    expect(first!.notification.count).toBeUndefined();
    await store.record(other.id, 'p', 1, 60_000, [draft(b!, 1)]);
    const [second] = (await store.record(t.id, 'p', 2, 60_000, [messageDraft(b!, 2, 'Ann')]))!;
    expect(second).toMatchObject({
      replaced: true,
      notification: { id: first!.notification.id, thread_seq: 2, title: '2 new messages from Ann', body: 'text 2', count: 2 },
    });
    expect(second!.notification.created_at >= first!.notification.created_at).toBe(true);
    // Listed once, at the top (above the other thread's newer notification); one unread.
    const listed = await store.list(b!, { unreadOnly: false, cursor: null, limit: 10 });
    expect(listed.items.map((n) => [n.thread_id, n.kind, n.thread_seq, n.title])).toEqual([
      [t.id, 'message', 2, '2 new messages from Ann'],
      [other.id, 'mention', 1, 't'],
    ]);
    expect(await store.unreadCount(b!)).toBe(2);
    // Two messages of one slice are one write; a second sender makes it "… in <thread>"; a mention in the same slice stays apart.
    const slice = (await store.record(t.id, 'p', 4, 60_000, [messageDraft(b!, 3, 'Ann'), draft(b!, 4), messageDraft(b!, 4, 'Bo')]))!;
    expect(
      slice.map((c) => [
        c.notification.id === first!.notification.id,
        c.notification.kind,
        c.notification.thread_seq,
        c.notification.title,
      ]),
    ).toEqual([
      [false, 'mention', 4, 't'],
      [true, 'message', 4, '4 new messages in Plans'],
    ]);
    // Pages by position stay valid: the cursor of the second item still pages on to what is older.
    const top = await store.list(b!, { unreadOnly: false, cursor: null, limit: 1 });
    const rest = await store.list(b!, { unreadOnly: false, cursor: top.positions[0]!, limit: 10 });
    expect([...top.items, ...rest.items].map((n) => [n.kind, n.thread_seq])).toEqual([
      ['message', 4],
      ['mention', 4],
      ['mention', 1],
    ]);
    // Read: the next message makes a new one, for one message again.
    expect(await store.markRead(b!, [first!.notification.id], new Date().toISOString())).toBe(1);
    const [fresh] = (await store.record(t.id, 'p', 5, 60_000, [messageDraft(b!, 5, 'Ann')]))!;
    expect(fresh!.notification.id).not.toBe(first!.notification.id);
    expect(fresh!.replaced).toBeUndefined();
    expect(fresh!.notification).toMatchObject({ thread_seq: 5, title: 'New message from Ann', read_at: null });
    expect((await store.list(b!, { unreadOnly: true, cursor: null, limit: 10 })).items.map((n) => [n.kind, n.thread_seq])).toEqual([
      ['message', 5],
      ['mention', 4],
      ['mention', 1],
    ]);
    await storage.close();
  });

  it('notifications rule N8: one queued delivery per (notification, channel); one sent while a newer message joined stays queued, and goes once more', async () => {
    const { storage } = await open();
    const store = storage.notifications;
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await store.claimThread(t.id, 'p', 60_000);
    await store.record(t.id, 'p', 1, 60_000, [
      messageDraft(b!, 1, 'Ann', {
        deliveries: [
          { channel: 'push', dueAt: 1_000 },
          { channel: 'email', dueAt: 9_000 },
        ],
      }),
    ]);
    await store.record(t.id, 'p', 2, 60_000, [
      messageDraft(b!, 2, 'Ann', {
        deliveries: [
          { channel: 'push', dueAt: 2_000 },
          { channel: 'email', dueAt: 9_500 },
        ],
      }),
    ]);
    // Reused, not queued again: it carries the newest content when read (the email keeps its first due time).
    const pending = await store.queued(b!, 'push', 10);
    expect(pending.map((d) => [d.item.notification.thread_seq, d.item.notification.title])).toEqual([[2, '2 new messages from Ann']]);
    expect((await store.queued(b!, 'email', 10)).map((d) => [d.dueAt, d.item.notification.thread_seq])).toEqual([[9_000, 2]]);
    expect(await store.claimUser(b!, 'q', 60_000)).toBe(true);
    // Being sent (as seq 2) when message 3 joins: ending it leaves it queued, with the newer content.
    const [sending] = await store.queued(b!, 'push', 10);
    await store.record(t.id, 'p', 3, 60_000, [messageDraft(b!, 3, 'Ann')]);
    expect(await store.finish(b!, 'q', [endOf(sending!)])).toBe(true);
    const again = await store.queued(b!, 'push', 10);
    expect(again.map((d) => [d.position, d.item.notification.thread_seq, d.item.notification.title])).toEqual([
      [sending!.position, 3, '3 new messages from Ann'],
    ]);
    expect(await store.finish(b!, 'q', [endOf(again[0]!)])).toBe(true);
    expect(await store.queued(b!, 'push', 10)).toEqual([]);
    // Sent and ended: the next message queues a new delivery of the same notification.
    await store.record(t.id, 'p', 4, 60_000, [messageDraft(b!, 4, 'Ann')]);
    expect((await store.queued(b!, 'push', 10)).map((d) => [d.item.notification.id, d.item.notification.thread_seq])).toEqual([
      [sending!.item.notification.id, 4],
    ]);
    await storage.close();
  });

  it('notifications rule N5: settings are kept per user; users who never chose are absent', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const chosen = { ...DEFAULT_NOTIFICATION_SETTINGS, email_delay_minutes: 3, language: 'de' as const };
    await storage.notifications.saveSettings(a!, chosen);
    const found = await storage.notifications.settingsOf([a!, b!]);
    expect([...found.entries()]).toEqual([[a, chosen]]);
    await storage.close();
  });
}
