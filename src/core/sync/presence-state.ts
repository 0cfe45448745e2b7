/**
 * Who is viewing which thread (`thread_presence`). It is only as fresh as the connection:
 * on a reconnect it is cleared, and the server tells who is there when we focus again.
 */
export class PresenceState {
  private readonly viewers = new Map<string, Set<string>>();
  private readonly views = new Map<string, readonly string[]>();

  constructor(private readonly onChange: (threadId: string) => void) {}

  set(threadId: string, senderId: string, focused: boolean): void {
    let set = this.viewers.get(threadId);
    if (focused) {
      if (!set) this.viewers.set(threadId, (set = new Set()));
      if (set.has(senderId)) return;
      set.add(senderId);
    } else if (!set?.delete(senderId)) {
      return;
    }
    this.views.delete(threadId);
    this.onChange(threadId);
  }

  of(threadId: string): readonly string[] {
    let view = this.views.get(threadId);
    if (!view) this.views.set(threadId, (view = [...(this.viewers.get(threadId) ?? [])]));
    return view;
  }

  clear(): void {
    const threads = [...this.viewers.keys()];
    this.viewers.clear();
    this.views.clear();
    for (const threadId of threads) this.onChange(threadId);
  }
}
