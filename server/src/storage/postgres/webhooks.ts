import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { now, toWebhook, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { NewWebhook, WebhookRecord } from '../storage.ts';
import type { WebhookStore } from '../stores/webhook-store.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { insertAudit } from './audit-rows.ts';

/** The subscription `w` joined to its creator `u` (none when `created_by` is not a known user). */
const WITH_CREATOR = `webhooks AS w LEFT JOIN users AS u ON left(w.created_by, 5) = 'user:' AND u.id = substr(w.created_by, 6)`;

/** Why the creator may no longer have subscription `w` (a `WebhookInactiveReason`), or NULL while they may. */
const LAPSE_REASON = `CASE
    WHEN u.id IS NULL OR w.creator_session_version IS NULL THEN 'creator_unknown'
    WHEN u.disabled THEN 'creator_disabled'
    WHEN u.session_version <> w.creator_session_version THEN 'creator_password_changed'
    WHEN NOT EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = u.id AND a.thread_id = w.thread_id)
      -- A thread being erased has no readers left, but its webhooks still deliver its thread_deleted (CONTRACT §14).
      AND NOT EXISTS (SELECT 1 FROM thread_erasures AS m WHERE m.thread_id = w.thread_id)
      THEN 'creator_lost_access'
  END`;

/**
 * Webhook subscriptions of threads, in PostgreSQL. Each keeps a delivery cursor
 * (`delivered_seq`) and a lease (`lease_owner` until `lease_until`): the log is the queue,
 * and whichever process holds the lease delivers it. Lease times come from the database's
 * clock, so the processes' clocks need not agree. A claim is one conditional UPDATE: the
 * row lock makes a second claimer wait and then re-check the condition, so two processes
 * never both win. Each change of the lease first turns the subscription off, in the same
 * statement, when its creator may no longer have it (a `lapsed` CTE, after which the lease
 * change finds nothing to do): no extra round trip per delivery.
 */
export class PostgresWebhooks implements WebhookStore {
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

  /** A CTE `lapsed`: turns subscription `id` off when its creator may no longer have it, returning the row when it did. */
  private lapsed(id: string) {
    return this.sql`lapsed AS (
      UPDATE webhooks SET active = false, inactive_reason = standing.reason, lease_owner = NULL, lease_until = '-infinity'
      FROM (SELECT w.id AS id, ${this.sql.unsafe(LAPSE_REASON)} AS reason FROM ${this.sql.unsafe(WITH_CREATOR)} WHERE w.id = ${id}) AS standing
      WHERE webhooks.id = standing.id AND webhooks.active AND standing.reason IS NOT NULL
      RETURNING webhooks.*)`;
  }

  async create(input: NewWebhook, audit?: (webhookId: string) => AuditEntry): Promise<WebhookRecord> {
    // The cursor starts at the thread's end, in the same statement: only later events are sent.
    const id = randomUUID();
    const secret = this.secrets.seal(input.secret, sealedColumn.webhookSecret(id));
    const row = await this.sql.begin(async (tx) => {
      const [inserted] = await tx<Row[]>`
      INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, creator_session_version, created_at,
                            delivered_seq)
      SELECT ${id}, id, ${input.callbackUrl}, ${secret}, true, ${input.createdBy}, ${input.creatorSessionVersion},
             ${now()}, last_seq
      FROM threads WHERE id = ${input.threadId}
      RETURNING *`;
      if (inserted) await insertAudit(tx, audit?.(id));
      return inserted;
    });
    if (!row) throw new Error(`Thread ${input.threadId} does not exist.`);
    return this.toRecord(row);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM webhooks WHERE id = ${id}`;
    return row && this.toRecord(row);
  }

  async delete(threadId: string, id: string, audit?: AuditEntry): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      if ((await tx`DELETE FROM webhooks WHERE thread_id = ${threadId} AND id = ${id}`).count === 0) return false;
      await insertAudit(tx, audit);
      return true;
    });
  }

  async listActive(threadId: string): Promise<WebhookRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM webhooks WHERE thread_id = ${threadId} AND active`).map((row) => this.toRecord(row));
  }

  async list(threadId: string): Promise<WebhookRecord[]> {
    const rows = await this.sql<Row[]>`
      SELECT w.*, ${this.sql.unsafe(LAPSE_REASON)} AS lapse_reason FROM ${this.sql.unsafe(WITH_CREATOR)}
      WHERE w.thread_id = ${threadId} ORDER BY w.created_at, w.id`;
    return rows.map((row) => this.toRecord(row));
  }

  async deactivate(id: string): Promise<void> {
    await this.sql`
      UPDATE webhooks SET active = false, inactive_reason = 'delivery_failed', lease_owner = NULL, lease_until = '-infinity'
      WHERE id = ${id}`;
  }

  async claim(id: string, owner: string, leaseMs: number): Promise<WebhookRecord | undefined> {
    const [row] = await this.sql<Row[]>`
      WITH ${this.lapsed(id)},
      claimed AS (
        UPDATE webhooks SET lease_owner = ${owner}, lease_until = ${this.until(leaseMs)}
        WHERE id = ${id} AND active AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_until <= clock_timestamp())
          AND NOT EXISTS (SELECT 1 FROM lapsed)
        RETURNING *)
      SELECT * FROM lapsed UNION ALL SELECT * FROM claimed`;
    return row && this.toRecord(row);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const [row] = await this.sql<{ renewed: boolean }[]>`
      WITH ${this.lapsed(id)},
      renewed AS (
        UPDATE webhooks SET lease_until = ${this.until(leaseMs)}
        WHERE id = ${id} AND active AND lease_owner = ${owner} AND NOT EXISTS (SELECT 1 FROM lapsed)
        RETURNING id)
      SELECT EXISTS (SELECT 1 FROM renewed) AS renewed`;
    return row?.renewed === true;
  }

  async advance(id: string, owner: string, seq: number, leaseMs: number): Promise<boolean> {
    const [row] = await this.sql<{ advanced: boolean }[]>`
      WITH ${this.lapsed(id)},
      advanced AS (
        UPDATE webhooks SET delivered_seq = ${seq}, lease_until = ${this.until(leaseMs)}
        WHERE id = ${id} AND active AND lease_owner = ${owner} AND delivered_seq < ${seq} AND NOT EXISTS (SELECT 1 FROM lapsed)
        RETURNING id)
      SELECT EXISTS (SELECT 1 FROM advanced) AS advanced`;
    return row?.advanced === true;
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
