import type postgres from 'postgres';
import { toAttachment, type AttachmentRow } from '../attachment-rows.ts';
import type { AttachmentRecord, AttachmentStore } from '../stores/attachment-store.ts';
import type { Db } from './rows.ts';

/** The rows of `ids`, locked until the transaction ends (the commit that claims them). */
export async function lockedAttachments(tx: Db, ids: readonly string[]): Promise<AttachmentRecord[]> {
  const rows = await tx<AttachmentRow[]>`SELECT * FROM attachments WHERE id = ANY(${ids as string[]}::text[]) ORDER BY id FOR UPDATE`;
  return rows.map(toAttachment);
}

/** Attachments' metadata in PostgreSQL (`storage.attachments`); their bytes are in `attachment_chunks`. */
export class PostgresAttachments implements AttachmentStore {
  constructor(private readonly sql: postgres.Sql) {}

  async create(record: AttachmentRecord): Promise<boolean> {
    const thumbnail = record.thumbnail;
    const rows = await this.sql`
      INSERT INTO attachments (id, thread_id, uploader_id, name, content_type, size, width, height, sha256,
                               thumbnail_type, thumbnail_size, thumbnail_sha256, message_id, created_at)
      SELECT ${record.id}::text, ${record.threadId}::text, ${record.uploaderId}::text, ${record.name}::text,
             ${record.contentType}::text, ${record.size}::bigint, ${record.width}::int, ${record.height}::int, ${record.sha256}::text,
             ${thumbnail?.contentType ?? null}::text, ${thumbnail?.size ?? null}::bigint, ${thumbnail?.sha256 ?? null}::text,
             ${record.messageId}::text, ${record.createdAt}::timestamptz
      WHERE EXISTS (SELECT 1 FROM threads WHERE id = ${record.threadId})
      RETURNING id`;
    return rows.length === 1;
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const [row] = await this.sql<AttachmentRow[]>`SELECT * FROM attachments WHERE id = ${id}`;
    return row && toAttachment(row);
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.sql<{ id: string }[]>`SELECT id FROM attachments WHERE id = ANY(${ids as string[]}::text[])`;
    return new Set(rows.map((row) => row.id));
  }

  async unusedBefore(before: string, limit: number): Promise<AttachmentRecord[]> {
    const rows = await this.sql<AttachmentRow[]>`
      SELECT * FROM attachments WHERE message_id IS NULL AND created_at < ${before}::timestamptz ORDER BY created_at LIMIT ${limit}`;
    return rows.map(toAttachment);
  }

  async ofThread(threadId: string): Promise<AttachmentRecord[]> {
    const rows = await this.sql<AttachmentRow[]>`SELECT * FROM attachments WHERE thread_id = ${threadId}`;
    return rows.map(toAttachment);
  }

  async delete(ids: readonly string[], onlyUnused: boolean): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`
      DELETE FROM attachments WHERE id = ANY(${ids as string[]}::text[]) AND (NOT ${onlyUnused} OR message_id IS NULL) RETURNING id`;
    return rows.map((row) => row.id);
  }

  async takeSweepLease(owner: string, now: number, leaseMs: number): Promise<boolean> {
    const rows = await this.sql`
      INSERT INTO attachment_sweep_lease (id, lease_owner, lease_until) VALUES (1, ${owner}, ${now + leaseMs})
      ON CONFLICT (id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
      WHERE attachment_sweep_lease.lease_owner = excluded.lease_owner OR attachment_sweep_lease.lease_until < ${now}
      RETURNING id`;
    return rows.length === 1;
  }
}
