import type { ThreadSource } from '../api/thread-source.ts';
import type { Connection, ConnectionState } from '../connection/connection.ts';
import { emit } from '../connection/emit.ts';
import type { Environment } from '../environment/environment.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';
import { ThreadSession, type ThreadSessionOptions } from '../session/thread-session.ts';
import type { ThreadSnapshot } from '../session/thread-snapshot.ts';
import { Outbox, type NewOutboxFile, type OutboxItem, type UploadOutboxFile } from '../sync/outbox.ts';
import type { OutboxStore } from '../sync/outbox-store.ts';
import type { OutboxSharing } from '../sync/outbox-tabs.ts';
import { routeFrame, type FrameTarget } from './frame-router.ts';
import { IdleSessions } from './idle-sessions.ts';
import { NotifyScheduler } from './notify-scheduler.ts';
import type { ReadMarker, ReadTarget } from './read-marker.ts';
import { ThreadSummaries, type ThreadSummary } from './thread-summaries.ts';

/** While the user keeps typing, `started` is sent again this often (the server expires it after 6 s). */
const TYPING_REFRESH_MS = 3_000;

export interface SyncEngineOptions {
  connection: Connection;
  source: ThreadSource;
  outboxStore: OutboxStore;
  environment: Environment;
  /** The signed-in user's (or visitor's) sender id: their own typing and presence are not shown. */
  selfSenderId: string;
  /**
   * The user's tabs share one outbox (`shareOutbox(hub)`: the hub's `outbox` topic); null or
   * absent: a single tab (it sends its own outbox). The hub is not owned.
   */
  sharedOutbox?: OutboxSharing | null;
  /**
   * Makes the engine's read marker (`readMarker(...)` of read-marker.ts: the other tabs and
   * the server); absent: `markRead` does nothing (the visitor widget keeps its own read position).
   */
  reads?: ((target: ReadTarget) => ReadMarker) | null;
  /** Uploads a message's files (CONTRACT §13) before it is sent; absent: a message with files fails in words. */
  upload?: UploadOutboxFile;
}

/** What happened in any thread, opened or not, for lists and notifications. */
export type Activity =
  | { kind: 'message'; threadId: string; message: InboundMessage }
  | { kind: 'event'; threadId: string; event: InboundEvent }
  | { kind: 'read'; threadId: string; readSeq: number }
  /** The thread's summary changed (a new message, seq or read position), deduplicated by seq. */
  | { kind: 'summary'; threadId: string; summary: ThreadSummary }
  /**
   * [ext] The thread is gone (CONTRACT §14: `thread_deleted`, or a `404` on a thread the client
   * knew): lists drop it, its sends and drafts are dropped. Told once per thread.
   */
  | { kind: 'deleted'; threadId: string }
  | { kind: 'error'; code: string; message: string; retryable: boolean; retryAfterMs: number | null };

/**
 * The sync engine: one connection, one {@link ThreadSession} per thread, an outbox. It
 * routes each frame to its thread's session, which applies it; a {@link NotifyScheduler}
 * then tells the listeners (React reads through `subscribe` / `getThreadSnapshot`).
 * Snapshots stay the same object until their thread changes. A session nothing listens
 * to is freed after `IDLE_SESSION_TTL_MS` (see {@link IdleSessions}).
 */
export class SyncEngine implements FrameTarget {
  protected readonly sessions = new Map<string, ThreadSession>();
  private readonly threadListeners = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<() => void>();
  private readonly activityListeners = new Set<(activity: Activity) => void>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly scheduler: NotifyScheduler;
  private connectionState: ConnectionState;
  /** @internal Runtime steps and durable events dropped or kept as unknown for bad data (InboxSyncEngine.metrics). */
  invalidRuntimeData = 0;
  /** @internal */
  invalidEventData = 0;
  protected readonly summaries: ThreadSummaries;
  private readonly idle = new IdleSessions((threadId) => this.free(threadId));
  protected readonly reads: ReadMarker | null;
  readonly outbox: Outbox;
  /** Threads that are gone (CONTRACT §14); kept for the session, so a late frame cannot bring one back. */
  private readonly deletedThreads = new Set<string>();

  constructor(protected readonly options: SyncEngineOptions) {
    this.summaries = new ThreadSummaries(options.selfSenderId);
    this.scheduler = new NotifyScheduler(options.environment, (threads) => this.deliver(threads));
    this.outbox = new Outbox({
      store: options.outboxStore,
      send: (threadId, body) => options.source.sendMessage(threadId, body),
      environment: options.environment,
      onChange: (threadId) => this.session(threadId).outboxChanged(),
      onSent: (threadId, message) => this.receiveMessage(threadId, message),
      tabs: options.sharedOutbox ?? null,
      upload: options.upload,
    });
    this.connectionState = options.connection.getState();
    this.reads =
      options.reads?.({
        readSeqOf: (threadId) => this.summaries.get(threadId).readSeq,
        apply: (threadId, readSeq) => this.applyRead(threadId, readSeq),
      }) ?? null;
  }

