import type { ApiError } from '../api/api-error.ts';
import type { ThreadSource } from '../api/thread-source.ts';
import { backoffDelay } from '../connection/backoff.ts';
import type { Connection, ConnectionState } from '../connection/connection.ts';
import type { Environment } from '../environment/environment.ts';
import type { InboundEvent, InboundFrame, InboundMessage } from '../protocol/server-frame-schemas.ts';
import { entryFromEvent, entryFromMessage } from '../sync/log-entry.ts';
import { Outbox, type OutboxItem } from '../sync/outbox.ts';
import type { OutboxStore } from '../sync/outbox-store.ts';
import { PresenceState } from '../sync/presence-state.ts';
import { MAX_RUNS_PER_THREAD, reduceRun, runIdOf, type RunView } from '../sync/run-state.ts';
import { ThreadLog, WINDOW_SIZE } from '../sync/thread-log.ts';
import { TypingState } from '../sync/typing-state.ts';
import { buildTimeline, healthOf, type ThreadSnapshot } from './thread-snapshot.ts';

/** While the user keeps typing, `started` is sent again this often (the server expires it after 6 s). */
const TYPING_REFRESH_MS = 3_000;
/** A failed catch-up is retried after a backoff from this base (doubling, full jitter). */
const CATCH_UP_RETRY_BASE_MS = 1_000;

export interface SyncEngineOptions {
  connection: Connection;
  source: ThreadSource;
  outboxStore: OutboxStore;
  environment: Environment;
  /** The signed-in user's (or visitor's) sender id: their own typing and presence are not shown. */
  selfSenderId: string;
}

/** What happened in any thread, opened or not, for lists and notifications. */
export type Activity =
  | { kind: 'message'; threadId: string; message: InboundMessage }
  | { kind: 'event'; threadId: string; event: InboundEvent }
  | { kind: 'read'; threadId: string; readSeq: number }
  | { kind: 'error'; code: string; message: string; retryable: boolean; retryAfterMs: number | null };

/**
 * The sync engine: one connection, one reconciled log per opened thread, an outbox, and the
 * live state around them. React (or anything else) reads it through `subscribe` /
 * `getThreadSnapshot`; snapshots stay the same object until their thread changes, and
 * notifications are coalesced to at most one per animation frame.
 */
export class SyncEngine {
  private readonly logs = new Map<string, ThreadLog>();
  private readonly onScreen = new Set<string>();
  private readonly runs = new Map<string, Map<string, RunView>>();
  private readonly composing = new Map<string, number>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly catchUpAttempts = new Map<string, number>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly snapshots = new Map<string, ThreadSnapshot>();
  private readonly dirty = new Set<string>();
  private readonly threadListeners = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<() => void>();
  private readonly activityListeners = new Set<(activity: Activity) => void>();
  private readonly unsubscribers: (() => void)[] = [];
  private frameScheduled = false;
  private microtaskScheduled = false;
  private connectionState: ConnectionState;
  readonly typing: TypingState;
  readonly presence: PresenceState;
  readonly outbox: Outbox;

