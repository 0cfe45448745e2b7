import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { AttachmentSummary } from '../../../src/core/protocol/model.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import type { Storage } from '../storage/storage.ts';
import type { AttachmentRecord } from '../storage/stores/attachment-store.ts';
import { attachmentSummary } from '../storage/attachment-rows.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import type { Principal } from '../threads/principal.ts';
import { bytesKeys, type AttachmentBytes, type ByteRange, type ByteStream } from './attachment-bytes.ts';
import { isImageType, kindOf, type AttachmentKind, type StoredContentType } from './attachment-kinds.ts';
import { processImage } from './image-processing.ts';
import { looksLikeMarkup, sniffBinaryType } from './sniff.ts';
import { BodyTooLong, spoolUpload, type SpooledUpload } from './upload-spool.ts';

/** What may be uploaded by this caller: the largest size and, for visitors, the kinds their agent allows. */
export interface UploadLimits {
  maxBytes: number;
  /** Null: every kind the server knows. */
  kinds: readonly AttachmentKind[] | null;
}

export interface UploadInput {
  principal: Principal;
  threadId: string;
  /** The checked file name (see `checkFileName`). */
  name: string;
  /** The body, not read yet. */
  body: Readable;
  /** The request's `Content-Length` (checked against the limit before anything is read). */
  declaredBytes: number;
  limits: UploadLimits;
}

/** The upload's answer (CONTRACT §13). */
export type UploadedAttachment = AttachmentSummary & { sha256: string; created_at: string };

/** A file (or part of one) ready to be sent. */
export interface OpenedAttachment {
  record: AttachmentRecord;
  /** The variant's content type, size and sha256 (the thumbnail's, for `?variant=thumbnail`). */
  contentType: string;
  size: number;
  sha256: string;
  /** Opens the bytes, or the range of them. */
  read(range?: ByteRange): Promise<ByteStream | null>;
}

const KIND_WORDS: Record<AttachmentKind, string> = { image: 'images', pdf: 'PDF files', text: 'text files' };
const KIND_WORD: Record<AttachmentKind, string> = { image: 'an image', pdf: 'a PDF file', text: 'a text file' };

