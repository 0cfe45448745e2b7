/**
 * Who is viewing which thread. A sender may focus a thread from several connections (two
 * tabs); they count as focused until the last of those unfocuses or closes.
 */
export class PresenceTracker {
  /** thread → sender → number of connections focusing */
  private readonly focus = new Map<string, Map<string, number>>();

  /** Returns true when the sender became focused (the first connection). */
  focused(threadId: string, senderId: string): boolean {
    let senders = this.focus.get(threadId);
    if (!senders) this.focus.set(threadId, (senders = new Map()));
    const count = senders.get(senderId) ?? 0;
    senders.set(senderId, count + 1);
    return count === 0;
  }

  /** Returns true when the sender is no longer focused anywhere (the last connection). */
  unfocused(threadId: string, senderId: string): boolean {
    const senders = this.focus.get(threadId);
    const count = senders?.get(senderId);
    if (!senders || count === undefined) return false;
    if (count > 1) {
      senders.set(senderId, count - 1);
      return false;
    }
    senders.delete(senderId);
    if (senders.size === 0) this.focus.delete(threadId);
    return true;
  }

  viewers(threadId: string): string[] {
    return [...(this.focus.get(threadId)?.keys() ?? [])];
  }

  /** Every (thread, sender) focused here, e.g. for another process that asks. */
  entries(): [threadId: string, senderId: string][] {
    return [...this.focus].flatMap(([threadId, senders]) => [...senders.keys()].map((senderId): [string, string] => [threadId, senderId]));
  }
}
