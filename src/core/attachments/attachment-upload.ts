/**
 * One file's upload (CONTRACT §13): the raw bytes as the body, with upload progress and
 * cancel. XHR and not fetch: only XHR reports how much of a request body has been sent.
 * The credential goes in the Authorization header, never in the URL; the URL holds the
 * thread and the file name only.
 */
import { ApiError } from '../api/api-error.ts';
import { apiBaseUrl, errorOfResponse } from '../api/http-client.ts';
import type { OutboxFile } from '../sync/outbox.ts';
import type { UploadTarget } from './lazy-upload.ts';
import { rememberUserMaxBytes } from './user-size-limit.ts';

/** An upload that has sent nothing for this long is given up as `timeout` (and retried by the outbox). */
export const UPLOAD_STALL_TIMEOUT_MS = 30_000;

export interface UploadRequest {
  /** The upload endpoint with the file name in its query (see {@link userUploadUrl}, {@link visitorUploadUrl}). */
  url: string;
  /** The user's JWT or the visitor token, sent as `Authorization: Bearer`. */
  token: string | null;
  blob: Blob;
  onProgress?: (sentBytes: number) => void;
  signal?: AbortSignal;
  /** Tests make it small. */
  stallTimeoutMs?: number;
}

/**
 * A `413`: the file is over the sender's limit, which the server names in `max_bytes` (null
 * from a server that does not). A user's limit (`ATTACHMENT_MAX_BYTES`) is in no profile: this
 * is how the inbox learns it.
 */
export class FileTooLarge extends ApiError {
  constructor(
    message: string,
    readonly maxBytes: number | null,
  ) {
    super('client_error', message, false, 413);
  }
}

/** The user's (or an agent's) upload into a thread. */
export function userUploadUrl(baseUrl: string, threadId: string, name: string): string {
  return `${baseUrl}/chat/threads/${encodeURIComponent(threadId)}/attachments?name=${encodeURIComponent(name)}`;
}

/** A visitor's upload into their thread with an agent. */
export function visitorUploadUrl(baseUrl: string, slug: string, threadId: string, name: string): string {
  return `${baseUrl}/chat/public/${encodeURIComponent(slug)}/threads/${encodeURIComponent(threadId)}/attachments?name=${encodeURIComponent(name)}`;
}

/** One outbox file's upload into its thread, for the target's sender (lazy-upload.ts). */
export function uploadOutboxFile(
  target: UploadTarget,
  token: string | null,
  threadId: string,
  file: OutboxFile,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
): Promise<string> {
  const baseUrl = apiBaseUrl(target.serverUrl);
  const url =
    target.slug === undefined ? userUploadUrl(baseUrl, threadId, file.name) : visitorUploadUrl(baseUrl, target.slug, threadId, file.name);
  const upload = uploadFile({ url, token, blob: file.blob, onProgress, signal });
  if (target.slug !== undefined) return upload;
  // A user's limit is said nowhere else: the inbox's next check before an upload follows it (user-size-limit.ts).
  return upload.catch((error: unknown) => {
    if (error instanceof FileTooLarge) rememberUserMaxBytes(error.maxBytes);
    throw error;
  });
}

/**
 * Uploads the blob and resolves with the server's attachment id; rejects with an ApiError only
 * (`aborted` when `signal` aborts; `network_error`/`timeout` are retryable; a refusal keeps the
 * server's code and words, e.g. 413 and 415).
 */
export function uploadFile(request: UploadRequest): Promise<string> {
  // The path names the thread, not the URL's query (the file name) nor any credential.
  const what = 'The upload';
  return new Promise((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) {
      reject(new ApiError('aborted', `${what} was cancelled.`, false));
      return;
    }
    const xhr = new XMLHttpRequest();
    const stallMs = request.stallTimeoutMs ?? UPLOAD_STALL_TIMEOUT_MS;
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, stallMs);
    };
    const onAbort = () => xhr.abort();
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    xhr.open('POST', request.url);
    if (request.token) xhr.setRequestHeader('authorization', `Bearer ${request.token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      watch();
      request.onProgress?.(event.loaded);
    };
    xhr.onload = () => {
      settle();
      let json: unknown;
      try {
        json = xhr.responseText === '' ? undefined : JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        const { error } = errorOfResponse(what, xhr.status, json, xhr.getResponseHeader('retry-after'));
        const maxBytes = (json as { error?: { max_bytes?: unknown } } | undefined)?.error?.max_bytes;
        reject(xhr.status === 413 ? new FileTooLarge(error.message, Number.isSafeInteger(maxBytes) ? (maxBytes as number) : null) : error);
        return;
      }
      const id = (json as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || id === '') {
        reject(new ApiError('invalid_response', `${what} answered without the file's id.`, true, xhr.status));
        return;
      }
      request.onProgress?.(request.blob.size);
      resolve(id);
    };
    xhr.onerror = () => {
      settle();
      reject(new ApiError('network_error', `Could not reach the server (${what.toLowerCase()}).`, true));
    };
    xhr.onabort = () => {
      settle();
      if (stalled) reject(new ApiError('timeout', `${what} stopped moving for ${stallMs / 1000} s.`, true));
      else reject(new ApiError('aborted', `${what} was cancelled.`, false));
    };
    watch();
    // The blob as it is: the browser sends its length (the server needs Content-Length) and streams it.
    xhr.send(request.blob);
  });
}
