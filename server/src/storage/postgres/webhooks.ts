import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { now, toWebhook, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { NewWebhook, WebhookRecord } from '../storage.ts';

/**
 * Webhook subscriptions of threads, in PostgreSQL. Each keeps a delivery cursor
 * (`delivered_seq`) and a lease (`lease_owner` until `lease_until`): the log is the queue,
 * and whichever process holds the lease delivers it. Lease times come from the database's
 * clock, so the processes' clocks need not agree. A claim is one conditional UPDATE: the
 * row lock makes a second claimer wait and then re-check the condition, so two processes
 * never both win.
 */
export class PostgresWebhooks {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly secrets: SecretBox,
  ) {}

  private toRecord(row: Row): WebhookRecord {
    return toWebhook(row, this.secrets);
  }

  private until(leaseMs: number) {
    return this.sql`clock_timestamp() + ${leaseMs}::int * interval '1 millisecond'`;
  }

  async create(input: NewWebhook): Promise<WebhookRecord> {
    // The cursor starts at the thread's end, in the same statement: only later events are sent.
    const id = randomUUID();
    const secret = this.secrets.seal(input.secret, sealedColumn.webhookSecret(id));
    const [row] = await this.sql<Row[]>`
      INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at, delivered_seq)
      SELECT ${id}, id, ${input.callbackUrl}, ${secret}, true, ${input.createdBy}, ${now()}, last_seq
      FROM threads WHERE id = ${input.threadId}
      RETURNING *`;
    if (!row) throw new Error(`Thread ${input.threadId} does not exist.`);
    return this.toRecord(row);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM webhooks WHERE id = ${id}`;
    return row && this.toRecord(row);
  }

  async delete(threadId: string, id: string): Promise<boolean> {
    return (await this.sql`DELETE FROM webhooks WHERE thread_id = ${threadId} AND id = ${id}`).count > 0;
  }

  async listActive(threadId: string): Promise<WebhookRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM webhooks WHERE thread_id = ${threadId} AND active`).map((row) => this.toRecord(row));
  }

  async deactivate(id: string): Promise<void> {
    await this.sql`UPDATE webhooks SET active = false, lease_owner = NULL, lease_until = '-infinity' WHERE id = ${id}`;
  }

  async claim(id: string, owner: string, leaseMs: number): Promise<WebhookRecord | undefined> {
    const [row] = await this.sql<Row[]>`
      UPDATE webhooks SET lease_owner = ${owner}, lease_until = ${this.until(leaseMs)}
      WHERE id = ${id} AND active AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_until <= clock_timestamp())
      RETURNING *`;
    return row && this.toRecord(row);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE webhooks SET lease_until = ${this.until(leaseMs)} WHERE id = ${id} AND active AND lease_owner = ${owner}`;
    return result.count > 0;
  }

  async advance(id: string, owner: string, seq: number, leaseMs: number): Promise<boolean> {
    const result = await this.sql`
      UPDATE webhooks SET delivered_seq = ${seq}, lease_until = ${this.until(leaseMs)}
      WHERE id = ${id} AND active AND lease_owner = ${owner} AND delivered_seq < ${seq}`;
    return result.count > 0;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.sql`UPDATE webhooks SET lease_owner = NULL, lease_until = '-infinity' WHERE id = ${id} AND lease_owner = ${owner}`;
  }

  async due(limit: number): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`
      SELECT webhooks.id FROM webhooks JOIN threads ON threads.id = webhooks.thread_id
      WHERE webhooks.active AND threads.last_seq > webhooks.delivered_seq
        AND (webhooks.lease_owner IS NULL OR webhooks.lease_until <= clock_timestamp())
      LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }
}
