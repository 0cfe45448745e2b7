/** How long a process remembers when a sender stopped viewing a thread: longer than any follow-up delay waits. */
export const LEFT_MEMORY_MS = 24 * 60 * 60_000;
/** At most this many are remembered (the oldest go first): bounded memory however many visitors come and go. */
export const LEFT_MEMORY_ENTRIES = 100_000;

/**
 * When each sender last stopped viewing each thread, as this process saw it (its own sockets,
 * and on several processes the cluster's presence): whether a visitor had a reply on screen
 * is decided when their follow-up email is due, not when the reply was committed (CONTRACT §12
 * "Visitors who left"). A process that started since knows nothing, which reads as "not seen".
 */
export class LeftViewers {
  /** `thread\nsender` → ms since 1970, oldest first (a Map keeps insertion order; an update moves to the end). */
  private readonly left = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The sender is no longer viewing the thread anywhere. */
  record(threadId: string, senderId: string): void {
    const key = `${threadId}\n${senderId}`;
    const now = this.clock();
    this.left.delete(key);
    this.left.set(key, now);
    for (const [oldest, at] of this.left) {
      if (this.left.size <= LEFT_MEMORY_ENTRIES && now - at <= LEFT_MEMORY_MS) break;
      this.left.delete(oldest);
    }
  }

  /** When the sender last stopped viewing the thread, if this process remembers it. */
  leftAt(threadId: string, senderId: string): number | undefined {
    return this.left.get(`${threadId}\n${senderId}`);
  }
}
