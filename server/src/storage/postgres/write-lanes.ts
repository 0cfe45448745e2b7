import postgres from 'postgres';

/** Connection settings shared by the pool and the lanes (everything but the pool size). */
export type ConnectionOptions = Omit<postgres.Options<Record<string, postgres.PostgresType>>, 'max'>;

/**
 * Single-connection "lanes" for appends to the log. A thread always writes through the same
 * lane, and one connection runs its statements in the order they were sent, so the appends
 * of one thread commit in call order (contract rule 2) while the driver pipelines them:
 * many statements in flight on one connection without waiting for each answer. Threads are
 * spread over the lanes, so busy threads do not queue behind each other.
 */
export class WriteLanes {
  private readonly lanes: postgres.Sql[];

  constructor(url: string, count: number, options: ConnectionOptions) {
    this.lanes = Array.from({ length: count }, () => postgres(url, { ...options, max: 1 }));
  }

  /** The lane of a thread (FNV-1a of its id). */
  for(threadId: string): postgres.Sql {
    let hash = 0x811c9dc5;
    for (let index = 0; index < threadId.length; index++) hash = Math.imul(hash ^ threadId.charCodeAt(index), 0x01000193);
    return this.lanes[(hash >>> 0) % this.lanes.length]!;
  }

  /** Waits for the statements in flight, then closes every lane. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.end()));
  }
}
