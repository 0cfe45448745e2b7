import type { ApiError } from '../api/api-error.ts';
import type { ThreadSource } from '../api/thread-source.ts';
import { backoffDelay } from '../connection/backoff.ts';
import type { ConnectionState } from '../connection/connection.ts';
import type { Environment } from '../environment/environment.ts';
import type { RuntimeStep } from '../protocol/runtime-steps.ts';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';
import { entryFromEvent, entryFromMessage, type LogEntry } from '../sync/log-entry.ts';
import type { Outbox } from '../sync/outbox.ts';
import { ThreadRuns } from '../runs/thread-runs.ts';
import { PresenceState } from '../sync/presence-state.ts';
import { ThreadLog, type ThreadLogOptions } from '../sync/thread-log.ts';
import { TypingState } from '../sync/typing-state.ts';
import { readTimeline } from '../timeline/build-timeline.ts';
import { healthOf, type ThreadSnapshot } from './thread-snapshot.ts';

/** A failed catch-up is retried after a backoff from this base (doubling, full jitter). */
export const CATCH_UP_RETRY_BASE_MS = 1_000;

/** How urgently a change should reach the screen (see `NotifyScheduler`). */
export type ChangeUrgency = 'now' | 'frame';

export interface ThreadSessionOptions {
  source: ThreadSource;
  environment: Environment;
  outbox: Outbox;
  selfSenderId: string;
  connectionState: () => ConnectionState;
  /** The session changed: its snapshot is new. */
  onChange: (urgency: ChangeUrgency) => void;
  /** The log was created: the connection should follow this thread. */
  onFirstOpen: () => void;
  /** The server no longer has the thread (`404` on reading it): it was deleted (CONTRACT §14). */
  onGone?: () => void;
}

/**
 * Everything true about one thread: its reconciled log, its runs, its outbox view, who is
 * typing and viewing, composing, catch-up and retry state. State changes only when a frame
 * or an answer is applied; {@link getSnapshot} derives one immutable snapshot from it,
 * the same object until something changed.
 */
export class ThreadSession {
  protected log: ThreadLog | null = null;
  /** Its runs, kept reduced from the live frames and the log as they arrive. */
  private readonly runs: ThreadRuns;
  private readonly typing = new TypingState(() => this.changed('frame'));
  private readonly presence = new PresenceState(() => this.changed('frame'));
  private composingBase: number | undefined;
  private typingSentAt: number | undefined;
  private catchUpAttempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshot: ThreadSnapshot | null = null;
  onScreen = false;
  /** The thread was deleted (CONTRACT §14): it takes nothing more and reads nothing more. */
  deleted = false;

  constructor(
    readonly threadId: string,
    private readonly options: ThreadSessionOptions,
  ) {
    this.runs = this.newRuns();
  }

  /** Keeps the thread's runs (the inbox's also make the runs only the log tells about). */
  protected newRuns(): ThreadRuns {
    return new ThreadRuns(this.threadId);
  }

  /** Makes the thread's log (the inbox's can also open around a message). */
  protected newLog(options: ThreadLogOptions): ThreadLog {
    return new ThreadLog(this.threadId, options);
  }

  /** The log, created (and followed) on first use. */
  protected logOf(): ThreadLog {
    if (!this.log) {
      this.log = this.newLog({
        source: this.options.source,
        keepsClientIdOf: (senderId) => senderId === this.options.selfSenderId,
        onChange: () => this.logChanged(),
        onError: (error) => this.scheduleCatchUp(error),
      });
      this.options.onFirstOpen();
    }
    return this.log;
  }

  get hasLog(): boolean {
    return this.log !== null;
  }

  get appliedSeq(): number {
    return this.log?.appliedSeq ?? 0;
  }

  open(): Promise<void> {
    if (this.deleted) return Promise.resolve();
    return this.logOf().open();
  }

  loadOlder(): Promise<void> {
    return this.log?.loadOlder() ?? Promise.resolve();
  }

  /** After a reconnect: checks the server's `last_seq` and catches up (or reloads). */
  verify(): Promise<void> {
    if (this.deleted) return Promise.resolve();
    return this.log?.verify() ?? Promise.resolve();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.typing.clear();
  }

  /** The thread was deleted: no retries, no typing or presence; the snapshot says `deleted`. */
  markDeleted(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.stop();
    this.presence.clear();
    this.changed('now');
  }

  // ---- applying what arrived ---------------------------------------------------------------

  applyMessage(message: InboundMessage): void {
    if (this.deleted) return;
    if (this.log) {
      if (message.thread_seq !== undefined)
        this.log.receive(entryFromMessage(this.threadId, { ...message, thread_seq: message.thread_seq }));
      else this.log.receiveUnsequenced();
    }
    this.typing.set(this.threadId, message.sender_id, false);
  }

  applyEvent(event: InboundEvent): LogEntry {
    const entry = entryFromEvent(this.threadId, event);
    if (this.deleted) return entry;
    this.log?.receive(entry);
    if (entry.kind === 'message') this.typing.set(this.threadId, entry.senderId, false);
    return entry;
  }

