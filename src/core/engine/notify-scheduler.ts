import type { Environment } from '../environment/environment.ts';

/**
 * Batches notifications, in the spirit of TanStack Query's `notifyManager`: state has
 * already changed when something is marked here; this only decides when listeners hear of
 * it. Urgent changes (a committed message, a send, a run step) are told in a microtask, so
 * they can paint in the current frame; the rest (streamed text, typing, presence) is
 * coalesced to the next animation frame. Each thread's listeners hear once per flush. A
 * hidden page paints nothing: there even urgent changes wait for the next frame (which the
 * inbox's frame batch holds until the page is shown), so a background tab does not render.
 */
export class NotifyScheduler {
  private readonly dirty = new Set<string>();
  private globalDirty = false;
  private frameScheduled = false;
  private microtaskScheduled = false;

  constructor(
    private readonly environment: Environment,
    private readonly deliver: (threads: readonly string[], global: boolean) => void,
  ) {}

  /** A thread changed; `urgent` tells it within this task instead of at the next frame. */
  thread(threadId: string, urgent: boolean): void {
    this.dirty.add(threadId);
    this.globalDirty = true;
    if (urgent && this.environment.isVisible()) this.scheduleMicrotask();
    else this.scheduleFrame();
  }

  /** Something not about one thread changed (the connection). */
  global(): void {
    this.globalDirty = true;
    this.scheduleFrame();
  }

  private scheduleMicrotask(): void {
    if (this.microtaskScheduled) return;
    this.microtaskScheduled = true;
    queueMicrotask(() => {
      this.microtaskScheduled = false;
      this.flush();
    });
  }

  private scheduleFrame(): void {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    this.environment.nextFrame(() => {
      this.frameScheduled = false;
      this.flush();
    });
  }

  /** Tells what is pending now (tests may call it directly). Changes no state. */
  flush(): void {
    if (this.dirty.size === 0 && !this.globalDirty) return;
    const threads = [...this.dirty];
    const global = this.globalDirty;
    this.dirty.clear();
    this.globalDirty = false;
    this.deliver(threads, global);
  }
}
