/**
 * Fetching a message's file (CONTRACT §13) for display: with the credential in the
 * `Authorization` header, never in a URL (an `<img src>` cannot send one, and a URL with a
 * token ends up in logs and histories), into a `blob:` URL that an `<img>` or a download link
 * can use. One fetch per (attachment, variant) however many rows show it; the blob URL is
 * revoked once nothing shows it any more.
 */

/** `thumbnail` exists for raster images only (attachment-display.ts `attachmentKind`). */
export type AttachmentVariant = 'original' | 'thumbnail';

/**
 * Why a file could not be fetched: `gone` (deleted, or never readable by this reader: the
 * server answers 404 for both), `denied` (signed out, the token no longer valid), `offline`
 * (no answer), `failed` (anything else). Each says its words in the UI; none quotes the URL.
 */
export type AttachmentFailure = 'gone' | 'denied' | 'offline' | 'failed';

export class AttachmentFetchError extends Error {
  constructor(readonly failure: AttachmentFailure) {
    super(`The file could not be fetched (${failure}).`);
    this.name = 'AttachmentFetchError';
  }
}

/** Where a reader's files are and how it proves who it is. */
export interface AttachmentSource {
  /** The download URL of one attachment, without any credential (attachmentPath below). */
  url(attachmentId: string, variant: AttachmentVariant): string;
  /** The user's JWT or the visitor's token, read at each fetch (a new sign-in takes effect). */
  getToken(): string | null;
  fetch?: typeof fetch;
}

/**
 * The download path under `/api/v1`: the user's (`slug` null) or the visitor's (the agent's
 * public slug), with `?variant=thumbnail` for a thumbnail.
 */
export function attachmentPath(slug: string | null, threadId: string, attachmentId: string, variant: AttachmentVariant): string {
  const thread = `/threads/${encodeURIComponent(threadId)}/attachments/${encodeURIComponent(attachmentId)}`;
  const prefix = slug === null ? '/chat' : `/chat/public/${encodeURIComponent(slug)}`;
  return `${prefix}${thread}${variant === 'thumbnail' ? '?variant=thumbnail' : ''}`;
}

/**
 * How long a blob URL outlives the last row that showed it: a row that scrolls out of a
 * virtualized list and back, or re-renders, finds its image still there instead of fetching it again.
 */
export const ATTACHMENT_RELEASE_DELAY_MS = 30_000;

interface Held {
  count: number;
  url: Promise<string>;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface AttachmentCacheOptions {
  releaseDelayMs?: number;
  /** The browser's by default (tests count what is created and revoked). */
  createObjectURL?: (blob: Blob) => string;
  revokeObjectURL?: (url: string) => void;
}

const failureFor = (status: number): AttachmentFailure =>
  status === 404 || status === 410 ? 'gone' : status === 401 || status === 403 ? 'denied' : 'failed';

/** Fetches one attachment's bytes into a Blob (rejects with AttachmentFetchError only). */
export async function fetchAttachment(source: AttachmentSource, attachmentId: string, variant: AttachmentVariant): Promise<Blob> {
  const token = source.getToken();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await (source.fetch ?? globalThis.fetch)(source.url(attachmentId, variant), { headers });
  } catch {
    throw new AttachmentFetchError('offline');
  }
  if (!response.ok) throw new AttachmentFetchError(failureFor(response.status));
  try {
    return await response.blob();
  } catch {
    throw new AttachmentFetchError('offline');
  }
}

/**
 * The blob URLs of the files on screen, counted per (attachment, variant): `acquire` when a
 * row shows one, `release` when it stops. A failed fetch is not kept, so trying again fetches again.
 */
export class AttachmentCache {
  private readonly held = new Map<string, Held>();
  private readonly delay: number;
  private readonly create: (blob: Blob) => string;
  private readonly revoke: (url: string) => void;

  constructor(
    private readonly source: AttachmentSource,
    options: AttachmentCacheOptions = {},
  ) {
    this.delay = options.releaseDelayMs ?? ATTACHMENT_RELEASE_DELAY_MS;
    this.create = options.createObjectURL ?? ((blob) => URL.createObjectURL(blob));
    this.revoke = options.revokeObjectURL ?? ((url) => URL.revokeObjectURL(url));
  }

  /** A `blob:` URL of the file; every call needs its `release`, also when it rejects. */
  acquire(attachmentId: string, variant: AttachmentVariant): Promise<string> {
    const key = `${variant}:${attachmentId}`;
    let held = this.held.get(key);
    if (!held) {
      const url = fetchAttachment(this.source, attachmentId, variant).then(this.create);
      held = { count: 0, url, timer: null };
      this.held.set(key, held);
      const entry = held;
      url.catch(() => {
        if (this.held.get(key) === entry) this.held.delete(key);
      });
    }
    if (held.timer) clearTimeout(held.timer);
    held.timer = null;
    held.count++;
    return held.url;
  }

  release(attachmentId: string, variant: AttachmentVariant): void {
    const key = `${variant}:${attachmentId}`;
    const held = this.held.get(key);
    if (!held || --held.count > 0) return;
    held.timer = setTimeout(() => {
      this.held.delete(key);
      held.url.then(this.revoke, () => undefined);
    }, this.delay);
  }

  /** Revokes every URL now (the client signs out or the widget is removed). */
  clear(): void {
    for (const held of this.held.values()) {
      if (held.timer) clearTimeout(held.timer);
      held.url.then(this.revoke, () => undefined);
    }
    this.held.clear();
  }
}

/** Saves a fetched file under its name (a download link, clicked): `url` is a `blob:` URL from the cache. */
export function saveFile(url: string, name: string, page: Document = document): void {
  const link = page.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  page.body.append(link);
  link.click();
  link.remove();
}
