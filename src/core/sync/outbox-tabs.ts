import type { HubTopic, TabHub } from '../tabs/tab-hub.ts';
import type { OutboxItem } from './outbox-item.ts';
import { outboxTabMessageSchema, type OutboxRequest, type OutboxTabMessage } from './outbox-tab-messages.ts';

/** What the outbox does with what other tabs tell it. */
export interface OutboxTabHost {
  receiveAdded(item: OutboxItem): void;
  receiveItem(item: OutboxItem): void;
  receiveRemoved(clientMessageId: string): void;
  /** Leader only; false while it cannot decide yet (still taking over): the requester repeats it later. */
  applyRequest(request: OutboxRequest): boolean;
  /** The hub's hand-over hook: this tab has just started or stopped leading. */
  leadershipChanged(isLeader: boolean): void;
}

/** Tombstones kept so a late copy of a removed item is not shown again (bounded: oldest go first). */
const MAX_REMOVED_IDS = 1_000;

/**
 * The `outbox` topic of the {@link TabHub}: it routes messages between this tab's
 * {@link Outbox} and the others', remembers removed items, and keeps a follower's requests
 * until a leader has handled them (a request sent while no tab leads is repeated to the next).
 */
export class OutboxTabs {
  private readonly pending = new Map<string, OutboxRequest>();
  private readonly removed = new Set<string>();
  private readonly topic: HubTopic<OutboxTabMessage>;
  private nextRequest = 0;

  constructor(
    hub: TabHub,
    private readonly host: OutboxTabHost,
  ) {
    this.topic = hub.join({
      topic: 'outbox',
      schema: outboxTabMessageSchema,
      onLeader: () => host.leadershipChanged(true),
      onFollower: () => host.leadershipChanged(false),
    });
    this.topic.subscribe((message) => this.receive(message));
  }

  isLeader(): boolean {
    return this.topic.isLeader();
  }

  isRemoved(clientMessageId: string): boolean {
    return this.removed.has(clientMessageId);
  }

  added(item: OutboxItem): void {
    this.topic.post({ type: 'added', item });
  }

  changed(item: OutboxItem): void {
    this.topic.post({ type: 'item', item });
  }

  gone(clientMessageId: string): void {
    this.remember(clientMessageId);
    this.topic.post({ type: 'removed', clientMessageId });
  }

  /** A follower's retry, edit or discard, for the leader to apply. */
  request(request: OutboxRequest): void {
    const requestId = `${this.topic.tabId}:${this.nextRequest++}`;
    this.pending.set(requestId, request);
    this.topic.post({ type: 'request', requestId, request });
  }

  /** This tab has taken over: it announces itself and returns its own unhandled requests to apply. */
  tookOver(): OutboxRequest[] {
    const own = [...this.pending.values()];
    this.pending.clear();
    this.topic.post({ type: 'leader' });
    return own;
  }

  stop(): void {
    this.topic.leave();
  }

  private remember(clientMessageId: string): void {
    this.removed.add(clientMessageId);
    if (this.removed.size > MAX_REMOVED_IDS) this.removed.delete(this.removed.values().next().value!);
  }

  private receive(message: OutboxTabMessage): void {
    switch (message.type) {
      case 'added':
        if (!this.removed.has(message.item.clientMessageId)) this.host.receiveAdded(message.item);
        return;
      case 'item':
        if (!this.removed.has(message.item.clientMessageId)) this.host.receiveItem(message.item);
        return;
      case 'removed':
        this.remember(message.clientMessageId);
        this.host.receiveRemoved(message.clientMessageId);
        return;
      case 'request':
        if (this.isLeader() && this.host.applyRequest(message.request)) {
          this.topic.post({ type: 'handled', requestId: message.requestId });
        }
        return;
      case 'handled':
        this.pending.delete(message.requestId);
        return;
      case 'leader':
        for (const [requestId, request] of this.pending) this.topic.post({ type: 'request', requestId, request });
        return;
    }
  }
}
