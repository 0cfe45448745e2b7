/**
 * A signed-in user's size limit, as the server last said it. CONTRACT §13 publishes the user
 * limit (`ATTACHMENT_MAX_BYTES`) in no call: its one word on it is a `413`'s `max_bytes`, which
 * comes before the body is read, so an upload over it costs no transfer. Until the server has
 * said it, the inbox checks no size before an upload (a server set above the 25 MiB default
 * takes larger files); after, it refuses a larger file at once, in words. Kept for the page's
 * life only: a server whose limit was raised is believed again after a reload.
 */
import { ATTACHMENT_KINDS, type AttachmentLimits } from './attachment-limits.ts';

let saidMaxBytes: number | null = null;

/** The `max_bytes` of a user's upload refused as too large (attachment-upload.ts); ignored unless a whole positive number. */
export function rememberUserMaxBytes(maxBytes: number | null): void {
  if (maxBytes !== null && Number.isSafeInteger(maxBytes) && maxBytes > 0) saidMaxBytes = maxBytes;
}

/** What the inbox checks a chosen file against before its upload: every kind the server knows, and the size it last said. */
export function userAttachmentLimits(): AttachmentLimits {
  return { maxBytes: saidMaxBytes, kinds: ATTACHMENT_KINDS };
}

/** Tests only: forget what the server said. */
export function forgetUserMaxBytes(): void {
  saidMaxBytes = null;
}