  /** A live runtime step; one with no run id belongs to the thread's current run. */
  applyRuntime(frame: RuntimeStep): void {
    if (!this.runs.applyFrame(frame, this.options.environment.now(), this.log?.items ?? [])) return;
    // Streamed text waits for the next frame (one notification per frame however fast it comes).
    this.changed(frame.step.type === 'text' ? 'frame' : 'now');
  }

  applyTyping(senderId: string, started: boolean): void {
    if (senderId !== this.options.selfSenderId) this.typing.set(this.threadId, senderId, started);
  }

  applyPresence(senderId: string, focused: boolean): void {
    if (senderId !== this.options.selfSenderId) this.presence.set(this.threadId, senderId, focused);
  }

  /** Presence is as old as the last connection: the server tells who is there on re-focus. */
  clearPresence(): void {
    this.presence.clear();
  }

  /** The outbox changed for this thread (a send, a failure, a confirmation). */
  outboxChanged(): void {
    this.changed('now');
  }

  connectionChanged(): void {
    this.changed('frame');
  }

  private logChanged(): void {
    if (this.log) this.runs.applyLog(this.log.items);
    this.confirmCommitted();
    this.changed('now');
  }

  /** Drops outbox items whose committed copy the log now holds. */
  private confirmCommitted(): void {
    const pending = this.options.outbox.list(this.threadId);
    if (pending.length === 0 || !this.log) return;
    const waiting = new Set(pending.map((item) => item.clientMessageId));
    for (const entry of this.log.items) {
      const cmid =
        entry.kind === 'message'
          ? entry.clientMessageId
          : entry.body.type === 'note_added'
            ? (entry.body.data.client_message_id ?? null)
            : null;
      if (cmid && entry.senderId === this.options.selfSenderId && waiting.has(cmid)) this.options.outbox.confirm(cmid);
    }
  }

  private changed(urgency: ChangeUrgency): void {
    this.snapshot = null;
    this.options.onChange(urgency);
  }

  private scheduleCatchUp(error: ApiError): void {
    this.changed('frame');
    // A thread the server does not have (any more) is gone, not unreachable: no retries.
    if (error.status === 404 || error.code === 'not_found') {
      this.options.onGone?.();
      return;
    }
    if (!error.retryable || this.retryTimer) return;
    const attempt = this.catchUpAttempts++;
    const delay = error.retryAfterMs ?? backoffDelay(attempt, this.options.environment.random, { baseMs: CATCH_UP_RETRY_BASE_MS });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.log?.verify().then(() => {
        if (this.log?.status === 'synced') this.catchUpAttempts = 0;
      });
    }, delay);
  }

  // ---- composing -----------------------------------------------------------------------------

  /** Composing started: messages from others after this seq count as "new since you started". */
  startComposing(): void {
    if (this.composingBase !== undefined) return;
    this.composingBase = this.appliedSeq;
    this.changed('frame');
  }

  stopComposing(): void {
    if (this.composingBase === undefined) return;
    this.composingBase = undefined;
    this.changed('frame');
  }

  /** Where a send starts from: composing's base, else what is applied; composing ends. */
  takeBaseSeq(): { baseSeq: number | null; latestSeenSeq: number | null } {
    const latestSeenSeq = this.log ? this.log.appliedSeq : null;
    const baseSeq = this.composingBase ?? latestSeenSeq;
    this.composingBase = undefined;
    return { baseSeq, latestSeenSeq };
  }

  /** Records a typing signal sent; false when the last one is recent enough (refreshed at most every `refreshMs`). */
  shouldSendTyping(typing: boolean, now: number, refreshMs: number): boolean {
    if (typing) return this.typingSentAt === undefined || now - this.typingSentAt >= refreshMs;
    return this.typingSentAt !== undefined;
  }

  typingSent(at: number | undefined): void {
    this.typingSentAt = at;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The thread as the UI shows it; the same object until the thread changes. */
  getSnapshot(): ThreadSnapshot {
    if (this.snapshot) return this.snapshot;
    const log = this.log ?? undefined;
    const self = this.options.selfSenderId;
    const entries = log?.items ?? [];
    // A window that ends before the live end shows none of what happens there: no sends
    // waiting, no runs under way (they would look like the window's last words).
    const live = !log?.detached;
    const timeline = readTimeline({
      entries,
      outbox: live ? this.options.outbox.list(this.threadId) : [],
      runs: this.runs.all,
      selfSenderId: self,
      live,
    });
    const baseSeq = this.composingBase;
    this.snapshot = {
      threadId: this.threadId,
      loaded: log?.isOpen ?? false,
      items: timeline.items,
      hasOlder: log?.hasOlder ?? false,
      loadingOlder: log?.isLoadingOlder ?? false,
      hasNewer: !live,
      health: healthOf(log, this.options.connectionState()),
      typing: this.typing.of(this.threadId),
      present: this.presence.of(this.threadId),
      runs: timeline.runs,
      deleted: this.deleted,
      compose:
        baseSeq === undefined
          ? null
          : {
              baseSeq,
              newFromOthers: entries.filter((entry) => entry.kind === 'message' && entry.seq > baseSeq && entry.senderId !== self).length,
            },
    };
    return this.snapshot;
  }
}
