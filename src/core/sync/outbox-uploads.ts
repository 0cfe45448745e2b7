/**
 * The outbox's upload of an item's files (CONTRACT §13), loaded by the outbox with the first
 * item that carries files: most conversations never do, so no client downloads this with its
 * first page (the widget's budget, e2e/widget-size.spec.ts).
 */
import { ApiError } from '../api/api-error.ts';
import type { Outbox, OutboxItem } from './outbox.ts';

/**
 * Uploads the item's files that the server does not have yet, one at a time, storing each
 * one's id as soon as it is known. Resolves with all the ids in order, or null when the item
 * is gone or no longer this tab's to send; rejects with the upload's ApiError.
 */
export async function uploadFiles(outbox: Outbox, item: OutboxItem): Promise<string[] | null> {
  const { clientMessageId, threadId } = item;
  const files = item.files ?? [];
  if (files.some((file) => file.attachmentId === null)) {
    const upload = outbox.options.upload;
    if (!upload) throw new ApiError('client_error', 'This app cannot send files.', false);
    const controller = new AbortController();
    const progress = new Map<string, number>();
    outbox.uploads.set(clientMessageId, controller);
    outbox.progress.set(clientMessageId, progress);
    try {
      for (const file of files) {
        if (file.attachmentId !== null) continue;
        const attachmentId = await upload(
          threadId,
          file,
          (sentBytes) => {
            progress.set(file.key, sentBytes);
            outbox.changed(threadId);
          },
          controller.signal,
        ).catch((error: unknown) => {
          // An uploader rejects with ApiErrors only, once its code has loaded (lazy-upload.ts).
          throw ApiError.is(error)
            ? error
            : new ApiError('network_error', 'The upload could not start: part of the app did not load.', true);
        });
        const current = outbox.sends() && !controller.signal.aborted ? outbox.items.get(clientMessageId) : undefined;
        if (!current) return null;
        outbox.update({
          ...current,
          files: (current.files ?? []).map((each) => (each.key === file.key ? { ...each, attachmentId } : each)),
        });
      }
    } finally {
      outbox.uploads.delete(clientMessageId);
      outbox.progress.delete(clientMessageId);
    }
  }
  const current = outbox.sends() ? outbox.items.get(clientMessageId) : undefined;
  if (!current) return null;
  return (current.files ?? []).map((file) => file.attachmentId ?? '');
}
