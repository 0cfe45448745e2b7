import { ApiError } from '../api/api-error.ts';
import type { UploadOutboxFile } from '../sync/outbox.ts';
import type * as UploadModule from './attachment-upload.ts';

/** Where a sender's uploads go: a user's thread (no slug) or a visitor's thread with an agent. */
export interface UploadTarget {
  /** The API's base URL (`apiBaseUrl(serverUrl)`). */
  baseUrl: string;
  /** The agent's slug for a visitor; absent for a user. */
  slug?: string;
}

/**
 * The outbox's uploader, with the upload code loaded on first use: most conversations never
 * carry a file, so neither client downloads it with its first page. The credential is read
 * at each upload (a new sign-in takes effect at once) and sent as a header, never in the URL.
 */
export function lazyUploader(target: UploadTarget, token: () => string | null): UploadOutboxFile {
  return async (threadId, file, onProgress, signal) => {
    let upload: typeof UploadModule;
    try {
      upload = await import('./attachment-upload.ts');
    } catch {
      // A deploy replaced the chunk, or the network dropped: the outbox tries again later.
      throw new ApiError('network_error', 'The upload could not start: part of the app did not load.', true);
    }
    const url =
      target.slug === undefined
        ? upload.userUploadUrl(target.baseUrl, threadId, file.name)
        : upload.visitorUploadUrl(target.baseUrl, target.slug, threadId, file.name);
    return upload.uploadFile({ url, token: token(), blob: file.blob, onProgress, signal });
  };
}