/** "images and PDF files" */
export function describeKinds(kinds: readonly AttachmentKind[]): string {
  const words = kinds.map((kind) => KIND_WORDS[kind]);
  return words.length <= 1 ? (words[0] ?? 'no files') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export const tooLarge = (maxBytes: number) =>
  new ApiError('client_error', `The file is larger than the limit of ${formatBytes(maxBytes)}; send a smaller one.`, {
    status: 413,
    maxBytes,
  });

/** 25 MiB, 10 MiB, 512 KiB, 300 bytes: as the limits are set. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  const kib = bytes / 1024;
  if (kib >= 1) return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

const unsupported = (why: string) => new ApiError('unsupported_media_type', why);

/**
 * Attachments (CONTRACT §13): uploads checked by what their bytes are, images re-encoded
 * without metadata, every file kept by one {@link AttachmentBytes}; downloads only for those
 * who read the thread. Messages claim attachments in their commit (the log's stores).
 */
export class AttachmentService {
  constructor(
    private readonly storage: Storage,
    private readonly threads: ThreadService,
    /** Where the files' bytes are (tests read it to see that deleted files are gone). */
    readonly bytes: AttachmentBytes,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Refuses an upload the caller may not make, before its body is read: the thread must be
   * one they may post in (as §4 decides for sends), and the declared size within the limit.
   */
  async admit(principal: Principal, threadId: string, declaredBytes: number, limits: UploadLimits): Promise<void> {
    await this.threads.access(principal, threadId);
    if (declaredBytes > limits.maxBytes) throw tooLarge(limits.maxBytes);
    if (declaredBytes === 0) throw badRequest('The file is empty; choose a file with something in it.');
  }

  /** Stores an upload ({@link admit} first): spooled, sniffed, images processed, bytes stored, then the row. */
  async upload(input: UploadInput): Promise<UploadedAttachment> {
    let spooled: SpooledUpload;
    try {
      spooled = await spoolUpload(input.body, this.bytes.incomingDir, input.declaredBytes, true);
    } catch (error) {
      if (error instanceof BodyTooLong) throw badRequest(`The body is longer than its Content-Length of ${input.declaredBytes} bytes.`);
      throw error;
    }
    const temporary = [spooled.path];
    try {
      const type = this.typeOf(spooled);
      if (input.limits.kinds && !input.limits.kinds.includes(kindOf(type))) {
        throw unsupported(`This chat accepts only ${describeKinds(input.limits.kinds)}; this file is ${KIND_WORD[kindOf(type)]}.`);
      }
      const id = randomUUID();
      const keys = bytesKeys(id);
      const record: AttachmentRecord = {
        id,
        threadId: input.threadId,
        uploaderId: input.principal.senderId,
        name: input.name,
        contentType: type,
        size: spooled.size,
        width: null,
        height: null,
        sha256: spooled.sha256,
        thumbnail: null,
        messageId: null,
        createdAt: new Date().toISOString(),
      };
      if (isImageType(type)) {
        const image = await processImage(spooled.path, type, this.bytes.incomingDir);
        temporary.push(image.path, image.thumbnail.path);
        Object.assign(record, { size: image.size, sha256: image.sha256, width: image.width, height: image.height });
        record.thumbnail = { contentType: image.thumbnail.contentType, size: image.thumbnail.size, sha256: image.thumbnail.sha256 };
        await this.bytes.put(keys.thumbnail, image.thumbnail.path);
        await this.bytes.put(keys.original, image.path);
      } else {
        await this.bytes.put(keys.original, spooled.path);
      }
      if (!(await this.storage.attachments.create(record))) {
        await this.bytes.delete([keys.original, keys.thumbnail]);
        throw notFound('The thread');
      }
      return { ...attachmentSummary(record), sha256: record.sha256, created_at: record.createdAt };
    } finally {
      // Whatever was not moved into the store (a refusal, a failure) goes.
      await Promise.all(temporary.map((path) => rm(path, { force: true })));
    }
  }

  /** The stored type: what the bytes are (magic numbers), else UTF-8 text; 415 for anything else. */
  private typeOf(spooled: SpooledUpload): StoredContentType {
    const binary = sniffBinaryType(spooled.head);
    if (binary) return binary;
    if (spooled.text) {
      if (looksLikeMarkup(spooled.head)) {
        throw unsupported('HTML, SVG and other markup files are not accepted; send a PNG, JPEG, GIF, WebP, PDF or plain text file.');
      }
      return 'text/plain; charset=utf-8';
    }
    throw unsupported('This type of file is not accepted; send a PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8) file.');
  }

  /**
   * An attachment of the thread for one who may read the thread (404 for one of another
   * thread, so ids tell nothing across threads), and the variant asked for.
   */
  async open(principal: Principal, threadId: string, attachmentId: string, thumbnail: boolean): Promise<OpenedAttachment> {
    await this.threads.access(principal, threadId);
    const record = await this.storage.attachments.get(attachmentId);
    if (!record || record.threadId !== threadId) throw notFound('The attachment');
    // Another's upload that no message carries yet is not the reader's to see.
    if (record.messageId === null && record.uploaderId !== principal.senderId) throw notFound('The attachment');
    const keys = bytesKeys(record.id);
    if (thumbnail) {
      if (!record.thumbnail) throw badRequest('Only images have a thumbnail; leave out ?variant=thumbnail for this file.');
      const variant = record.thumbnail;
      return { record, ...variant, read: (range) => this.bytes.read(keys.thumbnail, range) };
    }
    return {
      record,
      contentType: record.contentType,
      size: record.size,
      sha256: record.sha256,
      read: (range) => this.bytes.read(keys.original, range),
    };
  }

  /** Deletes attachments' rows and bytes (a thread's when it goes, the sweep's unused ones). */
  async deleteFiles(records: readonly AttachmentRecord[], onlyUnused: boolean): Promise<string[]> {
    if (records.length === 0) return [];
    const deleted = await this.storage.attachments.delete(
      records.map((record) => record.id),
      onlyUnused,
    );
    // Rows first: a crash in between leaves bytes no row names (never served; swept later, stray-bytes.ts), never a row without bytes.
    await this.bytes.delete(deleted.flatMap((id) => Object.values(bytesKeys(id))));
    return deleted;
  }

  /** Deletes every attachment of a thread (rows and bytes): called when the thread itself is deleted. */
  async deleteThreadFiles(threadId: string): Promise<number> {
    const deleted = await this.deleteFiles(await this.storage.attachments.ofThread(threadId), false);
    if (deleted.length > 0) this.log.info({ thread_id: threadId, count: deleted.length }, 'attachments of a deleted thread deleted');
    return deleted.length;
  }
}
