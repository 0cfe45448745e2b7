import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import type { DeliverableNotification, DeliveryOutcome, EmailChannel, PushChannel } from '../../src/notifications/delivery-channels.ts';
import { api, type TestServer } from './test-server.ts';
import { waitFor } from './webhook-receiver.ts';

/** Long enough for a busy machine to commit, evaluate the rules (or poll, 1 s) and deliver. */
export const NOTIFY_TIMEOUT_MS = 15_000;

/**
 * A push channel that records what it was handed (the seam of delivery-channels.ts; the real
 * web push channel has its own tests). `answers` are given out in turn, then `sent`.
 */
export class RecordingPush implements PushChannel {
  readonly handed: DeliverableNotification[] = [];
  answers: DeliveryOutcome[] = [];

  async deliver(item: DeliverableNotification): Promise<DeliveryOutcome> {
    this.handed.push(item);
    return this.answers.shift() ?? 'sent';
  }
}

/** One email as the recording channel was handed it. */
export interface RecordedEmail {
  user: { id: string; name: string; email: string; language: NotificationLanguage };
  items: DeliverableNotification[];
}

/** An email channel that records each digest it was handed. */
export class RecordingEmail implements EmailChannel {
  readonly sent: RecordedEmail[] = [];
  answers: DeliveryOutcome[] = [];

  async deliver(user: RecordedEmail['user'], items: DeliverableNotification[]): Promise<DeliveryOutcome> {
    this.sent.push({ user, items });
    return this.answers.shift() ?? 'sent';
  }
}

/** `GET /me/notifications` (all pages' first page) as `token`. */
export async function notificationsOf(server: { url: string }, token: string, query = '') {
  const response = await api(server, 'GET', `/me/notifications${query}`, { token });
  if (response.status !== 200) throw new Error(`listing notifications: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as {
    notifications: {
      id: string;
      kind: string;
      thread_id: string;
      thread_seq: number;
      title: string;
      body: string;
      read_at: string | null;
    }[];
    next_cursor: string | null;
    unread_count: number;
  };
}

/** Waits until `token`'s notifications include one of `thread` at `seq` (of any kind); returns the list. */
export async function waitForNotification(server: { url: string }, token: string, threadId: string, seq: number) {
  let list: Awaited<ReturnType<typeof notificationsOf>> | undefined;
  await waitFor(
    `a notification of ${threadId}#${seq}`,
    async () => {
      list = await notificationsOf(server, token, '?limit=100');
      return list.notifications.some((n) => n.thread_id === threadId && n.thread_seq === seq);
    },
    NOTIFY_TIMEOUT_MS,
  );
  return list!;
}

/** Takes a user's access to a thread away in the database, telling no server (as an administrator or another process would). */
export async function removeAccess(server: TestServer, threadId: string, userId: string): Promise<void> {
  if (server.config.databaseUrl) {
    const sql = postgres(server.config.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      await sql`DELETE FROM thread_access WHERE thread_id = ${threadId} AND user_id = ${userId}`;
    } finally {
      await sql.end();
    }
    return;
  }
  const db = new Database(server.config.databasePath);
  try {
    db.prepare('DELETE FROM thread_access WHERE thread_id = ? AND user_id = ?').run(threadId, userId);
  } finally {
    db.close();
  }
}
