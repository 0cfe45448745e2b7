import postgres from 'postgres';
import { AppendFailed, appendGroup, BUSY, type LogWrite, type WriteOutcome } from './append-group.ts';

/** Connection settings shared by the pool and the lanes (everything but the pool size). */
export type ConnectionOptions = Omit<postgres.Options<Record<string, postgres.PostgresType>>, 'max'>;

/**
 * Connections on which the threads left out of a lane's group (another transaction held
 * their row) wait for their lock, each thread in a statement of its own, so that a thread
 * waiting long (on a stalled process) holds up no other. With more threads waiting at once
 * than connections, the driver queues the rest behind them (each wait ends within the
 * session's `lock_timeout`).
 */
export const WAITING_CONNECTIONS = 4;

/** The index of a thread's home lane among `count` lanes (FNV-1a of its id). */
export function homeLane(threadId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < threadId.length; index++) hash = Math.imul(hash ^ threadId.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % count;
}

interface QueuedWrite {
  write: LogWrite;
  resolve: (value: WriteOutcome | null) => void;
  reject: (error: unknown) => void;
}

/** Writes committed one group at a time: a lane (any threads, never waiting for a lock) or one waiting thread. */
interface WriteQueue {
  queued: QueuedWrite[];
  /** The group being committed, if any; the next group waits for it. */
  running: Promise<void> | null;
  /** The lane's own connection; none for a waiting thread (it uses the waiting connections). */
  sql: postgres.Sql | null;
}

/** Where a thread's writes go while some are queued or running, and how many there are. */
interface Placement {
  queue: WriteQueue;
  pending: number;
}

/**
 * Grouped appends to the log, the PostgreSQL counterpart of SQLite's grouped writer. Each
 * lane is one connection; a thread writes through its home lane (FNV-1a of its id).
 *
 * The appends queued while a lane is busy (or during one event-loop turn) commit together in
 * one statement ({@link appendGroup}), so one WAL flush carries many commits, no transaction
 * outlives the statement, and one queue committing them in order keeps the appends of a
 * thread in call order (contract rule 2). A failing write fails alone; callers learn their
 * outcome when their group has committed.
 *
 * A lane's statement never waits for a lock: a thread whose row another transaction holds
 * (another process committing to it, or one stalled mid-transaction) is left out of the
 * group, and it and its later writes wait for the lock on their own, on one of
 * {@link WAITING_CONNECTIONS}, until they are through; then the thread is back on its lane.
 * So a stalled holder delays only the threads it holds. A thread's writes are never in two
 * queues at once, so its order holds.
 */
export class WriteLanes {
  private readonly lanes: WriteQueue[];
  private readonly waitingSql: postgres.Sql;
  private readonly placements = new Map<string, Placement>();
  private closing: Promise<void> | undefined;

  constructor(url: string, count: number, options: ConnectionOptions) {
    this.lanes = Array.from({ length: count }, () => ({ sql: postgres(url, { ...options, max: 1 }), queued: [], running: null }));
    this.waitingSql = postgres(url, { ...options, max: WAITING_CONNECTIONS });
  }

  /** Commits `write` in the next group of its thread's queue: its seq (and facts), or null when nothing was inserted. */
  run(write: LogWrite): Promise<WriteOutcome | null> {
    const threadId = write.thread_id;
    const placement = this.placements.get(threadId) ?? { queue: this.lanes[homeLane(threadId, this.lanes.length)]!, pending: 0 };
    this.placements.set(threadId, placement);
    placement.pending++;
    const settled = () => {
      if (--placement.pending === 0) this.placements.delete(threadId);
    };
    return new Promise<WriteOutcome | null>((resolve, reject) => {
      this.enqueue(placement.queue, {
        write,
        resolve: (value) => (settled(), resolve(value)),
        reject: (error) => (settled(), reject(error)),
      });
    });
  }

  private enqueue(queue: WriteQueue, queued: QueuedWrite): void {
    queue.queued.push(queued);
    if (queue.queued.length === 1 && queue.running === null) setImmediate(() => this.drain(queue));
  }

  /** Commits groups until the queue is empty. */
  private drain(queue: WriteQueue): void {
    if (queue.running !== null || queue.queued.length === 0) return;
    const group = queue.queued;
    queue.queued = [];
    queue.running = this.commitGroup(queue, group).finally(() => {
      queue.running = null;
      this.drain(queue);
    });
  }

  private async commitGroup(queue: WriteQueue, group: QueuedWrite[]): Promise<void> {
    let outcomes;
    try {
      outcomes = await appendGroup(
        queue.sql ?? this.waitingSql,
        group.map((queued) => queued.write),
        queue.sql === null,
      );
    } catch (error) {
      // The statement or the connection failed: nothing of the group is known to be stored.
      for (const queued of group) queued.reject(error);
      return;
    }
    const busy: QueuedWrite[] = [];
    group.forEach((queued, index) => {
      const outcome = outcomes[index]!;
      if (outcome === BUSY) busy.push(queued);
      else if (outcome instanceof AppendFailed) queued.reject(outcome);
      else queued.resolve(outcome);
    });
    if (busy.length > 0) this.wait(queue, busy);
  }

  /** Moves the threads left out of a lane's group, and their writes queued since, each to a queue of its own that waits for the lock. */
  private wait(lane: WriteQueue, busy: QueuedWrite[]): void {
    const threads = new Map<string, WriteQueue>();
    for (const queued of busy) {
      const threadId = queued.write.thread_id;
      let waiting = threads.get(threadId);
      if (!waiting) {
        waiting = { queued: [], running: null, sql: null };
        threads.set(threadId, waiting);
        this.placements.get(threadId)!.queue = waiting;
      }
      waiting.queued.push(queued);
    }
    const staying: QueuedWrite[] = [];
    for (const queued of lane.queued) (threads.get(queued.write.thread_id)?.queued ?? staying).push(queued);
    lane.queued = staying;
    for (const waiting of threads.values()) this.drain(waiting);
  }

  /** Commits what is queued, then closes every connection (once, however often it is called). */
  close(): Promise<void> {
    return (this.closing ??= this.closeLanes());
  }

  private async closeLanes(): Promise<void> {
    for (;;) {
      const queues = new Set([...this.lanes, ...[...this.placements.values()].map((placement) => placement.queue)]);
      for (const queue of queues) this.drain(queue);
      const running = [...queues].flatMap((queue) => (queue.running ? [queue.running] : []));
      if (running.length === 0) break;
      await Promise.all(running);
    }
    await Promise.all([...this.lanes.map((lane) => lane.sql!.end()), this.waitingSql.end()]);
  }
}
