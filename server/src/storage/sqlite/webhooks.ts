import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { now, toWebhook, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { NewWebhook, WebhookRecord } from '../storage.ts';
import type { WebhookStore } from '../stores/webhook-store.ts';
import type { AuditEntry } from '../stores/privacy-store.ts';
import { auditWriter } from './audit-rows.ts';

/** The subscription `w` joined to its creator `u` (none when `created_by` is not a known user). */
const WITH_CREATOR = `webhooks AS w LEFT JOIN users AS u ON substr(w.created_by, 1, 5) = 'user:' AND u.id = substr(w.created_by, 6)`;

/** Why the creator may no longer have subscription `w` (a `WebhookInactiveReason`), or NULL while they may. */
const LAPSE_REASON = `CASE
    WHEN u.id IS NULL OR w.creator_session_version IS NULL THEN 'creator_unknown'
    WHEN u.disabled <> 0 THEN 'creator_disabled'
    WHEN u.session_version <> w.creator_session_version THEN 'creator_password_changed'
    WHEN NOT EXISTS (SELECT 1 FROM thread_access AS a WHERE a.user_id = u.id AND a.thread_id = w.thread_id)
      -- A thread being erased has no readers left, but its webhooks still deliver its thread_deleted (CONTRACT §14).
      AND NOT EXISTS (SELECT 1 FROM thread_erasures AS m WHERE m.thread_id = w.thread_id)
      THEN 'creator_lost_access'
  END`;

/**
 * Webhook subscriptions of threads, in the SQLite file. Each keeps a delivery cursor
 * (`delivered_seq`) and a lease (`lease_owner` until `lease_until`, epoch ms): the log is
 * the queue, and whoever holds the lease delivers it.
 */
export class SqliteWebhooks implements WebhookStore {
  private readonly stmt;

  private readonly lapseThen;

  private readonly audit;

  constructor(
    private readonly db: Database.Database,
    private readonly secrets: SecretBox,
  ) {
    this.audit = auditWriter(db);
    // The creator's standing and the lease change are read and written in one transaction.
    this.lapseThen = <T>(id: string, work: () => T): { lapsed: Row } | { result: T } =>
      db.transaction(() => {
        const lapsed = this.stmt.lapse.get(id) as Row | undefined;
        return lapsed ? { lapsed } : { result: work() };
      })();
    this.stmt = {
      // The cursor starts at the thread's end, in the same statement: only later events are sent.
      insert: db.prepare(
        `INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, creator_session_version, created_at,
                               delivered_seq)
         SELECT ?, id, ?, ?, 1, ?, ?, ?, last_seq FROM threads WHERE id = ?
         RETURNING *`,
      ),
      list: db.prepare(
        `SELECT w.*, ${LAPSE_REASON} AS lapse_reason FROM ${WITH_CREATOR} WHERE w.thread_id = ? ORDER BY w.created_at, w.id`,
      ),
      // Turns the subscription off when its creator may no longer have it; the row comes back when it did.
      lapse: db.prepare(
        `UPDATE webhooks SET active = 0, inactive_reason = standing.reason, lease_owner = NULL, lease_until = 0
         FROM (SELECT w.id AS id, ${LAPSE_REASON} AS reason FROM ${WITH_CREATOR} WHERE w.id = ?) AS standing
         WHERE webhooks.id = standing.id AND webhooks.active = 1 AND standing.reason IS NOT NULL
         RETURNING *`,
      ),
      byId: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      delete: db.prepare('DELETE FROM webhooks WHERE thread_id = ? AND id = ?'),
      active: db.prepare('SELECT * FROM webhooks WHERE thread_id = ? AND active = 1'),
      deactivate: db.prepare(
        `UPDATE webhooks SET active = 0, inactive_reason = 'delivery_failed', lease_owner = NULL, lease_until = 0 WHERE id = ?`,
      ),
      claim: db.prepare(
        `UPDATE webhooks SET lease_owner = @owner, lease_until = @until
         WHERE id = @id AND active = 1 AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until <= @now)
         RETURNING *`,
      ),
      renew: db.prepare('UPDATE webhooks SET lease_until = @until WHERE id = @id AND active = 1 AND lease_owner = @owner'),
      advance: db.prepare(
        `UPDATE webhooks SET delivered_seq = @seq, lease_until = @until
         WHERE id = @id AND active = 1 AND lease_owner = @owner AND delivered_seq < @seq`,
      ),
      release: db.prepare('UPDATE webhooks SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?'),
      due: db.prepare(
        `SELECT webhooks.id FROM webhooks JOIN threads ON threads.id = webhooks.thread_id
         WHERE webhooks.active = 1 AND threads.last_seq > webhooks.delivered_seq
           AND (webhooks.lease_owner IS NULL OR webhooks.lease_until <= ?)
         LIMIT ?`,
      ),
    };
  }

  async create(input: NewWebhook, audit?: (webhookId: string) => AuditEntry): Promise<WebhookRecord> {
    const id = randomUUID();
    const secret = this.secrets.seal(input.secret, sealedColumn.webhookSecret(id));
    const row = this.db.transaction(() => {
      const inserted = this.stmt.insert.get(
        id,
        input.callbackUrl,
        secret,
        input.createdBy,
        input.creatorSessionVersion,
        now(),
        input.threadId,
      ) as Row | undefined;
      if (inserted) this.audit(audit?.(id));
      return inserted;
    })();
    if (!row) throw new Error(`Thread ${input.threadId} does not exist.`);
    return this.toRecord(row);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && this.toRecord(row);
  }

  async delete(threadId: string, id: string, audit?: AuditEntry): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.delete.run(threadId, id).changes === 0) return false;
      this.audit(audit);
      return true;
    })();
  }

  async listActive(threadId: string): Promise<WebhookRecord[]> {
    return (this.stmt.active.all(threadId) as Row[]).map((row) => this.toRecord(row));
  }

  async list(threadId: string): Promise<WebhookRecord[]> {
    return (this.stmt.list.all(threadId) as Row[]).map((row) => this.toRecord(row));
  }

  async deactivate(id: string): Promise<void> {
    this.stmt.deactivate.run(id);
  }

  async claim(id: string, owner: string, leaseMs: number): Promise<WebhookRecord | undefined> {
    const at = Date.now();
    const done = this.lapseThen(id, () => this.stmt.claim.get({ id, owner, until: at + leaseMs, now: at }) as Row | undefined);
    const row = 'lapsed' in done ? done.lapsed : done.result;
    return row && this.toRecord(row);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const done = this.lapseThen(id, () => this.stmt.renew.run({ id, owner, until: Date.now() + leaseMs }).changes > 0);
    return 'result' in done && done.result;
  }

  async advance(id: string, owner: string, seq: number, leaseMs: number): Promise<boolean> {
    const done = this.lapseThen(id, () => this.stmt.advance.run({ id, owner, seq, until: Date.now() + leaseMs }).changes > 0);
    return 'result' in done && done.result;
  }

  async release(id: string, owner: string): Promise<void> {
    this.stmt.release.run(id, owner);
  }

  async due(limit: number): Promise<string[]> {
    return (this.stmt.due.all(Date.now(), limit) as Row[]).map((row) => String(row.id));
  }

  private toRecord(row: Row): WebhookRecord {
    return toWebhook(row, this.secrets);
  }
}
