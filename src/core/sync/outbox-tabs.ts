import type { TabChannel } from '../tabs/tab-channel.ts';
import type { TabLeadership } from '../tabs/tab-leadership.ts';
import type { OutboxItem } from './outbox-item.ts';
import { parseOutboxTabMessage, type OutboxRequest, type OutboxTabMessage } from './outbox-tab-messages.ts';

/** The tabs of one browser profile and user share one outbox: this tab's leadership and the outbox channel. */
export interface OutboxTabsOptions {
  leadership: TabLeadership;
  /** `ama2:outbox:<userId>`; the outbox closes it when it stops. */
  channel: TabChannel<OutboxTabMessage>;
}

/** What the outbox does with what other tabs tell it. */
export interface OutboxTabHost {
  receiveAdded(item: OutboxItem): void;
  receiveItem(item: OutboxItem): void;
  receiveRemoved(clientMessageId: string): void;
  /** Leader only; false while it cannot decide yet (still taking over): the requester repeats it later. */
  applyRequest(request: OutboxRequest): boolean;
  leadershipChanged(isLeader: boolean): void;
}

/** Tombstones kept so a late copy of a removed item is not shown again (bounded: oldest go first). */
const MAX_REMOVED_IDS = 1_000;

/**
 * The channel side of a shared outbox: it validates and routes messages between this tab's
 * {@link Outbox} and the others', remembers removed items, and keeps a follower's requests
 * until a leader has handled them (a request sent while no tab leads is repeated to the next).
 */
export class OutboxTabs {
  private readonly pending = new Map<string, OutboxRequest>();
  private readonly removed = new Set<string>();
  private readonly unsubscribers: (() => void)[];
  private nextRequest = 0;

  constructor(
    private readonly options: OutboxTabsOptions,
    private readonly host: OutboxTabHost,
  ) {
    this.unsubscribers = [
      options.channel.subscribe((raw) => this.receive(raw)),
      options.leadership.subscribe((isLeader) => host.leadershipChanged(isLeader)),
    ];
  }

  isLeader(): boolean {
    return this.options.leadership.isLeader();
  }

  isRemoved(clientMessageId: string): boolean {
    return this.removed.has(clientMessageId);
  }

  added(item: OutboxItem): void {
    this.options.channel.post({ type: 'added', item });
  }

  changed(item: OutboxItem): void {
    this.options.channel.post({ type: 'item', item });
  }

  gone(clientMessageId: string): void {
    this.remember(clientMessageId);
    this.options.channel.post({ type: 'removed', clientMessageId });
  }

  /** A follower's retry, edit or discard, for the leader to apply. */
  request(request: OutboxRequest): void {
    const requestId = `${this.options.leadership.tabId}:${this.nextRequest++}`;
    this.pending.set(requestId, request);
    this.options.channel.post({ type: 'request', requestId, request });
  }

  /** This tab has taken over: it announces itself and returns its own unhandled requests to apply. */
  tookOver(): OutboxRequest[] {
    const own = [...this.pending.values()];
    this.pending.clear();
    this.options.channel.post({ type: 'leader' });
    return own;
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.options.channel.close();
  }

  private remember(clientMessageId: string): void {
    this.removed.add(clientMessageId);
    if (this.removed.size > MAX_REMOVED_IDS) this.removed.delete(this.removed.values().next().value!);
  }

  private receive(raw: unknown): void {
    const message = parseOutboxTabMessage(raw);
    if (!message) return;
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
          this.options.channel.post({ type: 'handled', requestId: message.requestId });
        }
        return;
      case 'handled':
        this.pending.delete(message.requestId);
        return;
      case 'leader':
        for (const [requestId, request] of this.pending) this.options.channel.post({ type: 'request', requestId, request });
        return;
    }
  }
}
