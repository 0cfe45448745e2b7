/** Someone's typing shows for this long unless refreshed (CONTRACT §6: typing expires after 6 s). */
const TYPING_EXPIRY_MS = 6_000;

/**
 * Who is typing in which thread. A `started` without a refresh ends by itself; a message
 * from the typist ends it at once.
 */
export class TypingState {
  private readonly typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly views = new Map<string, readonly string[]>();

  constructor(private readonly onChange: (threadId: string) => void) {}

  set(threadId: string, senderId: string, typing: boolean): void {
    let senders = this.typing.get(threadId);
    const existing = senders?.get(senderId);
    if (existing !== undefined) clearTimeout(existing);
    if (!typing) {
      if (existing === undefined) return;
      senders!.delete(senderId);
    } else {
      if (!senders) this.typing.set(threadId, (senders = new Map()));
      senders.set(
        senderId,
        setTimeout(() => this.set(threadId, senderId, false), TYPING_EXPIRY_MS),
      );
      if (existing !== undefined) return;
    }
    this.views.delete(threadId);
    this.onChange(threadId);
  }

  /** Sender ids typing in the thread, in the order they started; a stable array between changes. */
  of(threadId: string): readonly string[] {
    let view = this.views.get(threadId);
    if (!view) this.views.set(threadId, (view = [...(this.typing.get(threadId)?.keys() ?? [])]));
    return view;
  }

  clear(): void {
    for (const [threadId, senders] of this.typing) {
      for (const timer of senders.values()) clearTimeout(timer);
      this.views.delete(threadId);
      this.onChange(threadId);
    }
    this.typing.clear();
  }
}
