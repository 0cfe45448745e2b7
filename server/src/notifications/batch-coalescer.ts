/**
 * Joins the single-key requests made in one turn of the event loop into batch requests of at
 * most `maxBatch` keys: a busy thread wakes a thousand users' deliveries at once, and each of
 * them asks the storage the same questions at the same step (claim, queued items, settings,
 * read state, subscriptions, finish, release). Asked one by one that is a round trip per user
 * and question; joined it is a constant number per batch, while each user's delivery keeps its
 * own order and checks (each caller gets exactly its own answer).
 *
 * A batch that fails rejects every request in it with that error.
 */
export class BatchCoalescer<K, V> {
  private pending: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param run answers a batch: one value per key, in the order given.
   * @param maxBatch the most keys in one `run` (bounds a statement's size).
   */
  constructor(
    private readonly run: (keys: K[]) => Promise<V[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError(`maxBatch must be a whole number of at least 1, got ${maxBatch}.`);
  }

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the I/O callbacks of this turn: every delivery woken by the same event has asked by then.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending.splice(0);
    for (let start = 0; start < all.length; start += this.maxBatch) {
      const batch = all.slice(start, start + this.maxBatch);
      let answer: Promise<V[]>;
      try {
        answer = this.run(batch.map((request) => request.key));
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer
        .then(
          (values) => {
            if (values.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${values.length} answers`);
            batch.forEach((request, index) => request.resolve(values[index]!));
          },
          (error: unknown) => batch.forEach((request) => request.reject(error)),
        )
        .catch((error: unknown) => batch.forEach((request) => request.reject(error)));
    }
  }
}
