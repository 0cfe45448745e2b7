/** At most this many muted threads are kept: a bound on what a bad or old value can cost. */
export const MAX_MUTED_THREADS = 1_000;

/** The storage key of one user's muted threads (per user: two people may share a browser profile). */
export const mutedThreadsKey = (userId: string) => `ama2:muted:${userId}`;

/** The part of `localStorage` the muted threads need. */
export type MuteStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Reads a stored value: a JSON array of thread ids. Anything else (a hand-edited or older
 * value, a broken write) counts as "nothing muted" rather than failing; bad entries are dropped.
 */
export function parseMutedThreads(raw: string | null): Set<string> {
  if (!raw) return new Set();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Set();
  }
  if (!Array.isArray(value)) return new Set();
  const ids = value.filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 200);
  return new Set(ids.slice(-MAX_MUTED_THREADS));
}

/**
 * The threads a user muted, kept in `localStorage` so they survive reloads and every tab
 * reads the same list. Always read fresh from storage: another tab may have changed it.
 */
export class MutedThreads {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: MuteStorage | null,
    /** The storage key ({@link mutedThreadsKey}); other tabs' changes arrive as `storage` events for it. */
    readonly key: string,
  ) {}

  /** The stored value as it is: a stable snapshot for subscribers (parse it with {@link parseMutedThreads}). */
  raw(): string | null {
    try {
      return this.storage?.getItem(this.key) ?? null;
    } catch {
      // Storage can throw (disabled, sandboxed): then nothing is muted.
      return null;
    }
  }

  all(): Set<string> {
    return parseMutedThreads(this.raw());
  }

  /** Called after this tab changes the list (other tabs' changes come as `storage` events). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isMuted(threadId: string): boolean {
    return this.all().has(threadId);
  }

  /** Mutes or unmutes a thread; returns false when storage refused the write (full, disabled). */
  set(threadId: string, muted: boolean): boolean {
    const ids = this.all();
    if (muted) ids.add(threadId);
    else ids.delete(threadId);
    try {
      this.storage?.setItem(this.key, JSON.stringify([...ids].slice(-MAX_MUTED_THREADS)));
    } catch {
      return false;
    }
    for (const listener of [...this.listeners]) listener();
    return this.storage !== null;
  }
}
