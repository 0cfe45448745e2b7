import type { TabChannel } from '../tabs/tab-channel.ts';
import type { TabEnvelope, TabTopic } from '../tabs/tab-envelope.ts';
import { TabHub, tabHubChannelName, type TabHubOptions } from '../tabs/tab-hub.ts';
import type { TabLeadership } from '../tabs/tab-leadership.ts';

/**
 * Fake tabs for unit tests: channels with BroadcastChannel's semantics (asynchronous, never
 * delivered to the sender, structured-cloned) and a lock that the test can hand from tab to tab.
 */
export class FakeTabHub {
  private readonly members = new Map<string, Set<FakeChannel>>();
  private readonly queue: (() => void)[] = [];
  private readonly waiting: FakeLeadership[] = [];
  private holder: FakeLeadership | null = null;

  /** A channel joined by one tab. */
  channel<M>(name: string): TabChannel<M> {
    const channel = new FakeChannel(this, name);
    let set = this.members.get(name);
    if (!set) this.members.set(name, (set = new Set()));
    set.add(channel);
    return channel as TabChannel<M>;
  }

  /**
   * A tab's {@link TabHub} on this fake browser (user `u1`), with a lock of its own (or the one
   * given); no page lifecycle. Pass `every` to replace its heartbeat timer.
   */
  tabHub(tabId: string, options: Partial<TabHubOptions> = {}): TabHub {
    return new TabHub({
      tabId,
      lifecycle: () => () => undefined,
      onInvalid: () => undefined,
      ...options,
      leadership: options.leadership === undefined ? this.leadership(tabId) : options.leadership,
      channel: options.channel === undefined ? this.channel<TabEnvelope>(tabHubChannelName('u1')) : options.channel,
    });
  }

  /** Posts a body on a topic as a tab of another build (or a broken one) would. */
  rogue(topic: TabTopic | string, from = 'rogue'): { post(body: unknown): void } {
    const channel = this.channel<unknown>(tabHubChannelName('u1'));
    return { post: (body) => channel.post({ v: 1, topic, from, body }) };
  }

  /** A tab's leadership: the first to ask leads; the others queue, like `navigator.locks.request`. */
  leadership(tabId: string): FakeLeadership {
    const leadership = new FakeLeadership(this, tabId);
    this.waiting.push(leadership);
    this.grant();
    return leadership;
  }

  /** Runs every message posted so far (and those they post in turn). */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000 && this.queue.length > 0; round++) {
      const batch = this.queue.splice(0);
      for (const deliver of batch) deliver();
      await Promise.resolve();
    }
  }

  /** @internal */
  post(from: FakeChannel, name: string, message: unknown): void {
    const copy = structuredClone(message);
    for (const member of this.members.get(name) ?? []) {
      if (member !== from) this.queue.push(() => member.deliver(copy));
    }
  }

  /** @internal */
  leave(channel: FakeChannel, name: string): void {
    this.members.get(name)?.delete(channel);
  }

  /** @internal */
  release(leadership: FakeLeadership): void {
    const index = this.waiting.indexOf(leadership);
    if (index >= 0) this.waiting.splice(index, 1);
    if (this.holder === leadership) {
      this.holder = null;
      leadership.set(false);
      this.grant();
    }
  }

  private grant(): void {
    if (this.holder) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.holder = next;
    next.set(true);
  }
}

class FakeChannel implements TabChannel<unknown> {
  private readonly listeners = new Set<(message: unknown) => void>();
  private closed = false;

  constructor(
    private readonly hub: FakeTabHub,
    private readonly name: string,
  ) {}

  post(message: unknown): void {
    if (!this.closed) this.hub.post(this, this.name, message);
  }

  subscribe(listener: (message: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.hub.leave(this, this.name);
  }

  deliver(message: unknown): void {
    if (this.closed) return;
    for (const listener of [...this.listeners]) listener(message);
  }
}

/** A controllable {@link TabLeadership}: `close()` (the tab closed or crashed) hands the lock on. */
export class FakeLeadership implements TabLeadership {
  private leader = false;
  private readonly listeners = new Set<(isLeader: boolean) => void>();

  constructor(
    private readonly hub: FakeTabHub,
    readonly tabId: string,
  ) {}

  isLeader(): boolean {
    return this.leader;
  }

  subscribe(listener: (isLeader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.hub.release(this);
  }

  /** @internal */
  set(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    for (const listener of [...this.listeners]) listener(leader);
  }
}
