import postgres from 'postgres';

/** Connection settings shared by the pool and the lanes (everything but the pool size). */
export type ConnectionOptions = Omit<postgres.Options<Record<string, postgres.PostgresType>>, 'max'>;

/** One append: a single statement run inside the lane's shared transaction. */
export type LaneWork<T> = (tx: postgres.TransactionSql) => Promise<T>;

interface QueuedWrite {
  work: LaneWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Lane {
  sql: postgres.Sql;
  queued: QueuedWrite[];
  /** The group being committed, if any; the next group waits for it. */
  running: Promise<void> | null;
}

/** A write of the group failed: the group's transaction is rolled back and retried without it. */
class FailedWrite extends Error {
  constructor(
    readonly index: number,
    readonly reason: unknown,
  ) {
    super('a write of the group failed');
  }
}

/**
 * Grouped, pipelined appends to the log, the PostgreSQL counterpart of SQLite's grouped
 * writer. Each lane is one connection; a thread always writes through the same lane.
 *
 * The appends queued while a lane is busy (or during one event-loop turn) commit together:
 * BEGIN, every statement sent at once without waiting for answers (pipelined), COMMIT; so
 * one WAL flush carries many commits, and one connection running them in order keeps the
 * appends of a thread in call order (contract rule 2). If a statement fails, the whole
 * group is rolled back and run again without it, so that write fails alone; callers learn
 * their outcome only when their group has committed (or, for the failed one, after the
 * others did).
 */
export class WriteLanes {
  private readonly lanes: Lane[];
  private closing: Promise<void> | undefined;

  constructor(url: string, count: number, options: ConnectionOptions) {
    this.lanes = Array.from({ length: count }, () => ({ sql: postgres(url, { ...options, max: 1 }), queued: [], running: null }));
  }

  /** Runs `work` in the next group of the thread's lane. */
  run<T>(threadId: string, work: LaneWork<T>): Promise<T> {
    const lane = this.laneOf(threadId);
    return new Promise<T>((resolve, reject) => {
      lane.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (lane.queued.length === 1 && lane.running === null) setImmediate(() => this.drain(lane));
    });
  }

  /** The lane of a thread (FNV-1a of its id). */
  private laneOf(threadId: string): Lane {
    let hash = 0x811c9dc5;
    for (let index = 0; index < threadId.length; index++) hash = Math.imul(hash ^ threadId.charCodeAt(index), 0x01000193);
    return this.lanes[(hash >>> 0) % this.lanes.length]!;
  }

  /** Commits groups until the lane's queue is empty. */
  private drain(lane: Lane): void {
    if (lane.running !== null || lane.queued.length === 0) return;
    const group = lane.queued;
    lane.queued = [];
    lane.running = this.commitGroup(lane.sql, group).finally(() => {
      lane.running = null;
      this.drain(lane);
    });
  }

  private async commitGroup(sql: postgres.Sql, group: QueuedWrite[]): Promise<void> {
    let pending = group;
    const failed: { write: QueuedWrite; reason: unknown }[] = [];
    for (;;) {
      try {
        const values = await sql.begin(async (tx) => {
          const settled = await Promise.allSettled(pending.map((write) => write.work(tx)));
          // The first failure in order is the real one: the statements after it only saw an aborted transaction.
          const index = settled.findIndex((outcome) => outcome.status === 'rejected');
          if (index >= 0) throw new FailedWrite(index, (settled[index] as PromiseRejectedResult).reason);
          return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
        });
        pending.forEach((write, index) => write.resolve(values[index]));
        break;
      } catch (error) {
        if (!(error instanceof FailedWrite)) {
          // The COMMIT or the connection failed: nothing of the group is known to be stored.
          for (const write of pending) write.reject(error);
          break;
        }
        failed.push({ write: pending[error.index]!, reason: error.reason });
        pending = pending.filter((_, index) => index !== error.index);
        if (pending.length === 0) break;
      }
    }
    // After the others committed, so that a repeat of a message in the same group finds it stored.
    for (const { write, reason } of failed) write.reject(reason);
  }

  /** Commits what is queued, then closes every lane (once, however often it is called). */
  close(): Promise<void> {
    return (this.closing ??= this.closeLanes());
  }

  private async closeLanes(): Promise<void> {
    for (const lane of this.lanes) {
      this.drain(lane);
      while (lane.running !== null) await lane.running;
    }
    await Promise.all(this.lanes.map((lane) => lane.sql.end()));
  }
}
