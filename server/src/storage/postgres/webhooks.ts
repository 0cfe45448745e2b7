import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { now, toWebhook, type Row } from './rows.ts';
import type { NewWebhook, WebhookRecord } from '../storage.ts';

/** Webhook subscriptions of threads, in PostgreSQL. */
export class PostgresWebhooks {
  constructor(private readonly sql: postgres.Sql) {}

  async create(input: NewWebhook): Promise<WebhookRecord> {
    const record: WebhookRecord = { ...input, id: randomUUID(), active: true, createdAt: now() };
    await this.sql`
      INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at)
      VALUES (${record.id}, ${record.threadId}, ${record.callbackUrl}, ${record.secret}, true, ${record.createdBy}, ${record.createdAt})`;
    return record;
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM webhooks WHERE id = ${id}`;
    return row && toWebhook(row);
  }

  async delete(threadId: string, id: string): Promise<boolean> {
    return (await this.sql`DELETE FROM webhooks WHERE thread_id = ${threadId} AND id = ${id}`).count > 0;
  }

  async listActive(threadId: string): Promise<WebhookRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM webhooks WHERE thread_id = ${threadId} AND active`).map(toWebhook);
  }

  async deactivate(id: string): Promise<void> {
    await this.sql`UPDATE webhooks SET active = false WHERE id = ${id}`;
  }
}