  /** @internal The thread's session, created on first use. */
  session(threadId: string): ThreadSession {
    let session = this.sessions.get(threadId);
    if (!session) {
      session = this.newSession(threadId, {
        source: this.options.source,
        environment: this.options.environment,
        outbox: this.outbox,
        selfSenderId: this.options.selfSenderId,
        connectionState: () => this.connectionState,
        onChange: (urgency) => this.scheduler.thread(threadId, urgency === 'now'),
        onFirstOpen: () => this.options.connection.follow(this.followed()),
        onGone: () => this.threadDeleted(threadId),
      });
      if (this.deletedThreads.has(threadId)) session.markDeleted();
      this.sessions.set(threadId, session);
      if (!this.threadListeners.get(threadId)?.size) this.idle.idle(threadId);
    }
    return session;
  }

  /** Makes a thread's session (the inbox's can also open around a message). */
  protected newSession(threadId: string, options: ThreadSessionOptions): ThreadSession {
    return new ThreadSession(threadId, options);
  }

  /**
   * Drops an idle thread's session and its listener set: using the thread again reads it
   * anew from the server, as a thread never opened. The thread on screen and one with sends
   * pending are kept.
   */
  private free(threadId: string): boolean {
    if (this.threadListeners.get(threadId)?.size) return false;
    const session = this.sessions.get(threadId);
    if (session && (session.onScreen || this.outbox.list(threadId).length > 0)) return false;
    this.threadListeners.delete(threadId);
    if (!session) return true;
    session.stop();
    this.sessions.delete(threadId);
    // A per-thread transport stops following it.
    if (session.hasLog) this.options.connection.follow(this.followed());
    return true;
  }

  /** Threads whose log is held: the ones a per-thread transport follows. */
  protected followed(): string[] {
    return [...this.sessions.values()].filter((session) => session.hasLog && !session.deleted).map((session) => session.threadId);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Restores the outbox and connects. */
  async start(): Promise<void> {
    const { connection } = this.options;
    this.unsubscribers.push(
      connection.onFrame((frame) => routeFrame(frame, this)),
      connection.onOpen(() => this.onOpen()),
      connection.subscribe((state) => {
        this.connectionState = state;
        for (const session of this.sessions.values()) if (session.hasLog) session.connectionChanged();
        this.scheduler.global();
      }),
    );
    connection.start();
    await this.outbox.restore();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const session of this.sessions.values()) session.stop();
    this.idle.stop();
    this.options.connection.stop();
    this.outbox.stop();
    this.reads?.stop();
  }

  /** "Retry now": skips the wait, or leaves `paused` / `failed`. */
  retryConnection(): void {
    const { connection } = this.options;
    if (this.connectionState.status === 'paused' || this.connectionState.status === 'failed') connection.resume();
    else connection.retryNow();
  }

  private onOpen(): void {
    // Presence is as old as the last connection: the server tells who is there on re-focus.
    for (const session of this.sessions.values()) {
      session.clearPresence();
      if (session.onScreen) this.options.connection.send({ type: 'focus_thread', data: { thread_id: session.threadId } });
      // Also on the first connection: a thread read before the socket was subscribed may
      // have had a commit in between, which neither the read nor the socket carries.
      void session.verify();
    }
    this.outbox.kick();
  }

  // ---- threads -------------------------------------------------------------------------

  /** Opens a thread on screen: its latest window loads, it is focused, and it stays live. */
  async openThread(threadId: string): Promise<void> {
    const session = this.session(threadId);
    session.onScreen = true;
    this.options.connection.send({ type: 'focus_thread', data: { thread_id: threadId } });
    await session.open();
  }

  /** The highest seq applied in a thread: where a stream or poll for it resumes. */
  cursorOf(threadId: string): number {
    return this.sessions.get(threadId)?.appliedSeq ?? 0;
  }

  loadOlder(threadId: string): Promise<void> {
    return this.sessions.get(threadId)?.loadOlder() ?? Promise.resolve();
  }

  // ---- composing and sending -------------------------------------------------------------

  /** Composing started: messages from others after this seq count as "new since you started". */
  startComposing(threadId: string): void {
    this.session(threadId).startComposing();
  }

  stopComposing(threadId: string): void {
    this.sessions.get(threadId)?.stopComposing();
  }

  /** Sends typing signals, refreshed while typing continues and stopped once. */
  setTyping(threadId: string, typing: boolean): void {
    const session = this.session(threadId);
    const now = this.options.environment.now();
    if (!session.shouldSendTyping(typing, now, TYPING_REFRESH_MS)) return;
    if (
      this.options.connection.send({ type: 'typing', data: { thread_id: threadId, status: typing ? 'started' : 'stopped' } }) ||
      !typing
    ) {
      session.typingSent(typing ? now : undefined);
    }
  }

