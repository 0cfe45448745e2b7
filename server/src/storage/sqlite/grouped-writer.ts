import type Database from 'better-sqlite3';

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Thrown inside the fast pass to roll back its whole transaction when one write failed. */
class WriteFailed extends Error {}

/**
 * Groups the writes queued during one event-loop turn into one SQLite transaction, so
 * that one fsync-worthy COMMIT carries many small commits (messages, events).
 *
 * A write that throws rolls back alone and its caller gets its error, while the others
 * commit. Writes nearly never fail, so a group first runs without per-write savepoints
 * (each costs a statement journal); only when one of its writes throws is that attempt
 * rolled back and the group run again, in queue order, each write inside its own savepoint.
 * A write's `work` may therefore run twice: it must change nothing but the database.
 * Callers learn their outcome only after the shared COMMIT succeeds; if the COMMIT itself
 * fails, every write of the group is rejected with that error.
 */
export class GroupedWriter {
  private queued: QueuedWrite[] = [];

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` (synchronous, inside the shared transaction, side effects in the database only) in the next group. */
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
    let outcomes: Outcome[];
    try {
      outcomes = this.runFast(writes) ?? this.runIsolated(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Every write in one transaction, no savepoints; null (and nothing committed) when one of them threw. */
  private runFast(writes: readonly QueuedWrite[]): Outcome[] | null {
    try {
      return this.db.transaction(() =>
        writes.map((write): Outcome => {
          try {
            return { ok: true, value: write.work() };
          } catch {
            throw new WriteFailed();
          }
        }),
      )();
    } catch (error) {
      if (error instanceof WriteFailed) return null;
      throw error;
    }
  }

  /** Every write in its own savepoint: a failing one rolls back alone. */
  private runIsolated(writes: readonly QueuedWrite[]): Outcome[] {
    return this.db.transaction(() =>
      writes.map((write): Outcome => {
        try {
          // A transaction inside a transaction is a savepoint in better-sqlite3.
          return { ok: true, value: this.db.transaction(write.work)() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    )();
  }
}
