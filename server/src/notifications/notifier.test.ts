import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessHub } from '../realtime/hub.ts';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import type { NotificationDraft } from '../storage/stores/notification-store.ts';
import { Notifier, RULES_BATCH_NOTIFICATIONS } from './notifier.ts';

const LEASE_MS = 60_000;
/** Readers of the busy thread: each message makes a `message` notification for all but the sender. */
const READERS = 1_001;
const MESSAGES = 12;

/** The notifier on a real SQLite file, one busy thread with a backlog committed before it runs. */
describe('Notifier: a busy thread’s backlog', () => {
  let dir: string;
  let storage: SqliteStorage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-notifier-test-'));
    storage = new SqliteStorage(join(dir, 'db.sqlite'));
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The busy thread, its backlog (messages mentioning `mentionAll` everyone), and each `record` call the notifier made for it. */
  async function runBacklog(mentionAll: boolean) {
    const readers: string[] = [];
    for (let i = 0; i < READERS; i++) {
      const id = randomUUID();
      await storage.users.create({ id, email: `${id}@example.com`, name: `Reader ${i}`, avatarUrl: null, passwordHash: 'x' });
      readers.push(id);
    }
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'Busy',
      participationMode: 'open',
      participants: readers.map((id, i) => ({ sender_id: `user:${id}`, name: `Reader ${i}`, avatar_url: null })),
      extraAudience: [],
      createdBy: `user:${readers[0]}`,
      initialMessage: null,
    });
    // The thread's history is not notified: the rules start after it.
    await storage.notifications.claimThread(thread.id, 'setup', LEASE_MS);
    await storage.notifications.record(thread.id, 'setup', thread.lastSeq, LEASE_MS, []);
    await storage.notifications.releaseThread(thread.id, 'setup');
    const seqs: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const { message } = await storage.log.commitMessage({
        threadId: thread.id,
        senderId: `user:${readers[0]}`,
        role: 'user',
        content: `Message ${i}`,
        clientMessageId: randomUUID(),
        mentions: mentionAll ? readers.slice(1).map((id) => `user:${id}`) : [],
        baseSeq: null,
        latestSeenSeq: null,
      });
      seqs.push(message.thread_seq);
    }

    // Each call of `record`: the seq it moves the cursor to and how many drafts it stores.
    const calls: { seq: number; drafts: number }[] = [];
    const record = storage.notifications.record.bind(storage.notifications);
    storage.notifications.record = (
      threadId: string,
      owner: string,
      seq: number,
      leaseMs: number,
      drafts: readonly NotificationDraft[],
    ) => {
      calls.push({ seq, drafts: drafts.length });
      return record(threadId, owner, seq, leaseMs, drafts);
    };
    const notifier = new Notifier({
      storage,
      hub: new InProcessHub(),
      log: pino({ level: 'silent' }),
      leaseMs: LEASE_MS,
      plan: () => ({ push: false, email: false, now: Date.now(), emailDelayMs: null }),
      queued: () => undefined,
    });
    notifier.committed(thread.id);
    await notifier.idle();
    await notifier.stop();
    return { readers, seqs, calls };
  }

  it(`is stored in slices of at most ${RULES_BATCH_NOTIFICATIONS} notifications: the first are stored before the rest is evaluated`, async () => {
    // Mentions are one notification each (only `message` ones are joined): 1,000 a message.
    const { readers, seqs, calls } = await runBacklog(true);
    const perSlice = Math.floor(RULES_BATCH_NOTIFICATIONS / (READERS - 1));
    const expected: { seq: number; drafts: number }[] = [];
    for (let start = 0; start < MESSAGES; start += perSlice) {
      const slice = seqs.slice(start, start + perSlice);
      expected.push({ seq: slice.at(-1)!, drafts: slice.length * (READERS - 1) });
    }
    expect(calls).toEqual(expected);
    expect(calls[0]!.drafts).toBeLessThanOrEqual(RULES_BATCH_NOTIFICATIONS);
    // Every reader but the sender has one mention per message, none twice.
    expect(await storage.notifications.unreadCount(readers[READERS - 1]!)).toBe(MESSAGES);
    expect(await storage.notifications.unreadCount(readers[0]!)).toBe(0);
  });

  it('joins a reader’s messages of the backlog into one notification: one slice, one write per reader, counted', async () => {
    const { readers, seqs, calls } = await runBacklog(false);
    // 12 messages × 1,000 readers are 1,000 writes: one slice, not three, whose drafts are joined
    // as they are made (one per reader, not 12,000 joined by storage).
    expect(calls).toEqual([{ seq: seqs.at(-1)!, drafts: READERS - 1 }]);
    const { items } = await storage.notifications.list(readers[READERS - 1]!, { unreadOnly: true, cursor: null, limit: 10 });
    expect(items.map((n) => [n.kind, n.thread_seq, n.title, n.body, n.count])).toEqual([
      ['message', seqs.at(-1), `${MESSAGES} new messages from Reader 0`, `Message ${MESSAGES - 1}`, MESSAGES],
    ]);
    expect(await storage.notifications.unreadCount(readers[0]!)).toBe(0);
  });
});
