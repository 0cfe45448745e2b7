import type { OutboxItem } from './outbox-item.ts';

/** Where the outbox keeps its items between page loads. */
export interface OutboxStore {
  load(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  remove(clientMessageId: string): Promise<void>;
}

/** Keeps items in memory: for tests (share one across "reloads") and where IndexedDB is missing. */
export class MemoryOutboxStore implements OutboxStore {
  readonly items = new Map<string, OutboxItem>();

  async load() {
    return [...this.items.values()].map((item) => ({ ...item }));
  }

  async put(item: OutboxItem) {
    this.items.set(item.clientMessageId, { ...item });
  }

  async remove(clientMessageId: string) {
    this.items.delete(clientMessageId);
  }
}

const STORE = 'items';
const VERSION = 1;

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The browser's outbox: one IndexedDB database per signed-in user (or visitor), so a reload
 * or a crash loses nothing that was sent. Writes are serialized per item by IndexedDB's
 * transactions; a failure to store is reported, never swallowed.
 */
export class IndexedDbOutboxStore implements OutboxStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(
    private readonly name: string,
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'clientMessageId' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrades it, or this page deletes it (a visitor forgotten): let go, and open afresh on next use.
        db.onversionchange = () => {
          db.close();
          this.db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('The outbox database is blocked by another tab being upgraded.'));
    });
    return this.db;
  }

  private async run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    const transaction = db.transaction(STORE, mode);
    const result = promised(work(transaction.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('outbox transaction aborted'));
    });
    return result;
  }

  async load(): Promise<OutboxItem[]> {
    const items = await this.run('readonly', (store) => store.getAll() as IDBRequest<OutboxItem[]>);
    const stored = items.filter(isOutboxItem);
    if (!stored.some((item) => item.files)) return stored;
    // Items with files are rare: their files' check loads only for them (outbox-file-check.ts).
    // Should it not load (offline), they stay, checked as items: a file that is not one fails its upload.
    return import('./outbox-file-check.ts').then(
      (check) => stored.filter(check.isOutboxItemWithFiles),
      () => stored,
    );
  }

  async put(item: OutboxItem): Promise<void> {
    await this.run('readwrite', (store) => store.put(item));
  }

  async remove(clientMessageId: string): Promise<void> {
    await this.run('readwrite', (store) => store.delete(clientMessageId));
  }
}

/** Storage is a boundary too: an item written by another version of the app is checked, not trusted. */
export function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Partial<OutboxItem>;
  return (
    typeof item.clientMessageId === 'string' &&
    typeof item.threadId === 'string' &&
    typeof item.content === 'string' &&
    Array.isArray(item.mentions) &&
    typeof item.createdAt === 'number' &&
    typeof item.attempts === 'number' &&
    typeof item.nextAttemptAt === 'number' &&
    // Its files' fields are checked where they are used (outbox-file-check.ts).
    (item.files === undefined || Array.isArray(item.files)) &&
    (item.status === 'queued' || item.status === 'sending' || item.status === 'sent' || item.status === 'failed')
  );
}
