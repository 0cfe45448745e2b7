/** Reads are reported at most this often per thread while new messages keep arriving. */
export const MARK_READ_DELAY_MS = 400;

/**
 * How the tabs of one user tell each other that a thread was read (read-sync.ts today): the
 * server echoes a read only to the user's connections, and may skip the reader's own.
 */
export interface ReadsBroadcaster {
  /** Tells the other tabs: `threadId` is read up to `readSeq`. */
  publish(threadId: string, readSeq: number): void;
  /** Calls back for each read another tab publishes; returns the unsubscribe function. */
  onRead(listener: (threadId: string, readSeq: number) => void): () => void;
  /** Leaves for good (the engine stops). */
  close?(): void;
}

/** What the engine gives its read marker. */
export interface ReadTarget {
  /** The read position known for a thread (from any source): nothing at or below it is reported. */
  readSeqOf(threadId: string): number;
  /** Moves the thread's read position forward (the engine's summary: the thread list follows it). */
  apply(threadId: string, readSeq: number): void;
}

export interface ReadMarkerOptions extends ReadTarget {
  /** Tells the server (`PUT .../read`); absent: nothing to tell (the visitor widget keeps its own). */
  save?(threadId: string, readSeq: number): Promise<unknown>;
  /** The other tabs; absent or null: a single tab. */
  reads?: ReadsBroadcaster | null;
}

/**
 * Marks threads read for the engine, once per position: a mark waits {@link MARK_READ_DELAY_MS}
 * (later marks in the meantime only move its position), then moves the read position once,
 * tells the other tabs, and tells the server. Reads heard from other tabs move the position
 * too; the server's echo of one already applied changes nothing (forward only).
 */
export class ReadMarker {
  private readonly pending = new Map<string, { seq: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ReadMarkerOptions) {
    this.unsubscribe = options.reads?.onRead((threadId, readSeq) => options.apply(threadId, readSeq)) ?? (() => undefined);
  }

  /** `threadId` has been read up to `seq` on screen: reported after the delay, unless cancelled. */
  mark(threadId: string, seq: number): void {
    if (seq <= this.options.readSeqOf(threadId)) return;
    const waiting = this.pending.get(threadId);
    if (waiting) {
      waiting.seq = Math.max(waiting.seq, seq);
      return;
    }
    this.pending.set(threadId, { seq, timer: setTimeout(() => this.flush(threadId), MARK_READ_DELAY_MS) });
  }

  /** Reports the waiting mark of `threadId` now (the thread is left, or the tab came back). */
  flush(threadId: string): void {
    const waiting = this.take(threadId);
    if (waiting === null || waiting <= this.options.readSeqOf(threadId)) return;
    this.options.apply(threadId, waiting);
    this.options.reads?.publish(threadId, waiting);
    this.options.save?.(threadId, waiting).catch(() => {
      // Not fatal: the count is corrected by the next list refresh.
    });
  }

  /** Drops the waiting mark of `threadId` (the newest message left the screen before the delay). */
  cancel(threadId: string): void {
    this.take(threadId);
  }

  stop(): void {
    for (const threadId of [...this.pending.keys()]) this.take(threadId);
    this.unsubscribe();
    this.options.reads?.close?.();
  }

  private take(threadId: string): number | null {
    const waiting = this.pending.get(threadId);
    if (!waiting) return null;
    clearTimeout(waiting.timer);
    this.pending.delete(threadId);
    return waiting.seq;
  }
}

/**
 * The engine's read marker with these tabs and this server (`SyncEngineOptions.reads`). A
 * factory, so an engine without one (the visitor widget's) ships none of this.
 */
export const readMarker =
  (options: Omit<ReadMarkerOptions, keyof ReadTarget>) =>
  (target: ReadTarget): ReadMarker =>
    new ReadMarker({ ...options, ...target });
