import type { PresenceStatus } from './live-signals.ts';

/** A change of whether a sender is focused on a thread anywhere in the cluster. */
export interface PresenceChange {
  threadId: string;
  senderId: string;
  status: PresenceStatus;
}

/**
 * Who is focused where, across server processes ("nodes"): each node owns its own entries,
 * and a sender is focused while any node has them. Every process keeps this view from the
 * same messages and sends frames for the changes of the union only, so two tabs on two
 * processes announce a sender once, and a dead node's entries go in one `dropNode`.
 */
export class PresenceView {
  private readonly nodes = new Map<string, Map<string, Set<string>>>();
  /** thread → sender → number of nodes that have the entry */
  private readonly union = new Map<string, Map<string, number>>();

  /** Sets one entry of a node; returns the cluster-wide change it makes, if any. */
  set(nodeId: string, threadId: string, senderId: string, focused: boolean): PresenceChange | null {
    let threads = this.nodes.get(nodeId);
    if (!threads) this.nodes.set(nodeId, (threads = new Map()));
    let senders = threads.get(threadId);
    if (focused) {
      if (!senders) threads.set(threadId, (senders = new Set()));
      if (senders.has(senderId)) return null;
      senders.add(senderId);
      return this.count(threadId, senderId, +1);
    }
    if (!senders?.delete(senderId)) return null;
    if (senders.size === 0) threads.delete(threadId);
    if (threads.size === 0) this.nodes.delete(nodeId);
    return this.count(threadId, senderId, -1);
  }

  /** Replaces everything a node has (a snapshot it sent); returns the changes. */
  replaceNode(nodeId: string, entries: Iterable<readonly [string, string]>): PresenceChange[] {
    const wanted = new Set<string>();
    const changes: PresenceChange[] = [];
    for (const [threadId, senderId] of entries) {
      wanted.add(`${threadId}\n${senderId}`);
      const change = this.set(nodeId, threadId, senderId, true);
      if (change) changes.push(change);
    }
    for (const [threadId, senderId] of this.entriesOf(nodeId)) {
      if (wanted.has(`${threadId}\n${senderId}`)) continue;
      const change = this.set(nodeId, threadId, senderId, false);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** Forgets a node (it left or died); returns the changes. */
  dropNode(nodeId: string): PresenceChange[] {
    return this.replaceNode(nodeId, []);
  }

  viewers(threadId: string): string[] {
    return [...(this.union.get(threadId)?.keys() ?? [])];
  }

  entriesOf(nodeId: string): [string, string][] {
    const threads = this.nodes.get(nodeId);
    if (!threads) return [];
    return [...threads].flatMap(([threadId, senders]) => [...senders].map((senderId): [string, string] => [threadId, senderId]));
  }

  private count(threadId: string, senderId: string, delta: 1 | -1): PresenceChange | null {
    let senders = this.union.get(threadId);
    if (!senders) this.union.set(threadId, (senders = new Map()));
    const before = senders.get(senderId) ?? 0;
    const after = before + delta;
    if (after > 0) senders.set(senderId, after);
    else senders.delete(senderId);
    if (senders.size === 0) this.union.delete(threadId);
    if (before === 0 && after === 1) return { threadId, senderId, status: 'focused' };
    if (before === 1 && after === 0) return { threadId, senderId, status: 'unfocused' };
    return null;
  }
}
