interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A map for cached reads, bounded in size and age: at most `maxEntries` entries (the least
 * recently used goes first) and each entry expires `ttlMs` after it was stored. Loads that
 * race with an invalidation cannot put an old value back: {@link load} stores what it read
 * only if nothing was deleted or cleared while it was reading.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Bumped by every delete and clear: a load that started before one does not store its result. */
  private generation = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new Error(`maxEntries must be a whole number of at least 1, got ${maxEntries}`);
    if (!(ttlMs > 0)) throw new Error(`ttlMs must be more than 0, got ${ttlMs}`);
  }

  /** The value, if stored and not expired; it becomes the most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    // A Map iterates in insertion order: the first key is the least recently used.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
  }

  /**
   * The cached value, or `read()`'s; what `read` returns is stored unless it is undefined or
   * an entry was deleted (or the cache cleared) while it was reading.
   */
  async load(key: K, read: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const value = await read();
    if (value !== undefined && generation === this.generation) this.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.generation++;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
