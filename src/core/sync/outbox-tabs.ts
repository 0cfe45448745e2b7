import type { HubTopic, TabHub } from '../tabs/tab-hub.ts';
import type { OutboxItem } from './outbox-item.ts';
import type { OutboxStore } from './outbox-store.ts';
import { outboxTabMessageSchema, type OutboxRequest, type OutboxTabMessage } from './outbox-tab-messages.ts';

/** What the outbox does with what other tabs tell it, and the parts of it a take-over reads and rewrites. */
export interface OutboxTabHost {
  /** The outbox's items by id: a take-over replaces them with what the store holds. */
  readonly items: Map<string, OutboxItem>;
  readonly options: { readonly store: OutboxStore };
  readonly stopped: boolean;
  /** Whether this tab sends (a follower that has become leader meanwhile does not mirror). */
  sends(): boolean;
  changed(threadId: string): void;
  kick(): void;
  receiveAdded(item: OutboxItem): void;
  receiveItem(item: OutboxItem): void;
  receiveRemoved(clientMessageId: string): void;
  /** Leader only; false while it cannot decide yet (still taking over): the requester repeats it later. */
  applyRequest(request: OutboxRequest): boolean;
  /** The hub's hand-over hook: this tab has just started or stopped leading. */
  leadershipChanged(isLeader: boolean): void;
}

/** Makes an outbox's multi-tab half: the outbox's `tabs` option (see {@link shareOutbox}). */
export type OutboxSharing = (host: OutboxTabHost) => OutboxTabs;

/**
 * The outbox's `tabs` option for the tabs of `hub`: one outbox they share, or null where they
 * cannot share (no Web Locks or BroadcastChannel), so that each tab sends its own.
 */
export function shareOutbox(hub: TabHub): OutboxSharing | null {
  return hub.shares ? (host) => new OutboxTabs(hub, host) : null;
}

/** Tombstones kept so a late copy of a removed item is not shown again (bounded: oldest go first). */
const MAX_REMOVED_IDS = 1_000;

/**
 * The `outbox` topic of the {@link TabHub}: it routes messages between this tab's
 * {@link Outbox} and the others', remembers removed items, and keeps a follower's requests
 * until a leader has handled them (a request sent while no tab leads is repeated to the next).
 * It also holds the outbox's multi-tab half: what a new leader takes over from the store
 * (the store is the truth), and what a follower mirrors.
 */
export class OutboxTabs {
  private readonly pending = new Map<string, OutboxRequest>();
  private readonly removed = new Set<string>();
  private readonly topic: HubTopic<OutboxTabMessage>;
  private nextRequest = 0;
  /** Items this tab's outbox is storing (it adds and deletes them): a take-over keeps them although the store may not show them yet. */
  readonly storing = new Set<string>();
  /** Items announced by other tabs while this one takes over (its load may predate them). */
  private readonly announced = new Set<string>();
  /** Set once this leader has taken over what the store holds. */
  private tookOver = false;

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

  /** Whether this tab leads and has taken over: only then does its outbox send. */
  leads(): boolean {
    return this.tookOver && this.isLeader();
  }

  /** Another tab announced an item: a take-over under way keeps it although its load may predate it. */
  announce(clientMessageId: string): void {
    if (this.isLeader() && !this.tookOver) this.announced.add(clientMessageId);
  }

  /** This tab stopped leading: the next take-over starts anew. */
  resign(): void {
    this.tookOver = false;
  }

  /**
   * Becoming the leader: the store is the truth (another tab may have changed it while this
   * one mirrored). An item that was being sent goes again under the same id, so the server
   * answers with the message the old leader may have committed; a sent one waits for its log.
   */
  async takeOver(): Promise<void> {
    const { host } = this;
    const { items } = host;
    const { store } = host.options;
    this.announced.clear();
    const stored = await store.load();
    if (host.stopped || !this.isLeader() || this.tookOver) return;
    const storedIds = new Set(stored.map((item) => item.clientMessageId));
    for (const item of [...items.values()]) {
      // Mirrored here but gone from the store: another tab removed it (its message may still be on the way).
      const id = item.clientMessageId;
      if (!storedIds.has(id) && !this.storing.has(id) && !this.announced.has(id)) {
        items.delete(item.clientMessageId);
        host.changed(item.threadId);
      }
    }
    for (const item of stored) {
      const local = items.get(item.clientMessageId);
      if (this.isRemoved(item.clientMessageId) || (item.status === 'sent' && !local)) {
        void store.remove(item.clientMessageId);
        continue;
      }
      const next = item.status === 'sending' ? { ...item, status: 'queued' as const } : item;
      items.set(next.clientMessageId, next);
      host.changed(next.threadId);
      if (next !== item) void store.put(next);
      this.changed(next);
    }
    this.announced.clear();
    this.tookOver = true;
    // Announced as the leader; this tab's own unhandled requests are applied here.
    const own = [...this.pending.values()];
    this.pending.clear();
    this.topic.post({ type: 'leader' });
    for (const request of own) host.applyRequest(request);
    host.kick();
  }

  /** A follower shows what the store holds; the leader's messages keep it current. */
  async mirror(): Promise<void> {
    const { host } = this;
    const { items } = host;
    const stored = await host.options.store.load();
    if (host.stopped || host.sends()) return;
    for (const item of stored) {
      if (items.has(item.clientMessageId) || this.isRemoved(item.clientMessageId) || item.status === 'sent') continue;
      items.set(item.clientMessageId, item);
      host.changed(item.threadId);
    }
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
