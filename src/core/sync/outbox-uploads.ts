/**
 * The outbox's upload of an item's files (CONTRACT §13), loaded by the outbox with the first
 * item that carries files: most conversations never do, so no client downloads this with its
 * first page (the widget's budget, e2e/widget-size.spec.ts).
 */
import { ApiError } from '../api/api-error.ts';
import type { Outbox, OutboxFile, OutboxItem } from './outbox.ts';

/**
 * Bytes sent so far of an item's files that this tab's outbox is uploading, by file key; a file
 * with an `attachmentId` is uploaded whole. Undefined when nothing of the item is being uploaded here.
 */
export function uploadProgress(outbox: Outbox, clientMessageId: string): ReadonlyMap<string, number> | undefined {
  return outbox.progress?.get(clientMessageId);
}

/**
 * The server refused a file as too large (`413`, before its body was read): the item fails
 * naming the file and the limit (`max_bytes` of the refusal, attachment-upload.ts), so the user
 * can send the text without it; sending it again would only be refused again.
 */
function tooLarge(outbox: Outbox, clientMessageId: string, file: OutboxFile, error: ApiError): void {
  const current = outbox.sends() ? outbox.items.get(clientMessageId) : undefined;
  if (!current) return;
  const maxBytes = (error as ApiError & { maxBytes?: unknown }).maxBytes;
  outbox.update({
    ...current,
    status: 'failed',
    attempts: current.attempts + 1,
    error: {
      code: error.code,
      message: error.message,
      retryable: false,
      file: { name: file.name, size: file.size, maxBytes: typeof maxBytes === 'number' ? maxBytes : null },
    },
  });
}

/**
 * Uploads the item's files that the server does not have yet, one at a time, storing each
 * one's id as soon as it is known. Resolves with all the ids in order, or null when the item
 * is gone or no longer this tab's to send (`controller`, the outbox's cancel of the item's
 * uploads, aborted); rejects with the upload's ApiError.
 */
export async function uploadFiles(outbox: Outbox, item: OutboxItem, controller: AbortController): Promise<string[] | null> {
  const { clientMessageId, threadId } = item;
  const files = item.files ?? [];
  const progresses = (outbox.progress ??= new Map());
  try {
    if (controller.signal.aborted) return null;
    if (files.some((file) => file.attachmentId === null)) {
      const upload = outbox.options.upload;
      if (!upload) throw new ApiError('client_error', 'This app cannot send files.', false);
      const progress = new Map<string, number>();
      progresses.set(clientMessageId, progress);
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
        )
          .catch((error: unknown) => {
            // An uploader rejects with ApiErrors only, once its code has loaded (lazy-upload.ts).
            throw ApiError.is(error)
              ? error
              : new ApiError('network_error', 'The upload could not start: part of the app did not load.', true);
          })
          .catch((error: ApiError) => {
            if (error.status !== 413) throw error;
            tooLarge(outbox, clientMessageId, file, error);
            return null;
          });
        if (attachmentId === null) return null;
        const current = outbox.sends() && !controller.signal.aborted ? outbox.items.get(clientMessageId) : undefined;
        if (!current) return null;
        outbox.update({
          ...current,
          files: (current.files ?? []).map((each) => (each.key === file.key ? { ...each, attachmentId } : each)),
        });
      }
    }
  } finally {
    outbox.uploads.delete(clientMessageId);
    progresses.delete(clientMessageId);
  }
  const current = outbox.sends() ? outbox.items.get(clientMessageId) : undefined;
  if (!current) return null;
  return (current.files ?? []).map((file) => file.attachmentId ?? '');
}
