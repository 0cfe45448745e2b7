import { ApiError } from '../api/api-error.ts';
import { backoffDelay } from '../connection/backoff.ts';
import type { Environment } from '../environment/environment.ts';
import type { SendMessageInput } from '../protocol/client-frames.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import type { OutboxFile, OutboxItem } from './outbox-item.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { OutboxRequest } from './outbox-tab-messages.ts';
import type { OutboxSharing, OutboxTabHost, OutboxTabs } from './outbox-tabs.ts';

// Part of the outbox's API: its importers keep reading the item type from here.
export type { OutboxFile, OutboxItem } from './outbox-item.ts';

/** A send's body: §4's, and the files it carries once they are uploaded (CONTRACT §13). */
export type OutboxSendBody = SendMessageInput & { attachment_ids?: string[] };

/**
 * Uploads one file of an item into its thread and resolves with the server's attachment id
 * (CONTRACT §13); rejects with an ApiError only (`aborted` once `signal` aborts).
 */
export type UploadOutboxFile = (
  threadId: string,
  file: OutboxFile,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
) => Promise<string>;

/** A file as the composer hands it to {@link Outbox.add}: a File (a Blob with its name and type). */
export type NewOutboxFile = Blob & { readonly name: string };

/** First retry of a failed send waits up to this long; each retry doubles it (full jitter). */
const SEND_RETRY_BASE_MS = 1_000;
/** Retries never wait longer than this. */
const SEND_RETRY_CAP_MS = 30_000;

export interface OutboxOptions {
  store: OutboxStore;
  send: (threadId: string, body: OutboxSendBody) => Promise<InboundMessage>;
  /** Uploads an item's files before its message is sent; without it, an item with files fails in words. */
  upload?: UploadOutboxFile;
  environment: Environment;
  onChange: (threadId: string) => void;
  /** A send succeeded: the engine puts the message into the thread's log. */
  onSent: (threadId: string, message: InboundMessage) => void;
  createId?: () => string;
  /**
   * Shares one outbox among the tabs of this browser profile and user (its `outbox` topic): only
   * the leader tab sends; the others mirror its items and forward retries, edits and discards to it.
   * Null (or absent): this tab's outbox alone sends, as where Web Locks or BroadcastChannel are missing.
   * Made by `shareOutbox(hub)` (outbox-tabs.ts): passed in, so a single-tab client (the visitor
   * widget) does not download the multi-tab half.
   */
  tabs?: OutboxSharing | null;
}

/**
 * Optimistic sends that survive reloads and failures. Every item is stored before its
 * first attempt; a retryable failure is tried again with backoff under the same
 * `client_message_id` (so the server commits it once, CONTRACT §4); a non-retryable one
 * waits for the user to edit, retry or discard. Per thread, items go out one at a time in
 * the order they were written, so the thread shows them in that order.
 *
 * With {@link OutboxOptions.tabs}, every tab adds to the same store and shows every item,
 * but only the leader tab sends (and decides retries, edits and discards); a new leader
 * restores what is left from the store and sends it under the same ids.
 */
export class Outbox implements OutboxTabHost {
  /** @internal */
  readonly items = new Map<string, OutboxItem>();
  private readonly inFlight = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly views = new Map<string, readonly OutboxItem[]>();
  /** @internal Items whose files this tab is uploading: aborted by a discard (the message itself is not sent yet). */
  readonly uploads = new Map<string, AbortController>();
  /**
   * @internal Bytes sent of the file being uploaded, per item and file key (this tab's uploads
   * only; not stored): made by the upload loop (outbox-uploads.ts, `uploadProgress`).
   */
  progress?: Map<string, Map<string, number>>;
  private readonly createId: () => string;
  private readonly unsubscribe: () => void;
  /** Shared outbox only: the `outbox` topic, with the leader's take-over and the follower's mirror. */
  private readonly tabs: OutboxTabs | null;
  /** @internal */
  stopped = false;
  private restored = false;

  constructor(/** @internal */ readonly options: OutboxOptions) {
    this.createId = options.createId ?? (() => crypto.randomUUID());
    this.unsubscribe = options.environment.onOnlineChange((online) => {
      if (online) this.kick();
    });
    this.tabs = options.tabs?.(this) ?? null;
  }

