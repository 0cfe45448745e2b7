import type { UploadOutboxFile } from '../sync/outbox.ts';

/** Where a sender's uploads go: a user's thread (no slug) or a visitor's thread with an agent. */
export interface UploadTarget {
  /** The server's URL, as the client's other requests take it (the uploader adds the API's path: `apiBaseUrl`). */
  serverUrl: string;
  /** The agent's slug for a visitor; absent for a user. */
  slug?: string;
}

/**
 * The outbox's uploader, with the upload code loaded on first use: most conversations never
 * carry a file, so neither client downloads it with its first page. The credential is read
 * at each upload (a new sign-in takes effect at once) and sent as a header, never in the URL.
 * A failed load (a deploy replaced the chunk, the network dropped) rejects with no ApiError:
 * the outbox's upload loop says so in words and tries again later (outbox-uploads.ts).
 */
export function lazyUploader(target: UploadTarget, token: () => string | null): UploadOutboxFile {
  return (threadId, file, onProgress, signal) =>
    import('./attachment-upload.ts').then((upload) => upload.uploadOutboxFile(target, token(), threadId, file, onProgress, signal));
}
