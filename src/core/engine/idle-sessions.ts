/**
 * How long a thread's session stays held once nothing listens to it (TanStack Query's
 * `gcTime`): long enough that flicking between threads reuses what is loaded, short
 * enough that a long day of threads does not keep every log in memory.
 */
export const IDLE_SESSION_TTL_MS = 5 * 60_000;

/**
 * Times how long each thread's session has had no listener. After
 * {@link IDLE_SESSION_TTL_MS}, `free` is asked to drop it; one it keeps (on screen,
 * sends pending) is asked again a TTL later.
 */
export class IdleSessions {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** `free` drops the thread's session and returns true, or keeps it for now and returns false. */
  constructor(private readonly free: (threadId: string) => boolean) {}

  /** Nothing listens to the thread any more (or never did): its TTL starts. */
  idle(threadId: string): void {
    this.busy(threadId);
    this.timers.set(
      threadId,
      setTimeout(() => {
        this.timers.delete(threadId);
        if (!this.free(threadId)) this.idle(threadId);
      }, IDLE_SESSION_TTL_MS),
    );
  }

  /** Something listens to the thread: it is held. */
  busy(threadId: string): void {
    const timer = this.timers.get(threadId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(threadId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