  /** @internal Whether this tab sends: always alone, the leader once it has taken over in a shared outbox. */
  sends(): boolean {
    return !this.tabs || this.tabs.leads();
  }

  /**
   * Loads what a previous page left. An item that was mid-send is sent again (same id, so
   * the server commits it once); one already sent is in the server's log, which the thread
   * loads anyway, so it is dropped rather than shown twice.
   */
  async restore(): Promise<void> {
    this.restored = true;
    if (this.tabs) {
      await (this.tabs.isLeader() ? this.tabs.takeOver() : this.tabs.mirror());
      return;
    }
    for (const item of await this.options.store.load()) {
      if (this.items.has(item.clientMessageId)) continue;
      if (item.status === 'sent') {
        void this.options.store.remove(item.clientMessageId);
        continue;
      }
      const restored = item.status === 'sending' ? { ...item, status: 'queued' as const } : item;
      this.items.set(item.clientMessageId, restored);
      this.changed(item.threadId);
    }
    this.kick();
  }

  /** The thread's items, oldest first; the same array until one of them changes. */
  list(threadId: string): readonly OutboxItem[] {
    let view = this.views.get(threadId);
    if (!view) {
      // Ties (two tabs writing in the same millisecond) break by id, so every tab agrees on the order.
      view = [...this.items.values()]
        .filter((item) => item.threadId === threadId)
        .sort((a, b) => a.createdAt - b.createdAt || (a.clientMessageId < b.clientMessageId ? -1 : 1));
      this.views.set(threadId, view);
    }
    return view;
  }

  get(clientMessageId: string): OutboxItem | undefined {
    return this.items.get(clientMessageId);
  }

  /**
   * Stores a new message (with its files' Blobs), then uploads its files and sends it.
   * Resolves once it is stored (safe from a reload). `clientMessageId`: a message that had its
   * id before it reached the outbox (the widget's first message, kept across a reload while its
   * conversation starts); the caller adds it only when {@link get} does not know it.
   */
  async add(input: {
    threadId: string;
    content: string;
    mentions?: string[];
    files?: readonly NewOutboxFile[];
    baseSeq: number | null;
    latestSeenSeq: number | null;
    clientMessageId?: string;
  }) {
    const files = (input.files ?? []).map((file, index): OutboxFile => ({
      key: `f${index}`,
      name: file.name,
      type: file.type,
      size: file.size,
      blob: file,
      attachmentId: null,
    }));
    const item: OutboxItem = {
      clientMessageId: input.clientMessageId || this.createId(),
      threadId: input.threadId,
      content: input.content,
      mentions: input.mentions ?? [],
      ...(files.length > 0 ? { files } : {}),
      baseSeq: input.baseSeq,
      latestSeenSeq: input.latestSeenSeq,
      createdAt: Math.max(this.options.environment.now(), this.latestCreatedAt(input.threadId) + 1),
      attempts: 0,
      nextAttemptAt: 0,
      status: 'queued',
      committed: null,
      error: null,
    };
    this.items.set(item.clientMessageId, item);
    this.changed(item.threadId);
    this.tabs?.storing.add(item.clientMessageId);
    try {
      await this.options.store.put(item);
    } finally {
      this.tabs?.storing.delete(item.clientMessageId);
    }
    this.tabs?.added(item);
    this.pump(item.threadId);
    return item;
  }

  private latestCreatedAt(threadId: string): number {
    return this.list(threadId).at(-1)?.createdAt ?? 0;
  }

  /** Tries a failed (or waiting) item again now, under the same id. */
  retry(clientMessageId: string): void {
    if (this.forward({ action: 'retry', clientMessageId })) return;
    const item = this.items.get(clientMessageId);
    if (!item || (item.status !== 'failed' && item.status !== 'queued')) return;
    this.update({ ...item, status: 'queued', attempts: 0, nextAttemptAt: 0, error: null });
    this.pump(item.threadId);
  }

