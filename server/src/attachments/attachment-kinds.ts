/**
 * What files the server takes (CONTRACT §13) and the limits on them. The type of a file is
 * what its bytes are ({@link sniffContentType}), never what the client claims.
 */

/** The kinds an agent may allow visitors to send (agent settings `attachments.types`). */
export const ATTACHMENT_KINDS = ['image', 'pdf', 'text'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Raster images: decoded, stripped of metadata, turned upright and given a thumbnail. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export type StoredContentType = ImageType | 'application/pdf' | 'text/plain; charset=utf-8';

export function isImageType(type: string): type is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

export function kindOf(type: StoredContentType): AttachmentKind {
  if (isImageType(type)) return 'image';
  return type === 'application/pdf' ? 'pdf' : 'text';
}

const MIB = 1024 * 1024;
/** `ATTACHMENT_MAX_BYTES`'s default: what a signed-in user may upload at once. */
export const DEFAULT_USER_MAX_BYTES = 25 * MIB;
/** The largest limit either setting may name (`ATTACHMENT_MAX_BYTES`, an agent's `max_bytes`). */
export const LARGEST_MAX_BYTES = 1024 * MIB;
/** An image with more pixels than this is refused (413) before it is decoded: a decompression bomb. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** The thumbnail's longest side, in pixels (smaller images keep their size). */
export const THUMBNAIL_MAX_SIDE = 480;
/** At most this many files on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** Longest file name, in UTF-8 bytes (what most file systems allow). */
export const MAX_FILE_NAME_BYTES = 255;
/** Uploads that no message used are deleted after this long (`ATTACHMENT_UNUSED_TTL_MS`). */
export const DEFAULT_UNUSED_TTL_MS = 24 * 60 * 60_000;
/** Visitors' uploads per client address and minute. */
export const DEFAULT_VISITOR_UPLOADS_PER_MIN = 10;

/** What an agent lets its visitors send (agent settings `attachments`). */
export interface VisitorAttachmentPolicy {
  enabled: boolean;
  maxBytes: number;
  types: AttachmentKind[];
}

/** The policy of an agent whose owners never changed it: on, 10 MiB, images and PDF. */
export const DEFAULT_VISITOR_POLICY: VisitorAttachmentPolicy = { enabled: true, maxBytes: 10 * MIB, types: ['image', 'pdf'] };
