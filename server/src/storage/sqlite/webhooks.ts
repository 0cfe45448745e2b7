import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { now, toWebhook, type Row } from './rows.ts';
import type { NewWebhook, WebhookRecord } from '../storage.ts';

/** Webhook subscriptions of threads, in the SQLite file. */
export class SqliteWebhooks {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at)
         VALUES (?, ?, ?, ?, 1, ?, ?)`,
      ),
      byId: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      delete: db.prepare('DELETE FROM webhooks WHERE thread_id = ? AND id = ?'),
      active: db.prepare('SELECT * FROM webhooks WHERE thread_id = ? AND active = 1'),
      deactivate: db.prepare('UPDATE webhooks SET active = 0 WHERE id = ?'),
    };
  }

  create(input: NewWebhook): WebhookRecord {
    const record: WebhookRecord = { ...input, id: randomUUID(), active: true, createdAt: now() };
    this.stmt.insert.run(record.id, record.threadId, record.callbackUrl, record.secret, record.createdBy, record.createdAt);
    return record;
  }

  get(id: string): WebhookRecord | undefined {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toWebhook(row);
  }

  delete(threadId: string, id: string): boolean {
    return this.stmt.delete.run(threadId, id).changes > 0;
  }

  listActive(threadId: string): WebhookRecord[] {
    return (this.stmt.active.all(threadId) as Row[]).map(toWebhook);
  }

  deactivate(id: string): void {
    this.stmt.deactivate.run(id);
  }
}