  /**
   * Replaces the text of an unsent item. It gets a new id: the old one may have reached the
   * server. An item being sent is not edited (that could commit both texts). In a follower
   * tab the leader decides; the replacement shows once it has (this returns undefined).
   * `withoutFiles`: the replacement carries the text only (a file the server refused is dropped).
   */
  edit(
    clientMessageId: string,
    content: string,
    newClientMessageId: string = this.createId(),
    withoutFiles = false,
  ): OutboxItem | undefined {
    const item = this.items.get(clientMessageId);
    if (!item || item.status === 'sending' || item.status === 'sent') return undefined;
    if (this.forward({ action: 'edit', clientMessageId, content, newClientMessageId, withoutFiles })) return undefined;
    if (this.items.has(newClientMessageId)) return undefined;
    const next: OutboxItem = {
      ...item,
      clientMessageId: newClientMessageId,
      content,
      // Uploaded again: the old message may have reached the server and used the uploads.
      files: withoutFiles ? undefined : item.files?.map((file) => ({ ...file, attachmentId: null })),
      status: 'queued',
      attempts: 0,
      nextAttemptAt: 0,
      error: null,
    };
    this.items.set(next.clientMessageId, next);
    this.changed(next.threadId);
    // Stored before the old one is removed, and announced once stored: a leader that dies now loses neither.
    this.tabs?.storing.add(next.clientMessageId);
    void this.options.store.put(next).then(() => {
      this.tabs?.storing.delete(next.clientMessageId);
      this.tabs?.added(next);
    });
    this.forget(item);
    this.pump(next.threadId);
    return next;
  }

  /**
   * Drops an unsent item: not one whose message is being sent, but one whose files are still
   * uploading (the upload is cancelled). In a follower tab the leader decides.
   */
  discard(clientMessageId: string): void {
    if (this.forward({ action: 'discard', clientMessageId })) return;
    const item = this.items.get(clientMessageId);
    const upload = this.uploads.get(clientMessageId);
    if (upload) upload.abort();
    if (item && (item.status !== 'sending' || upload)) this.forget(item);
  }

  /** The log now holds this message: the optimistic copy goes (in every tab: it is committed). */
  confirm(clientMessageId: string): void {
    const item = this.items.get(clientMessageId);
    if (item) this.forget(item);
  }

  /** Sends whatever is due (on `online`, when the connection opens). */
  kick(): void {
    for (const threadId of new Set([...this.items.values()].map((item) => item.threadId))) this.pump(threadId);
  }