  /** Sends a message: it shows at once, survives reloads, and is committed once. */
  async send(threadId: string, content: string, mentions: string[] = [], files: readonly NewOutboxFile[] = []): Promise<OutboxItem> {
    const { baseSeq, latestSeenSeq } = this.session(threadId).takeBaseSeq();
    this.setTyping(threadId, false);
    return this.outbox.add({ threadId, content, mentions, files, baseSeq, latestSeenSeq });
  }

  retry(clientMessageId: string): void {
    this.outbox.retry(clientMessageId);
  }

  discard(clientMessageId: string): void {
    this.outbox.discard(clientMessageId);
  }

  // ---- frames --------------------------------------------------------------------------

  /** @internal */
  receiveMessage(threadId: string, message: InboundMessage): void {
    if (this.deletedThreads.has(threadId)) return;
    this.session(threadId).applyMessage(message);
    this.emit({ kind: 'message', threadId, message });
    this.summarize(
      threadId,
      this.summaries.message(threadId, {
        seq: message.thread_seq ?? null,
        senderId: message.sender_id,
        content: message.content,
        createdAt: message.created_at ?? null,
      }),
    );
  }

  /** @internal */
  receiveEvent(threadId: string, event: InboundEvent): void {
    if (this.deletedThreads.has(threadId)) return;
    if (event.event_type === 'thread_deleted') {
      this.emit({ kind: 'event', threadId, event });
      this.threadDeleted(threadId);
      return;
    }
    const entry = this.session(threadId).applyEvent(event);
    // It keeps its seq (the log is dense) but shows as an unknown event; counted like a bad frame.
    if (entry.kind === 'event' && entry.body.type === 'other' && entry.body.invalid) this.invalidEventData++;
    this.emit({ kind: 'event', threadId, event });
    this.summarize(
      threadId,
      entry.kind === 'message'
        ? this.summaries.message(threadId, { seq: entry.seq, senderId: entry.senderId, content: entry.content, createdAt: entry.createdAt })
        : this.summaries.seq(threadId, entry.seq),
    );
  }

  private summarize(threadId: string, summary: ThreadSummary | null): void {
    if (summary) this.emit({ kind: 'summary', threadId, summary });
  }

  /**
   * The thread is gone (CONTRACT §14): a `thread_deleted` arrived (live, from another tab, or
   * after a reconnect), the server answered `404` for it, or this user erased it. Its session
   * reads nothing more and its snapshot says `deleted`; its sends waiting in the outbox and a
   * read waiting to be reported are dropped; the listeners hear `deleted` once.
   */
  threadDeleted(threadId: string): void {
    if (this.deletedThreads.has(threadId)) return;
    this.deletedThreads.add(threadId);
    this.reads?.cancel(threadId);
    for (const item of this.outbox.list(threadId)) this.outbox.discard(item.clientMessageId);
    const session = this.session(threadId);
    const followed = session.hasLog;
    session.markDeleted();
    if (followed) this.options.connection.follow(this.followed());
    this.emit({ kind: 'deleted', threadId });
  }

  /** Whether the thread is gone (see {@link threadDeleted}). */
  isThreadDeleted(threadId: string): boolean {
    return this.deletedThreads.has(threadId);
  }

  // ---- reading -------------------------------------------------------------------------

  /**
   * A read position told by the server (`thread_read`), by this tab, or by another tab of
   * the user: the summary moves forward only, so applying one twice changes nothing.
   */
  applyRead(threadId: string, readSeq: number): void {
    this.emit({ kind: 'read', threadId, readSeq });
    this.summarize(threadId, this.summaries.read(threadId, readSeq));
  }

  /**
   * This tab has shown `threadId` up to `seq` (its newest message on screen, the tab visible):
   * after a short delay the read position moves once (the thread list follows), the other
   * tabs are told, and the server.
   */
  markRead(threadId: string, seq: number): void {
    this.reads?.mark(threadId, seq);
  }

  /** @internal One listener that throws is reported (rethrown apart) and does not keep the others from hearing. */
  emit(activity: Activity): void {
    emit(this.activityListeners, activity);
  }

  /** Every message, event, read and error of any thread, as it arrives. */
  onActivity(listener: (activity: Activity) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  /** Tells the listeners of the threads that changed, then the global ones. */
  private deliver(threads: readonly string[]): void {
    for (const threadId of threads) for (const listener of this.threadListeners.get(threadId) ?? []) listener();
    for (const listener of this.listeners) listener();
  }

  /** Tells pending notifications now instead of at the next microtask or frame (tests). Changes no state. */
  flush(): void {
    this.scheduler.flush();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeThread(threadId: string, listener: () => void): () => void {
    let set = this.threadListeners.get(threadId);
    if (!set) this.threadListeners.set(threadId, (set = new Set()));
    set.add(listener);
    this.idle.busy(threadId);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.threadListeners.get(threadId) === set) this.idle.idle(threadId);
    };
  }

  getConnectionState(): ConnectionState {
    return this.connectionState;
  }

  /** The thread as the UI shows it; the same object until the thread changes. */
  getThreadSnapshot(threadId: string): ThreadSnapshot {
    return this.session(threadId).getSnapshot();
  }
}
