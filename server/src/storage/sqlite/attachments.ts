import type Database from 'better-sqlite3';
import { ATTACHMENT_COLUMNS, attachmentValues, toAttachment, type AttachmentRow } from '../attachment-rows.ts';
import type { AttachmentRecord, AttachmentStore } from '../stores/attachment-store.ts';

/** Attachments' metadata in the SQLite file (`storage.attachments`); their bytes are files beside it. */
export class SqliteAttachments implements AttachmentStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO attachments (${ATTACHMENT_COLUMNS})
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM threads WHERE id = ?)`,
      ),
      get: db.prepare('SELECT * FROM attachments WHERE id = ?'),
      exists: db.prepare('SELECT id FROM attachments WHERE id = ?').pluck(),
      unused: db.prepare('SELECT * FROM attachments WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?'),
      ofThread: db.prepare('SELECT * FROM attachments WHERE thread_id = ?'),
      remove: db.prepare('DELETE FROM attachments WHERE id = ? RETURNING id').pluck(),
      removeUnused: db.prepare('DELETE FROM attachments WHERE id = ? AND message_id IS NULL RETURNING id').pluck(),
      lease: db.prepare(
        `INSERT INTO attachment_sweep_lease (id, lease_owner, lease_until) VALUES (1, @owner, @until)
         ON CONFLICT (id) DO UPDATE SET lease_owner = @owner, lease_until = @until
         WHERE attachment_sweep_lease.lease_owner = @owner OR attachment_sweep_lease.lease_until < @now
         RETURNING lease_owner`,
      ),
    };
  }

  async create(record: AttachmentRecord): Promise<boolean> {
    return this.stmt.insert.run(...attachmentValues(record), record.threadId).changes === 1;
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const row = this.stmt.get.get(id) as AttachmentRow | undefined;
    return row && toAttachment(row);
  }

  /** Read in the commit's transaction (the log's): the rows a message names. */
  many(ids: readonly string[]): AttachmentRecord[] {
    return ids.flatMap((id) => {
      const row = this.stmt.get.get(id) as AttachmentRow | undefined;
      return row ? [toAttachment(row)] : [];
    });
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.stmt.exists.get(id) !== undefined));
  }

  async unusedBefore(before: string, limit: number): Promise<AttachmentRecord[]> {
    return (this.stmt.unused.all(before, limit) as AttachmentRow[]).map(toAttachment);
  }

  async ofThread(threadId: string): Promise<AttachmentRecord[]> {
    return (this.stmt.ofThread.all(threadId) as AttachmentRow[]).map(toAttachment);
  }

  async delete(ids: readonly string[], onlyUnused: boolean): Promise<string[]> {
    const statement = onlyUnused ? this.stmt.removeUnused : this.stmt.remove;
    return this.db.transaction(() => ids.flatMap((id) => (statement.all(id) as string[]).slice(0, 1)))();
  }

  async takeSweepLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.stmt.lease.get({ owner, now, until: now + leaseMs }) !== undefined;
  }
}
