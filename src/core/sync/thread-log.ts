import { ApiError } from '../api/api-error.ts';
import type { ThreadSource } from '../api/thread-source.ts';
import { POLL_LIMIT_MAX } from '../protocol/limits.ts';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { deletedMessageId, entryFromEvent, erasedMessage, type LogEntry } from './log-entry.ts';

/** Events fetched when a thread opens, and per "load older" page (CONTRACT §5 dense windows). */
export const WINDOW_SIZE = 50;
/** Out-of-order events held while a gap is being filled; past this the catch-up refetches them. */
const MAX_PENDING = 2_000;

export type LogStatus = 'idle' | 'loading' | 'catching_up' | 'synced' | 'failed';

export interface ThreadLogOptions {
  source: ThreadSource;
  /**
   * Whose messages keep their `client_message_id` (the user's own, to hand over optimistic
   * copies). Others' are dropped on apply: a held event should cost as little as it can.
   */
  keepsClientIdOf?: (senderId: string) => boolean;
  /** Called after every change to what the log holds or its status. */
  onChange: () => void;
  /** Called once per catch-up failure, with the error (the engine decides about retries). */
  onError?: (error: ApiError) => void;
}

/**
 * One thread's copy of the server's dense event log (CONTRACT §5).
 *
 * Holds a contiguous window of entries, `windowStart..appliedSeq`. An event at
 * `appliedSeq + 1` is applied at once; one at or below `appliedSeq` is a duplicate and
 * dropped (unless its identity differs: then the server's log was replaced, and the
 * thread reloads); one further ahead is held back while a single catch-up through the
 * poll endpoint fills the gap. Whatever order events come in, the entries end up equal
 * to the server's log: every seq once, in order, no hole. (The inbox's `WindowedThreadLog`
 * can also hold a window that ends before the live end.)
 */
export class ThreadLog {
  appliedSeq = 0;
  /** The highest seq the server is known to have (from frames, pages and `last_seq`). */
  serverSeq = 0;
  windowStart = 1;
  status: LogStatus = 'idle';
  lastError: ApiError | null = null;
  /** The window ends before the live end (see `WindowedThreadLog`); never here. */
  detached = false;
  /** Bumped on every change, so snapshots can be cached per version. */
  version = 0;

  /** Mutated in place; readers get {@link items}, a copy made once per version. */
  protected entries: LogEntry[] = [];
  protected itemsCache: readonly LogEntry[] | null = null;
  protected readonly pending = new Map<number, LogEntry>();
  protected catching: Promise<void> | null = null;
  protected opening: Promise<void> | null = null;
  protected catchUpAgain = false;
  protected loadingOlder: Promise<void> | null = null;
  /** One string per sender id: thousands of messages from a few senders share them. */
  private readonly senders = new Map<string, string>();
  /**
   * Messages a `message_deleted` erased (CONTRACT §14), kept across reloads: a copy of one
   * that arrives later (an older page, a poll answer sent before the deletion) reads as deleted too.
   */
  private readonly deletedIds = new Set<string>();
  /** Opened: the base window is known, so gaps can be filled from `appliedSeq`. */
  protected based = false;
  protected generation = 0;

  constructor(
    readonly threadId: string,
    protected readonly options: ThreadLogOptions,
  ) {}

  /** The held entries, oldest first: one array per version, so a snapshot can keep it. */
  get items(): readonly LogEntry[] {
    return (this.itemsCache ??= this.entries.slice());
  }

  get size(): number {
    return this.entries.length;
  }

  get hasOlder(): boolean {
    return this.windowStart > 1;
  }

  get isLoadingOlder(): boolean {
    return this.loadingOlder !== null;
  }

  get isOpen(): boolean {
    return this.based;
  }

  entryAt(seq: number): LogEntry | undefined {
    return seq >= this.windowStart && seq <= this.appliedSeq ? this.entries[seq - this.windowStart] : undefined;
  }

  protected changed(): void {
    this.version++;
    this.itemsCache = null;
    this.options.onChange();
  }

  protected setStatus(status: LogStatus): void {
    if (this.status !== status) {
      this.status = status;
      this.changed();
    }
  }

