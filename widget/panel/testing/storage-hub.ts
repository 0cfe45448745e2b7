/**
 * Test support: `localStorage` as the visitor's tabs on one site share it. Each tab's
 * {@link TabStorage} reads and writes the same items; a change made through one is told to
 * the others' watchers, as the browser's `storage` event tells the other tabs (never the tab
 * that made it; only when a value really changes; later, not during the write).
 */
import type { StorageChange } from '../panel-deps.ts';

type Watcher = (change: StorageChange) => void;

export class StorageHub {
  private readonly items = new Map<string, string>();
  private readonly watchers = new Map<TabStorage, Set<Watcher>>();

  /** A new tab's view of the storage. */
  tab(): TabStorage {
    const storage = new TabStorage(this.items, (change) => this.tell(storage, change));
    this.watchers.set(storage, new Set());
    return storage;
  }

  /** What `deps.watchStorage` does in the tab of `storage`. */
  watch(storage: TabStorage, watcher: Watcher): () => void {
    const set = this.watchers.get(storage)!;
    set.add(watcher);
    return () => set.delete(watcher);
  }

  private tell(from: TabStorage, change: StorageChange): void {
    for (const [storage, watchers] of this.watchers) {
      if (storage === from) continue;
      // The browser queues the event: it arrives after the writing code has run on.
      for (const watcher of watchers) queueMicrotask(() => watcher(change));
    }
  }
}

export class TabStorage implements Storage {
  constructor(
    private readonly items: Map<string, string>,
    private readonly changed: (change: StorageChange) => void,
  ) {}
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
    this.changed({ key: null, newValue: null });
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    if (!this.items.delete(key)) return;
    this.changed({ key, newValue: null });
  }
  setItem(key: string, value: string) {
    if (this.items.get(key) === value) return;
    this.items.set(key, value);
    this.changed({ key, newValue: value });
  }
}
