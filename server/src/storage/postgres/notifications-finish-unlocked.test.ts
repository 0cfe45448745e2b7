import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import { testDataKey } from '../../../test/support/data-key.ts';
import type { NotificationDraft } from '../stores/notification-store.ts';
import { PostgresStorage } from './postgres-storage.ts';

const LEASE_MS = 60_000;
/** Longer than a finish takes, far shorter than the test's limit: the writer's lock is held this long. */
const WRITER_HOLDS_MS = 20_000;

const draft = (userId: string, seq: number): NotificationDraft => ({
  userId,
  kind: 'mention',
  threadSeq: seq,
  title: 'Owner mentioned you',
  body: `message ${seq}`,
  deliveries: [{ channel: 'push', dueAt: 0 }],
});

/**
 * Issue 18's busy thread across processes: `record` rewrites a thousand readers' queued
 * deliveries in one statement, a tenth of a second and more, while the processes delivering
 * end what they sent. An end that waited for those rows held up the pushes of its whole batch
 * (5.3 s of waiting in one bench run, 11.7 ms a call); it leaves a row being written queued
 * instead, for the next turn, and ends the others at once.
 */
describePostgres('ending deliveries on PostgreSQL while another statement writes them', () => {
  let storage: PostgresStorage | undefined;
  let writer: postgres.Sql | undefined;
  afterEach(async () => {
    await writer?.end({ timeout: 1 });
    await storage?.close();
  });

  it('does not wait for a row being written: it stays queued, the others are ended', { timeout: 60_000 }, async () => {
    const databaseUrl = await freshDatabase();
    storage = await PostgresStorage.open(databaseUrl, { dataKey: testDataKey() });
    writer = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    for (const id of ['owner', 'bob', 'carol']) {
      await storage.users.create({ id, email: `${id}@example.com`, name: id, avatarUrl: null, passwordHash: 'x' });
    }
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'Busy',
      participationMode: 'open',
      participants: ['owner', 'bob', 'carol'].map((id) => ({ sender_id: `user:${id}` as const, name: id, avatar_url: null })),
      extraAudience: [],
      createdBy: 'user:owner',
      initialMessage: null,
    });
    const store = storage.notifications;
    await store.claimThread(thread.id, 'rules', LEASE_MS);
    await store.record(thread.id, 'rules', 1, LEASE_MS, [draft('bob', 1), draft('carol', 1)]);
    expect(await store.claimUsers(['bob', 'carol'], 'delivery', LEASE_MS)).toEqual(['bob', 'carol']);
    const queued = await store.queuedOfUsers(['bob', 'carol'], 10);
    const [bobs] = queued.get('bob')!.push;
    const [carols] = queued.get('carol')!.push;

    // Another statement is writing Bob's delivery row, and holds its lock.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const writing = writer.begin(async (tx) => {
      await tx`UPDATE notification_deliveries SET attempts = attempts WHERE position = ${bobs!.position}`;
      locked();
      await Promise.race([released, new Promise((resolve) => setTimeout(resolve, WRITER_HOLDS_MS))]);
    });
    await isLocked;

    const started = Date.now();
    const held = await store.finishMany('delivery', [
      { userId: 'bob', ended: [{ position: bobs!.position, threadSeq: 1 }] },
      { userId: 'carol', ended: [{ position: carols!.position, threadSeq: 1 }] },
    ]);
    const waitedMs = Date.now() - started;
    release();
    await writing;

    expect(held).toEqual(new Set(['bob', 'carol']));
    // It came back while the writer still held the row (waiting would have taken the writer's whole hold).
    expect(waitedMs).toBeLessThan(WRITER_HOLDS_MS);
    expect((await store.queued('bob', 'push', 10)).map((item) => item.position)).toEqual([bobs!.position]);
    expect(await store.queued('carol', 'push', 10)).toEqual([]);
  });
});
