import type { AttachmentSummary, SenderId } from '../../../src/core/protocol/model.ts';
import type { AttachmentRecord } from './stores/attachment-store.ts';

/** An `attachments` row as both databases return it (times as text or Date, numbers as number or bigint). */
export interface AttachmentRow {
  id: string;
  thread_id: string;
  uploader_id: string;
  name: string;
  content_type: string;
  size: number | string | bigint;
  width: number | null;
  height: number | null;
  sha256: string;
  thumbnail_type: string | null;
  thumbnail_size: number | string | bigint | null;
  thumbnail_sha256: string | null;
  message_id: string | null;
  created_at: string | Date;
}

export function toAttachment(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    threadId: row.thread_id,
    uploaderId: row.uploader_id as SenderId,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size),
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    sha256: row.sha256,
    thumbnail:
      row.thumbnail_type === null || row.thumbnail_sha256 === null
        ? null
        : { contentType: row.thumbnail_type, size: Number(row.thumbnail_size), sha256: row.thumbnail_sha256 },
    messageId: row.message_id,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
  };
}

/** The columns of a new row, in {@link ATTACHMENT_COLUMNS}' order. */
export function attachmentValues(record: AttachmentRecord): (string | number | null)[] {
  return [
    record.id,
    record.threadId,
    record.uploaderId,
    record.name,
    record.contentType,
    record.size,
    record.width,
    record.height,
    record.sha256,
    record.thumbnail?.contentType ?? null,
    record.thumbnail?.size ?? null,
    record.thumbnail?.sha256 ?? null,
    record.messageId,
    record.createdAt,
  ];
}

export const ATTACHMENT_COLUMNS =
  'id, thread_id, uploader_id, name, content_type, size, width, height, sha256, thumbnail_type, thumbnail_size, thumbnail_sha256, message_id, created_at';

/** What a message and its `message_committed` data say of an attachment (CONTRACT §13). */
export function attachmentSummary(record: AttachmentRecord): AttachmentSummary {
  return {
    id: record.id,
    name: record.name,
    content_type: record.contentType,
    size: record.size,
    ...(record.width !== null && record.height !== null ? { width: record.width, height: record.height } : {}),
  };
}

/**
 * Why a message may not carry the attachments it names, in words, or null when it may: each
 * must exist in this thread, be the sender's own upload and be carried by no message yet.
 * `records` are the rows read for `ids` (in the commit's transaction).
 */
export function attachmentRefusal(
  ids: readonly string[],
  records: readonly AttachmentRecord[],
  threadId: string,
  senderId: string,
): { status: 422 | 409; message: string } | null {
  for (const id of ids) {
    const record = records.find((candidate) => candidate.id === id);
    if (!record || record.threadId !== threadId) {
      return { status: 422, message: `Attachment ${id} was not uploaded to this thread (or was deleted); upload the file again.` };
    }
    if (record.uploaderId !== senderId) {
      return { status: 422, message: `Attachment ${id} was uploaded by someone else; only its uploader may send it.` };
    }
    if (record.messageId !== null) {
      return { status: 409, message: `Attachment ${id} is already on another message; upload the file again to send it again.` };
    }
  }
  return null;
}