  constructor(private readonly options: SyncEngineOptions) {
    const changed = (threadId: string) => this.notify(threadId);
    this.typing = new TypingState(changed);
    this.presence = new PresenceState(changed);
    this.outbox = new Outbox({
      store: options.outboxStore,
      send: (threadId, body) => options.source.sendMessage(threadId, body),
      environment: options.environment,
      onChange: (threadId) => this.notify(threadId, true),
      onSent: (threadId, message) => this.receiveMessage(threadId, message),
    });
    this.connectionState = options.connection.getState();
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Restores the outbox and connects. */
  async start(): Promise<void> {
    const { connection } = this.options;
    this.unsubscribers.push(
      connection.onFrame((frame) => this.onFrame(frame)),
      connection.onOpen(({ reconnect }) => this.onOpen(reconnect)),
      connection.subscribe((state) => {
        this.connectionState = state;
        for (const threadId of this.logs.keys()) this.notify(threadId);
        this.notifyGlobal();
      }),
    );
    connection.start();
    await this.outbox.restore();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.options.connection.stop();
    this.outbox.stop();
    this.typing.clear();
  }

  /** "Retry now": skips the wait, or leaves `paused` / `failed`. */
  retryConnection(): void {
    const { connection } = this.options;
    if (this.connectionState.status === 'paused' || this.connectionState.status === 'failed') connection.resume();
    else connection.retryNow();
  }

  private onOpen(reconnect: boolean): void {
    // Presence is as old as the last connection: the server tells who is there on re-focus.
    this.presence.clear();
    for (const threadId of this.onScreen) this.options.connection.send({ type: 'focus_thread', data: { thread_id: threadId } });
    if (reconnect) for (const log of this.logs.values()) void log.verify();
    this.outbox.kick();
  }

  // ---- threads -------------------------------------------------------------------------

  private logOf(threadId: string): ThreadLog {
    let log = this.logs.get(threadId);
    if (!log) {
      log = new ThreadLog(threadId, {
        source: this.options.source,
        keepsClientIdOf: (senderId) => senderId === this.options.selfSenderId,
        onChange: () => this.notify(threadId, true),
        onError: (error) => this.scheduleCatchUp(threadId, error),
      });
      this.logs.set(threadId, log);
      this.options.connection.follow([...this.logs.keys()]);
    }
    return log;
  }

  /** Opens a thread on screen: its latest window loads, it is focused, and it stays live. */
  async openThread(threadId: string): Promise<void> {
    this.onScreen.add(threadId);
    this.options.connection.send({ type: 'focus_thread', data: { thread_id: threadId } });
    await this.logOf(threadId).open();
  }

  /** The thread leaves the screen: unfocused, and trimmed to its latest window (memory stays bounded). */
  closeThread(threadId: string): void {
    if (!this.onScreen.delete(threadId)) return;
    this.options.connection.send({ type: 'unfocus_thread', data: { thread_id: threadId } });
    this.setTyping(threadId, false);
    this.logs.get(threadId)?.trim(WINDOW_SIZE);
  }

  /** The highest seq applied in a thread: where a stream or poll for it resumes. */
  cursorOf(threadId: string): number {
    return this.logs.get(threadId)?.appliedSeq ?? 0;
  }

  loadOlder(threadId: string): Promise<void> {
    return this.logs.get(threadId)?.loadOlder() ?? Promise.resolve();
  }

  private scheduleCatchUp(threadId: string, error: ApiError): void {
    this.notify(threadId);
    if (!error.retryable || this.retryTimers.has(threadId)) return;
    const attempt = this.catchUpAttempts.get(threadId) ?? 0;
    this.catchUpAttempts.set(threadId, attempt + 1);
    const delay = error.retryAfterMs ?? backoffDelay(attempt, this.options.environment.random, { baseMs: CATCH_UP_RETRY_BASE_MS });
    this.retryTimers.set(
      threadId,
      setTimeout(() => {
        this.retryTimers.delete(threadId);
        void this.logs.get(threadId)?.verify().then(() => {
          if (this.logs.get(threadId)?.status === 'synced') this.catchUpAttempts.delete(threadId);
        });
      }, delay),
    );
  }

  // ---- composing and sending -------------------------------------------------------------

  /** Composing started: messages from others after this seq count as "new since you started". */
  startComposing(threadId: string): void {
    if (!this.composing.has(threadId)) {
      this.composing.set(threadId, this.logs.get(threadId)?.appliedSeq ?? 0);
      this.notify(threadId);
    }
  }

  stopComposing(threadId: string): void {
    if (this.composing.delete(threadId)) this.notify(threadId);
  }

  /** Sends typing signals, refreshed while typing continues and stopped once. */
  setTyping(threadId: string, typing: boolean): void {
    const sentAt = this.typingSentAt.get(threadId);
    if (typing) {
      const now = this.options.environment.now();
      if (sentAt !== undefined && now - sentAt < TYPING_REFRESH_MS) return;
      if (this.options.connection.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } })) {
        this.typingSentAt.set(threadId, now);
      }
    } else if (sentAt !== undefined) {
      this.typingSentAt.delete(threadId);
      this.options.connection.send({ type: 'typing', data: { thread_id: threadId, status: 'stopped' } });
    }
  }

  /** Sends a message: it shows at once, survives reloads, and is committed once. */
  async send(threadId: string, content: string, mentions: string[] = []): Promise<OutboxItem> {
    const appliedSeq = this.logs.get(threadId)?.appliedSeq ?? null;
    const baseSeq = this.composing.get(threadId) ?? appliedSeq;
    this.composing.delete(threadId);
    this.setTyping(threadId, false);
    return this.outbox.add({ threadId, content, mentions, baseSeq, latestSeenSeq: appliedSeq });
  }

  retry(clientMessageId: string): void {
    this.outbox.retry(clientMessageId);
  }

  edit(clientMessageId: string, content: string): OutboxItem | undefined {
    return this.outbox.edit(clientMessageId, content);
  }

  discard(clientMessageId: string): void {
    this.outbox.discard(clientMessageId);
  }

  // ---- frames --------------------------------------------------------------------------

  private receiveMessage(threadId: string, message: InboundMessage): void {
    const log = this.logs.get(threadId);
    if (log) {
      if (message.thread_seq !== undefined) log.receive(entryFromMessage(threadId, { ...message, thread_seq: message.thread_seq }));
      else log.receiveUnsequenced();
    }
    this.typing.set(threadId, message.sender_id, false);
    this.emit({ kind: 'message', threadId, message });
  }

  private receiveEvent(threadId: string, event: InboundEvent): void {
    const entry = entryFromEvent(threadId, event);
    this.logs.get(threadId)?.receive(entry);
    const runId = runIdOf(entry);
    if (runId && entry.kind === 'event') this.updateRun(threadId, runId, entry.type, entry.data);
    if (entry.kind === 'message') this.typing.set(threadId, entry.senderId, false);
    this.emit({ kind: 'event', threadId, event });
  }

  private onFrame(frame: InboundFrame): void {
    const self = this.options.selfSenderId;
    switch (frame.type) {
      case 'thread_message':
        this.receiveMessage(frame.thread_id, frame.data);
        return;
      case 'message_ack':
        if (frame.data.message.thread_id) this.receiveMessage(frame.data.message.thread_id, frame.data.message);
        return;
      case 'thread_event':
        this.receiveEvent(frame.thread_id, frame.data);
        return;
      case 'thread_typing':
        if (frame.data.sender_id !== self) this.typing.set(frame.thread_id, frame.data.sender_id, frame.data.status === 'started');
        return;
      case 'thread_presence':
        if (frame.data.sender_id !== self) this.presence.set(frame.thread_id, frame.data.sender_id, frame.data.status === 'focused');
        return;
      case 'thread_runtime': {
        const { event_type: eventType, run_id: runId } = frame.data;
        if (runId) this.updateRun(frame.thread_id, runId, eventType, frame.data);
        return;
      }
      case 'thread_read':
        this.emit({ kind: 'read', threadId: frame.thread_id, readSeq: frame.data.read_seq });
        return;
      case 'error':
        this.emit({
          kind: 'error',
          code: frame.data.code,
          message: frame.data.message,
          retryable: frame.data.retryable,
          retryAfterMs: frame.data.retry_after_ms ?? null,
        });
        return;
      case 'ready':
      case 'pong':
        return;
    }
  }

  private updateRun(threadId: string, runId: string, eventType: string, data: Record<string, unknown>): void {
    let runs = this.runs.get(threadId);
    if (!runs) this.runs.set(threadId, (runs = new Map()));
    const next = reduceRun(runs.get(runId), threadId, runId, eventType, data, this.options.environment.now());
    if (next === runs.get(runId)) return;
    runs.set(runId, next);
    if (runs.size > MAX_RUNS_PER_THREAD) {
      const oldestFinished = [...runs.values()].find((run) => run.finished);
      if (oldestFinished) runs.delete(oldestFinished.runId);
    }
    // Streamed text waits for the next frame (one notification per frame however fast it comes).
    this.notify(threadId, eventType !== 'text_delta');
  }

  // ---- reading -------------------------------------------------------------------------

  private emit(activity: Activity): void {
    for (const listener of this.activityListeners) listener(activity);
  }

  /** Every message, event, read and error of any thread, as it arrives. */
  onActivity(listener: (activity: Activity) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  /**
   * Marks a thread changed. Urgent changes (a committed message, a send, a run step) are
   * told at once, in a microtask, so they can paint in the current frame; the rest (streamed
   * text, typing, presence) is coalesced to the next animation frame.
   */
  private notify(threadId: string, urgent = false): void {
    this.dirty.add(threadId);
    if (urgent) this.scheduleMicrotask();
    else this.scheduleFrame();
  }

  private scheduleMicrotask(): void {
    if (this.microtaskScheduled) return;
    this.microtaskScheduled = true;
    queueMicrotask(() => {
      this.microtaskScheduled = false;
      this.flush();
    });
  }

  private notifyGlobal(): void {
    this.scheduleFrame();
  }

  private scheduleFrame(): void {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    this.options.environment.nextFrame(() => {
      this.frameScheduled = false;
      this.flush();
    });
  }

  /** Runs the pending notifications (tests may call it directly). */
  flush(): void {
    const threads = [...this.dirty];
    this.dirty.clear();
    for (const threadId of threads) {
      this.snapshots.delete(threadId);
      this.confirmCommitted(threadId);
    }
    for (const threadId of threads) for (const listener of this.threadListeners.get(threadId) ?? []) listener();
    for (const listener of this.listeners) listener();
  }

  /** Drops outbox items whose committed copy the log now holds. */
  private confirmCommitted(threadId: string): void {
    const pending = this.outbox.list(threadId);
    const log = this.logs.get(threadId);
    if (pending.length === 0 || !log) return;
    const waiting = new Set(pending.map((item) => item.clientMessageId));
    for (const entry of log.items) {
      const cmid = entry.kind === 'message' ? entry.clientMessageId : null;
      if (cmid && entry.senderId === this.options.selfSenderId && waiting.has(cmid)) this.outbox.confirm(cmid);
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeThread(threadId: string, listener: () => void): () => void {
    let set = this.threadListeners.get(threadId);
    if (!set) this.threadListeners.set(threadId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  getConnectionState(): ConnectionState {
    return this.connectionState;
  }

  /** The thread as the UI shows it; the same object until the thread changes. */
  getThreadSnapshot(threadId: string): ThreadSnapshot {
    let snapshot = this.snapshots.get(threadId);
    if (snapshot) return snapshot;
    const log = this.logs.get(threadId);
    const self = this.options.selfSenderId;
    const entries = log?.items ?? [];
    const baseSeq = this.composing.get(threadId);
    snapshot = {
      threadId,
      loaded: log?.isOpen ?? false,
      items: buildTimeline(entries, this.outbox.list(threadId), self),
      hasOlder: log?.hasOlder ?? false,
      loadingOlder: log?.isLoadingOlder ?? false,
      health: healthOf(log, this.connectionState),
      typing: this.typing.of(threadId),
      present: this.presence.of(threadId),
      runs: [...(this.runs.get(threadId)?.values() ?? [])],
      compose:
        baseSeq === undefined
          ? null
          : {
              baseSeq,
              newFromOthers: entries.filter((entry) => entry.kind === 'message' && entry.seq > baseSeq && entry.senderId !== self).length,
            },
    };
    this.snapshots.set(threadId, snapshot);
    return snapshot;
  }

  /** Dropped-frame and sync counters, for diagnostics. */
  get metrics() {
    return { invalidFrames: this.options.connection.invalidFrameCount, openThreads: this.logs.size };
  }
}