  stop(): void {
    this.stopped = true;
    this.abortUploads();
    this.unsubscribe();
    this.tabs?.stop();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- shared among tabs ---------------------------------------------------------------

  /** A follower hands retries, edits and discards to the leader (it knows what is in flight). */
  private forward(request: OutboxRequest): boolean {
    if (!this.tabs || this.sends() || this.stopped) return false;
    // A leader that is still taking over applies its own requests once it has.
    this.tabs.request(request);
    return true;
  }

  /** @internal Another tab stored a new item (or an edit's replacement). */
  receiveAdded(item: OutboxItem): void {
    if (this.stopped || this.items.has(item.clientMessageId)) return;
    this.tabs?.announce(item.clientMessageId);
    this.items.set(item.clientMessageId, item);
    this.changed(item.threadId);
    this.pump(item.threadId);
  }

  /** @internal The leader changed an item's state; a leader ignores late news from its predecessor. */
  receiveItem(item: OutboxItem): void {
    if (this.stopped || this.tabs?.isLeader()) return;
    this.items.set(item.clientMessageId, item);
    this.changed(item.threadId);
  }

  /** @internal Another tab removed the item (and the stored copy). */
  receiveRemoved(clientMessageId: string): void {
    const item = this.items.get(clientMessageId);
    if (this.stopped || !item) return;
    this.items.delete(clientMessageId);
    this.changed(item.threadId);
  }

  /** @internal A follower's request; false until this leader has taken over (the follower repeats it then). */
  applyRequest(request: OutboxRequest): boolean {
    if (!this.sends()) return false;
    if (request.action === 'retry') this.retry(request.clientMessageId);
    else if (request.action === 'discard') this.discard(request.clientMessageId);
    else this.edit(request.clientMessageId, request.content, request.newClientMessageId, request.withoutFiles);
    return true;
  }

  /** @internal */
  leadershipChanged(isLeader: boolean): void {
    if (this.stopped || !this.restored) return;
    if (isLeader) {
      void this.tabs?.takeOver();
      return;
    }
    this.tabs?.resign();
    // The new leader uploads what is left (from the start: an upload cut short is not resumed).
    this.abortUploads();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private abortUploads(): void {
    for (const upload of this.uploads.values()) upload.abort();
  }

  private forget(item: OutboxItem): void {
    if (this.stopped) return;
    this.items.delete(item.clientMessageId);
    this.changed(item.threadId);
    void this.options.store.remove(item.clientMessageId);
    this.tabs?.gone(item.clientMessageId);
  }

  /** @internal */
  update(item: OutboxItem): void {
    // A stopped outbox (the page is going away) must not overwrite what its successor stores.
    if (this.stopped || !this.items.has(item.clientMessageId)) return;
    this.items.set(item.clientMessageId, item);
    this.changed(item.threadId);
    void this.options.store.put(item);
    this.tabs?.changed(item);
  }

  /** @internal */
  changed(threadId: string): void {
    this.views.delete(threadId);
    this.options.onChange(threadId);
  }

  /** Sends the thread's oldest queued item, if it is due and nothing of the thread is in flight. */
  private pump(threadId: string): void {
    if (this.stopped || !this.sends() || this.inFlight.has(threadId)) return;
    const head = this.list(threadId).find((item) => item.status === 'queued' || item.status === 'sending');
    if (!head) return;
    const { environment } = this.options;
    if (!environment.isOnline()) return;
    const wait = head.nextAttemptAt - environment.now();
    if (wait > 0) {
      clearTimeout(this.timers.get(threadId));
      this.timers.set(
        threadId,
        setTimeout(() => {
          this.timers.delete(threadId);
          this.pump(threadId);
        }, wait),
      );
      return;
    }
    void this.attempt(head);
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const { threadId } = item;
    this.inFlight.add(threadId);
    this.update({ ...item, status: 'sending' });
    try {
      let attachmentIds: string[] | null = [];
      if (item.files) {
        // The upload loop loads with the first item that carries files (outbox-uploads.ts). Its
        // cancel is there before: a discard, a stop or a resignation while it loads cancels it too.
        const controller = new AbortController();
        this.uploads.set(item.clientMessageId, controller);
        attachmentIds = await import('./outbox-uploads.ts').then(
          (uploads) => uploads.uploadFiles(this, item, controller),
          () => {
            this.uploads.delete(item.clientMessageId);
            // A deploy replaced the chunk, or the network dropped: tried again like a failed send.
            throw new ApiError('network_error', 'The files could not be sent: part of the app did not load.', true);
          },
        );
      }
      // Discarded, or this tab stopped leading, while the files went up: the message is not this tab's to send.
      if (attachmentIds === null) return;
      const message = await this.options.send(threadId, {
        content: item.content,
        client_message_id: item.clientMessageId,
        mentions: item.mentions,
        base_seq: item.baseSeq,
        latest_seen_seq: item.latestSeenSeq,
        ...(attachmentIds.length > 0 ? { attachment_ids: attachmentIds } : {}),
      });
      // Leadership moved meanwhile: the new leader owns the item now (and sends it again under this id).
      const current = this.sends() ? this.items.get(item.clientMessageId) : undefined;
      if (current) {
        this.update({ ...current, status: 'sent', error: null, committed: { id: message.id, seq: message.thread_seq ?? 0 } });
      }
      if (!this.stopped) this.options.onSent(threadId, message);
    } catch (error) {
      const failure = ApiError.is(error) ? error : new ApiError('network_error', 'The message could not be sent.', true);
      const current = this.sends() ? this.items.get(item.clientMessageId) : undefined;
      if (current) {
        const attempts = current.attempts + 1;
        const error = { code: failure.code, message: failure.message, retryable: failure.retryable };
        if (failure.retryable) {
          const delay =
            failure.retryAfterMs ??
            backoffDelay(attempts - 1, this.options.environment.random, { baseMs: SEND_RETRY_BASE_MS, capMs: SEND_RETRY_CAP_MS });
          this.update({ ...current, status: 'queued', attempts, nextAttemptAt: this.options.environment.now() + delay, error });
        } else {
          this.update({ ...current, status: 'failed', attempts, error });
        }
      }
    } finally {
      this.inFlight.delete(threadId);
      this.pump(threadId);
    }
  }
}
