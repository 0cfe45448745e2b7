/**
 * Rule evaluation speed of notifications (issue 18's budget: ≥ 20,000 events/s per process),
 * part of `npm run bench:notify`. Two measures on one thread of `readers` users, each event a
 * Markdown message that mentions one of them:
 * - `evaluate`: the rules alone (`evaluateSlices`, as the notifier runs them: pure, audience and
 *   settings given, a user's `message` drafts of a slice joined as they are made);
 * - `notifier on SQLite`: the whole path after the commit (read the log in batches, load the
 *   audience once per batch, evaluate, store the notifications and their deliveries and move
 *   the cursor in one transaction), catching up `events` committed events.
 * Not a test: nothing asserts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import { evaluateSlices } from '../../src/notifications/evaluate-slices.ts';
import { Notifier, RULES_BATCH_NOTIFICATIONS } from '../../src/notifications/notifier.ts';
import { InProcessHub } from '../../src/realtime/hub.ts';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.ts';

const CONTENT = (i: number) => `**Update ${i}**: the [invoice](https://example.com/${i}) is ready — can you check the totals?`;

/** Events per second through `evaluateSlices` alone, warm. */
export function evaluateOnly(eventCount: number, readerCount: number): number {
  const readers = Array.from({ length: readerCount }, () => randomUUID());
  const events: ThreadEvent[] = Array.from({ length: eventCount }, (_, i) => ({
    event_id: randomUUID(),
    thread_id: 't',
    thread_seq: i + 1,
    event_type: 'message_committed',
    sender_id: `user:${readers[0]}`,
    content: CONTENT(i),
    created_at: new Date().toISOString(),
    data: { mentions: [`user:${readers[1 + (i % (readerCount - 1))]}`] },
  }));
  const audience = {
    threadId: 't',
    title: 'Bench',
    readers: new Set(readers),
    waitingFor: readers,
    names: new Map(readers.map((id, i) => [`user:${id}`, `User ${i}`])),
    settings: new Map(),
  };
  const plan = { push: true, email: true, now: Date.now(), emailDelayMs: null };
  const run = () => {
    let made = 0;
    for (let i = 0; i < events.length; i += 200) {
      for (const slice of evaluateSlices(events.slice(i, i + 200), audience, plan, RULES_BATCH_NOTIFICATIONS)) made += slice.drafts.length;
    }
    return made;
  };
  // A server evaluates for as long as it runs: measured warm (after one round), as it would be then.
  run();
  const started = performance.now();
  const drafts = run();
  const seconds = (performance.now() - started) / 1000;
  // Each event mentions one reader and tells the others of a message: a mention each, and one joined `message` draft per other reader and batch.
  if (drafts < eventCount) throw new Error(`expected at least ${eventCount} drafts, made ${drafts}`);
  return eventCount / seconds;
}

/** Events per second through the notifier on a fresh SQLite file: log → rules → stored. */
export async function notifierOnSqlite(eventCount: number, readerCount: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-notify-bench-'));
  const storage = new SqliteStorage(join(dir, 'db.sqlite'));
  try {
    const readers: string[] = [];
    for (let i = 0; i < readerCount; i++) {
      const id = randomUUID();
      await storage.users.create({ id, email: `${id}@example.com`, name: `User ${i}`, avatarUrl: null, passwordHash: 'x' });
      readers.push(id);
    }
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'Bench',
      participationMode: 'open',
      participants: readers.map((id, i) => ({ sender_id: `user:${id}`, name: `User ${i}`, avatar_url: null })),
      extraAudience: [],
      createdBy: `user:${readers[0]}`,
      initialMessage: null,
    });
    // The thread's history so far is not notified: the rules start from here.
    const notifier = new Notifier({
      storage,
      hub: new InProcessHub(),
      log: pino({ level: 'silent' }),
      leaseMs: 60_000,
      plan: () => ({ push: true, email: false, now: Date.now(), emailDelayMs: null }),
      queued: () => undefined,
    });
    const lease = await storage.notifications.claimThread(thread.id, 'bench', 60_000);
    await storage.notifications.record(thread.id, 'bench', thread.lastSeq, 60_000, []);
    await storage.notifications.releaseThread(thread.id, 'bench');
    if (lease === undefined) throw new Error('no lease');
    for (let i = 0; i < eventCount; i++) {
      await storage.log.commitMessage({
        threadId: thread.id,
        senderId: `user:${readers[0]}`,
        role: 'user',
        content: CONTENT(i),
        clientMessageId: randomUUID(),
        mentions: [`user:${readers[1 + (i % (readerCount - 1))]}`],
        baseSeq: null,
        latestSeenSeq: null,
      });
    }
    // Until the last batch is stored (the worker then stays a moment for more commits: not counted).
    let storedAt = 0;
    const record = storage.notifications.record.bind(storage.notifications);
    storage.notifications.record = async (...args: Parameters<typeof record>) => {
      const stored = await record(...args);
      storedAt = performance.now();
      return stored;
    };
    const started = performance.now();
    notifier.committed(thread.id);
    await notifier.idle();
    const seconds = (storedAt - started) / 1000;
    await notifier.stop();
    // Every reader but the sender is told of every event: a mention each when it names them, and
    // the rest joined in their one unread `message` notification of the thread.
    let mentions = 0;
    for (let i = 0; i < eventCount; i++) if (i % (readerCount - 1) === readerCount - 2) mentions++;
    const expected = mentions + (mentions < eventCount ? 1 : 0);
    const made = await storage.notifications.unreadCount(readers[readerCount - 1]!);
    if (made !== expected) throw new Error(`expected ${expected} notifications of the last reader, found ${made}`);
    return eventCount / seconds;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
