/**
 * How a message's file looks before any of its bytes arrive (CONTRACT §13): an image's box
 * from the `width`/`height` the server measured (so the space is reserved and nothing moves
 * when it loads), a size in words, and what kind of file it is. Both clients use it.
 */
import type { AttachmentSummary } from '../protocol/model.ts';

/** What a file is to a reader: raster images have a thumbnail and open in the viewer. */
export type AttachmentKind = 'image' | 'pdf' | 'text' | 'file';

/** The raster types the server decodes and thumbnails (CONTRACT §13): these, and only these, show as images. */
const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function attachmentKind(contentType: string): AttachmentKind {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (IMAGE_TYPES.includes(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  return type.startsWith('text/') ? 'text' : 'file';
}

export interface BoxSize {
  width: number;
  height: number;
}

/**
 * An image's size fitted into a box of at most `max` (never enlarged, the ratio kept, at least
 * one pixel each way); null for an attachment the server gave no pixel size (not an image).
 */
export function fitImage(attachment: Pick<AttachmentSummary, 'width' | 'height'>, max: BoxSize): BoxSize | null {
  const { width, height } = attachment;
  if (!width || !height) return null;
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The least a thumbnail measures either way (CSS pixels): a touch target (e2e/support/touch-targets.ts). */
export const MIN_THUMBNAIL_SIDE = 44;

/**
 * A thumbnail's box: the image fitted into `max`, each side at least {@link MIN_THUMBNAIL_SIDE}
 * so a very wide or tall image is still a target one can tap (the image is drawn contained in
 * it); `max` itself for a file without a pixel size.
 */
export function thumbnailBox(attachment: Pick<AttachmentSummary, 'width' | 'height'>, max: BoxSize): BoxSize {
  const fitted = fitImage(attachment, max) ?? max;
  return { width: Math.max(MIN_THUMBNAIL_SIDE, fitted.width), height: Math.max(MIN_THUMBNAIL_SIDE, fitted.height) };
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'] as const;
/** Sizes count in 1024s, as the server's limits do (`ATTACHMENT_MAX_BYTES` 25 MiB reads "25 MB"). */
const SIZE_STEP = 1024;

/**
 * A file size as people read it, in the reader's locale: "812 B", "1.4 MB" ("1,4 MB" in German);
 * one decimal below 10 of a unit, none above.
 */
export function formatFileSize(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= SIZE_STEP && unit < SIZE_UNITS.length - 1) {
    value /= SIZE_STEP;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${SIZE_UNITS[unit]}`;
}