  /**
   * Opens the thread at its latest window: `last_seq - WINDOW_SIZE` onwards. A server that
   * cannot tell `last_seq` is read from the start, keeping only the latest window.
   */
  open(): Promise<void> {
    if (this.based) return this.catchUp();
    this.opening ??= this.load().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  /** The server's last seq of the thread; undefined once the log has failed because it could not be read. */
  private async lastSeq(): Promise<number | null | undefined> {
    try {
      return await this.options.source.lastSeq(this.threadId);
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  protected async load(): Promise<void> {
    const generation = this.generation;
    this.setStatus('loading');
    const last = await this.lastSeq();
    if (last === undefined) return;
    if (generation !== this.generation) return;
    const start = last === null ? 0 : Math.max(0, last - WINDOW_SIZE);
    this.appliedSeq = start;
    this.windowStart = start + 1;
    this.serverSeq = Math.max(this.serverSeq, last ?? 0);
    this.entries = [];
    this.based = true;
    // Live events that arrived while we asked are in `pending`; drop what the window starts after.
    for (const seq of this.pending.keys()) if (seq <= start) this.pending.delete(seq);
    await this.catchUp();
    if (last === null) this.trim(WINDOW_SIZE);
  }

  /** Takes one event from any source. Never throws. */
  receive(entry: LogEntry): void {
    if (entry.seq > this.serverSeq) this.serverSeq = entry.seq;
    if (!this.based) {
      // Not opened yet: hold it until the window is known.
      this.hold(entry);
      return;
    }
    if (entry.seq <= this.appliedSeq) {
      const held = this.entryAt(entry.seq);
      if (held && held.key !== entry.key) this.diverged();
      return;
    }
    if (entry.seq === this.appliedSeq + 1) {
      this.apply([entry]);
      return;
    }
    this.hold(entry);
    void this.catchUp();
  }

  /**
   * A message arrived without a seq (a seed-only server's `thread_message`): it cannot be
   * placed, so the log catches up instead of inserting it blindly.
   */
  receiveUnsequenced(): void {
    if (this.based) void this.catchUp();
  }

  protected hold(entry: LogEntry): void {
    if (this.pending.size >= MAX_PENDING) this.pending.clear();
    this.pending.set(entry.seq, entry);
    this.changed();
  }

  private compact(entry: LogEntry): LogEntry {
    const deleted = deletedMessageId(entry);
    if (deleted !== null) this.eraseMessage(deleted);
    else if (entry.kind === 'message' && (entry.deleted || this.deletedIds.has(entry.id))) entry = erasedMessage(entry);
    const sender = this.senders.get(entry.senderId);
    if (sender === undefined) this.senders.set(entry.senderId, entry.senderId);
    else entry.senderId = sender;
    const keeps = this.options.keepsClientIdOf;
    if (entry.kind === 'message' && entry.clientMessageId !== null && keeps && !keeps(entry.senderId)) entry.clientMessageId = null;
    return entry;
  }

  /**
   * Folds a `message_deleted` into the log: the message keeps its seq and reads as deleted
   * (no content, no files), so the log stays dense and a reload, which reads the original
   * event with `content: ""` and `data.deleted`, shows the same.
   */
  private eraseMessage(messageId: string): void {
    this.deletedIds.add(messageId);
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const held = this.entries[index]!;
      if (held.kind !== 'message' || held.id !== messageId) continue;
      this.entries[index] = erasedMessage(held);
      return;
    }
  }

  /** Applies contiguous entries, then whatever held-back ones now follow. */
  protected apply(batch: LogEntry[]): void {
    const next = this.entries;
    for (const entry of batch) {
      if (entry.seq !== this.appliedSeq + 1) continue;
      next.push(this.compact(entry));
      this.appliedSeq = entry.seq;
      this.pending.delete(entry.seq);
    }
    for (let held = this.pending.get(this.appliedSeq + 1); held; held = this.pending.get(this.appliedSeq + 1)) {
      next.push(this.compact(held));
      this.appliedSeq = held.seq;
      this.pending.delete(held.seq);
    }
    if (this.pending.size > 0) for (const seq of this.pending.keys()) if (seq <= this.appliedSeq) this.pending.delete(seq);
    this.changed();
  }

  /**
   * Fetches everything after `appliedSeq`, page by page until `has_more` is false. Single
   * flight: a call during a catch-up makes that one go round again instead of starting a
   * second, so a gap seen mid-way is filled too.
   */
  catchUp(): Promise<void> {
    if (!this.based) return Promise.resolve();
    if (this.catching) {
      this.catchUpAgain = true;
      return this.catching;
    }
    const generation = this.generation;
    this.setStatus('catching_up');
    this.catching = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          for (;;) {
            const page = await this.options.source.pollEvents(this.threadId, this.appliedSeq, POLL_LIMIT_MAX);
            if (generation !== this.generation) return;
            const entries = page.events.map((event) => entryFromEvent(this.threadId, event));
            for (const entry of entries) if (entry.seq > this.serverSeq) this.serverSeq = entry.seq;
            const before = this.appliedSeq;
            const fresh = entries.filter((entry) => entry.seq > this.appliedSeq).sort((a, b) => a.seq - b.seq);
            if (fresh.length > 0) this.apply(fresh);
            for (const entry of entries) {
              const held = this.entryAt(entry.seq);
              if (held && held.key !== entry.key) {
                this.diverged();
                return;
              }
            }
            // A page that moved nothing forward cannot be paged past: stop instead of looping.
            if (!page.has_more || this.appliedSeq === before) break;
          }
        } while (this.catchUpAgain);
        this.lastError = null;
        this.setStatus(this.pending.size > 0 ? 'catching_up' : 'synced');
      } catch (error) {
        if (generation === this.generation) this.fail(error);
      }
    })().finally(() => {
      this.catching = null;
    });
    return this.catching;
  }

  /**
   * Checks the server still has the log we hold (after every connect): a `last_seq` below
   * `appliedSeq` means its database was reset, and the thread reloads; otherwise catch up.
   */
  async verify(): Promise<void> {
    if (!this.based) {
      // An open in flight may have read the log before the caller's new subscription: read on from where it ends.
      const opening = this.opening;
      await this.open();
      if (opening && this.based) await this.catchUp();
      return;
    }
    const last = await this.lastSeq();
    if (last === undefined) return;
    if (last !== null && last < this.appliedSeq) return this.reload();
    if (last !== null && last > this.serverSeq) this.serverSeq = last;
    return this.catchUp();
  }

  /** Drops everything held and opens again from the server's current log. */
  reload(): Promise<void> {
    this.reset();
    this.serverSeq = 0;
    this.changed();
    return this.open();
  }

  /** Drops the window and every request in flight (their answers are then ignored). */
  protected reset(): void {
    this.generation++;
    this.based = false;
    this.entries = [];
    this.pending.clear();
    this.appliedSeq = 0;
    this.windowStart = 1;
    this.catching = null;
    this.opening = null;
    this.catchUpAgain = false;
    this.loadingOlder = null;
  }

  private diverged(): void {
    void this.reload();
  }

  /** Loads the page before the window: seqs `windowStart - WINDOW_SIZE .. windowStart - 1`. */
  loadOlder(): Promise<void> {
    if (!this.based || this.windowStart <= 1) return Promise.resolve();
    if (this.loadingOlder) return this.loadingOlder;
    const generation = this.generation;
    const end = this.windowStart - 1;
    const from = Math.max(0, end - WINDOW_SIZE);
    this.changed();
    this.loadingOlder = (async () => {
      try {
        const page = await this.options.source.pollEvents(this.threadId, from, end - from);
        if (generation !== this.generation || this.windowStart - 1 !== end) return;
        const older = this.entriesIn(page.events, from, end);
        // Keep only the run that ends right before the window, so the window stays contiguous.
        let take = 0;
        while (take < older.length && older[older.length - 1 - take]!.seq === end - take) take++;
        const run = older.slice(older.length - take);
        if (run.length === 0) return;
        this.entries = [...run.map((entry) => this.compact(entry)), ...this.entries];
        this.windowStart = run[0]!.seq;
      } catch (error) {
        if (generation === this.generation) this.options.onError?.(toApiError(error));
      }
    })().finally(() => {
      this.loadingOlder = null;
      this.changed();
    });
    return this.loadingOlder;
  }

  /** Keeps only the latest `max` entries: a thread that is not on screen holds one window. */
  trim(max: number): void {
    const excess = this.entries.length - max;
    if (excess <= 0) return;
    this.entries.splice(0, excess);
    this.windowStart += excess;
    this.changed();
  }

  /** A page's events with seqs in (`after`, `upTo`], as entries in seq order. */
  protected entriesIn(events: readonly InboundEvent[], after: number, upTo = Infinity): LogEntry[] {
    return events
      .map((event) => entryFromEvent(this.threadId, event))
      .filter((entry) => entry.seq > after && entry.seq <= upTo)
      .sort((a, b) => a.seq - b.seq);
  }

  protected fail(error: unknown): void {
    this.lastError = toApiError(error);
    this.options.onError?.(this.lastError);
    this.setStatus('failed');
  }
}

export function toApiError(error: unknown): ApiError {
  if (ApiError.is(error)) return error;
  return new ApiError('invalid_response', error instanceof Error ? error.message : 'unexpected failure', true);
}
