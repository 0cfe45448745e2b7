import { POLL_LIMIT_MAX } from '../protocol/limits.ts';
import type { LogEntry } from './log-entry.ts';
import { ThreadLog, toApiError } from './thread-log.ts';

/**
 * Events read in the one request that opens a thread around a message (a search result):
 * the most one poll answers (CONTRACT §5), {@link AROUND_BEFORE} of them before the message.
 */
export const AROUND_SIZE = POLL_LIMIT_MAX;
export const AROUND_BEFORE = AROUND_SIZE / 2;
/** Events per page read towards the live end: a reader far behind it gets there in few requests. */
export const NEWER_PAGE_SIZE = POLL_LIMIT_MAX;

/**
 * The inbox's thread log: a {@link ThreadLog} that can also open around an older message
 * (a search result). Such a window is *detached*: it ends before the live end. Live events
 * past it are not held (they would be a gap) and a catch-up has nothing to fill; the window
 * grows towards the end page by page ({@link loadNewer}) and, once a page reaches the end,
 * joins the live log and catches up from where it ends, so nothing is missed or doubled.
 * (A class of its own so that the visitor widget, which never does this, does not carry it.)
 */
export class WindowedThreadLog extends ThreadLog {
  private loadingNewer: Promise<void> | null = null;
  /** The around-open in flight, so asking again for the same message sends nothing more. */
  private around: { seq: number; promise: Promise<void> } | null = null;

  get isLoadingNewer(): boolean {
    return this.loadingNewer !== null;
  }

  /**
   * Where a live stream of this thread resumes: what is applied, or for a detached window,
   * the newest seq known (the window's own end would replay everything after it).
   */
  get resumeSeq(): number {
    return this.detached ? Math.max(this.appliedSeq, this.serverSeq) : this.appliedSeq;
  }

  override open(): Promise<void> {
    // Opening around a message: that is the window this open gets.
    return this.around ? this.around.promise : super.open();
  }

  override receive(entry: LogEntry): void {
    if (this.detached && this.based && entry.seq > this.appliedSeq + 1) {
      // Past the window: loadNewer reads it when the reader gets there.
      if (entry.seq > this.serverSeq) this.serverSeq = entry.seq;
      return;
    }
    super.receive(entry);
  }

  override catchUp(): Promise<void> {
    if (!this.detached || !this.based) return super.catchUp();
    // Nothing to fill: the window grows by loadNewer, and catches up once it reaches the end.
    this.lastError = null;
    this.setStatus('synced');
    return Promise.resolve();
  }

  protected override reset(): void {
    super.reset();
    this.detached = false;
    this.loadingNewer = null;
    this.around = null;
  }

  /** A thread off screen keeps its latest window: a detached one is dropped for it. */
  override trim(max: number): void {
    if (this.detached) void this.reload();
    else super.trim(max);
  }

  /**
   * Holds the window around `seq`, read in one request: {@link AROUND_BEFORE} events before it
   * and the rest of {@link AROUND_SIZE} from it on, clamped to the log; the thread's `last_seq`
   * is asked at the same time. A window that ends before the live end is detached. A message
   * past the end opens the latest window instead.
   */
  openAround(seq: number): Promise<void> {
    if (this.around?.seq === seq) return this.around.promise;
    this.reset();
    this.detached = true;
    const generation = this.generation;
    this.setStatus('loading');
    const from = Math.max(0, seq - AROUND_BEFORE - 1);
    const promise = (async () => {
      try {
        const [last, page] = await Promise.all([
          this.options.source.lastSeq(this.threadId),
          this.options.source.pollEvents(this.threadId, from, AROUND_SIZE),
        ]);
        if (generation !== this.generation) return;
        const entries = this.entriesIn(page.events, from);
        this.serverSeq = Math.max(this.serverSeq, last ?? 0, entries.at(-1)?.seq ?? 0);
        if (entries[0]?.seq !== from + 1) {
          // Nothing there (the message is past the end): the latest window, as a plain open.
          this.detached = false;
          this.around = null;
          return await this.open();
        }
        this.appliedSeq = from;
        this.windowStart = from + 1;
        this.entries = [];
        this.based = true;
        this.pending.clear();
        this.apply(entries);
        if (!page.has_more) return await this.attach();
        this.lastError = null;
        this.setStatus('synced');
      } catch (error) {
        if (generation === this.generation) this.fail(error);
      }
    })().finally(() => {
      if (this.around?.promise === promise) this.around = null;
    });
    this.around = { seq, promise };
    return promise;
  }

  /** Detached: loads the page after the window; the page that reaches the end attaches it. */
  loadNewer(): Promise<void> {
    if (!this.based || !this.detached) return Promise.resolve();
    if (this.loadingNewer) return this.loadingNewer;
    const generation = this.generation;
    const after = this.appliedSeq;
    this.loadingNewer = (async () => {
      try {
        const page = await this.options.source.pollEvents(this.threadId, after, NEWER_PAGE_SIZE);
        if (generation !== this.generation || this.appliedSeq !== after) return;
        const newer = this.entriesIn(page.events, after);
        for (const entry of newer) if (entry.seq > this.serverSeq) this.serverSeq = entry.seq;
        if (newer.length > 0) this.apply(newer);
        if (!page.has_more) {
          this.loadingNewer = null;
          await this.attach();
        }
      } catch (error) {
        if (generation === this.generation) this.options.onError?.(toApiError(error));
      }
    })().finally(() => {
      if (generation === this.generation) this.loadingNewer = null;
      this.changed();
    });
    this.changed();
    return this.loadingNewer;
  }

  /** Back to the live end: a detached window is dropped and the latest window opens. */
  jumpToLatest(): Promise<void> {
    return this.detached ? this.reload() : this.open();
  }

  /** The window reached the live end: it is live again, and catches up on what came meanwhile. */
  private attach(): Promise<void> {
    this.detached = false;
    this.changed();
    return this.catchUp();
  }
}
