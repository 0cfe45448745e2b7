import type Database from 'better-sqlite3';

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups the writes queued during one event-loop turn into one SQLite transaction, so
 * that one fsync-worthy COMMIT carries many small commits (messages, events).
 *
 * Each write runs inside its own savepoint, in queue order: a write that throws rolls
 * back alone and its caller gets its error, while the others commit. Callers learn their
 * outcome only after the shared COMMIT succeeds; if the COMMIT itself fails, every write
 * of the group is rejected with that error.
 */
export class GroupedWriter {
  private queued: QueuedWrite[] = [];

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` (synchronous, inside the shared transaction) in the next group. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Commits what is queued now (also called on close, so queued writes are not lost). */
  flush(): void {
    const writes = this.queued;
    this.queued = [];
    if (writes.length === 0) return;
    if (!this.db.open) {
      for (const write of writes) write.reject(new Error('The database is closed.'));
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const write of writes) {
          try {
            // A transaction inside a transaction is a savepoint in better-sqlite3.
            outcomes.push({ ok: true, value: this.db.transaction(write.work)() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }
}
