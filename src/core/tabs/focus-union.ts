import type { ClientFrame } from '../protocol/client-frames.ts';

/**
 * Presence across tabs: a thread is focused while ANY tab is on it. Each tab's focused
 * threads are kept apart; the server is told only about changes of their union, so one tab
 * leaving a thread that another still shows does not unfocus it.
 */
export class FocusUnion {
  private readonly byTab = new Map<string, ReadonlySet<string>>();
  /** What the server was told on the current connection. */
  private readonly told = new Set<string>();

  /** The threads one tab is on now. */
  setTab(tabId: string, focused: Iterable<string>): void {
    this.byTab.set(tabId, new Set(focused));
  }

  removeTab(tabId: string): void {
    this.byTab.delete(tabId);
  }

  union(): Set<string> {
    const all = new Set<string>();
    for (const threads of this.byTab.values()) for (const threadId of threads) all.add(threadId);
    return all;
  }

  /** A new connection: the server knows of no focus yet. */
  reset(): void {
    this.told.clear();
  }

  /** Sends the focus and unfocus frames that bring the server in line with the union. */
  reconcile(send: (frame: ClientFrame) => boolean): void {
    const union = this.union();
    for (const threadId of union) {
      if (!this.told.has(threadId) && send({ type: 'focus_thread', data: { thread_id: threadId } })) this.told.add(threadId);
    }
    for (const threadId of [...this.told]) {
      if (union.has(threadId)) continue;
      send({ type: 'unfocus_thread', data: { thread_id: threadId } });
      this.told.delete(threadId);
    }
  }
}
