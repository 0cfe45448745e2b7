import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { InboxThreadSession } from '../session/inbox-thread-session.ts';
import type { ThreadSessionOptions } from '../session/thread-session.ts';
import type { NewOutboxFile, OutboxItem } from '../sync/outbox.ts';
import type { ThreadSummary } from './thread-summaries.ts';
import { SyncEngine } from './sync-engine.ts';

/**
 * The inbox's sync engine: a {@link SyncEngine} that can also show a thread at any message
 * (a search result) by reading the window around it in one request, and read on from there
 * both ways until it joins the live end (see `WindowedThreadLog`). The visitor widget uses
 * the plain engine and carries none of this, nor what only the inbox calls (notes, editing a
 * failed message, leaving a thread, read flushing, the thread list's summaries, counters).
 */
export class InboxSyncEngine extends SyncEngine {
  protected override newSession(threadId: string, options: ThreadSessionOptions): InboxThreadSession {
    return new InboxThreadSession(threadId, options);
  }

  private windowed(threadId: string): InboxThreadSession {
    return this.session(threadId) as InboxThreadSession;
  }

  /**
   * Opens a thread on screen: its latest window, or given `atSeq`, the window around that
   * message (see {@link showSeq}); it is focused and stays live.
   */
  override async openThread(threadId: string, atSeq?: number | null): Promise<void> {
    if (atSeq == null) return super.openThread(threadId);
    const session = this.windowed(threadId);
    // Read around the message first: the plain open then finds that read in flight.
    const opening = session.openAt(atSeq);
    await super.openThread(threadId);
    await opening;
  }

  /**
   * Shows the message at `seq` (a search result): when the thread's window does not hold it,
   * the window around it loads in one request; from there it grows both ways (`loadOlder`,
   * {@link loadNewer}) and joins the live end. Nothing is read when the window holds it.
   */
  showSeq(threadId: string, seq: number): Promise<void> {
    return this.windowed(threadId).openAt(seq);
  }

  /** A window opened around an older message: the page after it. */
  loadNewer(threadId: string): Promise<void> {
    return this.sessions.has(threadId) ? this.windowed(threadId).loadNewer() : Promise.resolve();
  }

  /** Back to the thread's newest events from a window opened around an older message. */
  jumpToLatest(threadId: string): Promise<void> {
    return this.windowed(threadId).jumpToLatest();
  }

  /** A detached window resumes a stream at the live end, not after the window. */
  override cursorOf(threadId: string): number {
    return this.sessions.has(threadId) ? this.windowed(threadId).resumeSeq : 0;
  }

  /** A message goes to the live end: from a window opened around an older one, back there first. */
  override send(threadId: string, content: string, mentions: string[] = [], files: readonly NewOutboxFile[] = []): Promise<OutboxItem> {
    const session = this.windowed(threadId);
    const sending = super.send(threadId, content, mentions, files);
    if (session.hasNewer) void session.jumpToLatest();
    return sending;
  }

  /**
   * A note was saved (`POST /notes`): its event goes into the log at once when the answer
   * carried it; otherwise the thread catches up from the server (the socket may also bring it).
   * Like a message, a note shows at the live end.
   */
  noteSaved(threadId: string, event: InboundEvent | null): void {
    if (this.sessions.has(threadId) && this.windowed(threadId).hasNewer) void this.jumpToLatest(threadId);
    if (event) this.receiveEvent(threadId, event);
    else void this.sessions.get(threadId)?.verify();
  }

  edit(clientMessageId: string, content: string): OutboxItem | undefined {
    return this.outbox.edit(clientMessageId, content);
  }

  /** The thread leaves the screen: unfocused, and trimmed to its latest window (memory stays bounded). */
  closeThread(threadId: string): void {
    const session = this.sessions.get(threadId) as InboxThreadSession | undefined;
    if (!session?.onScreen) return;
    session.onScreen = false;
    this.options.connection.send({ type: 'unfocus_thread', data: { thread_id: threadId } });
    this.setTyping(threadId, false);
    session.trim();
  }

  /** Reports a waiting read of `threadId` now (the thread is left, or the tab came back). */
  flushRead(threadId: string): void {
    this.reads?.flush(threadId);
  }

  /** Drops a waiting read of `threadId` (its newest message left the screen, or the tab was hidden, before the delay). */
  cancelRead(threadId: string): void {
    this.reads?.cancel(threadId);
  }

  /** What the engine has seen of a thread, opened or not (for the thread list). */
  getThreadSummary(threadId: string): ThreadSummary {
    return this.summaries.get(threadId);
  }

  /** Dropped-frame and sync counters, for diagnostics. */
  get metrics() {
    return {
      invalidFrames: this.options.connection.invalidFrameCount,
      invalidRuntimeData: this.invalidRuntimeData,
      invalidEventData: this.invalidEventData,
      openThreads: this.followed().length,
    };
  }
}
