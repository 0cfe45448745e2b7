import { Outbox } from '../sync/outbox.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { OutboxTabs } from '../sync/outbox-tabs.ts';
import { FakeEnvironment } from './fake-environment.ts';
import { FakeSendServer } from './fake-send-server.ts';
import { FakeTabHub, type FakeLeadership } from './fake-tabs.ts';

/** One fake tab with its own outbox on the shared store, channel and lock. */
export interface FakeOutboxTab {
  id: string;
  outbox: Outbox;
  leadership: FakeLeadership;
  /** Status changes this tab showed, per item: what its user saw. */
  seen: Map<string, string[]>;
  /** Send and upload requests this tab has on the way. */
  inFlight: number;
  /** The tab closes or crashes: its hub closes (its lock passes on), its outbox stops (an in-flight request still travels). */
  close(): void;
}

/**
 * Several tabs of one browser profile sharing one outbox store (like IndexedDB per origin),
 * a {@link FakeTabHub} and a {@link FakeSendServer}. With `socket`, every tab's log hears each
 * commit (as each tab's thread does over the connection) and confirms the item; otherwise
 * only the tab that sent it does.
 */
export class FakeOutboxTabs {
  readonly hub = new FakeTabHub();
  readonly store = new MemoryOutboxStore();
  readonly server = new FakeSendServer();
  readonly environment = new FakeEnvironment(() => 0.5);
  readonly tabs: FakeOutboxTab[] = [];
  /** Sends started while another open tab had one on the way: a second tab sending (must stay 0). */
  overlappingSends = 0;
  private count = 0;
  private nextId = 0;

  constructor(private readonly socket = true) {}

  async open(): Promise<FakeOutboxTab> {
    const id = `tab-${++this.count}`;
    const leadership = this.hub.leadership(id);
    const seen = new Map<string, string[]>();
    // No heartbeat: the outbox needs none, and the tests run every timer.
    const tabHub = this.hub.tabHub(id, { leadership, every: () => () => undefined });
    const outbox: Outbox = new Outbox({
      store: this.store,
      send: async (threadId, body) => {
        if (this.tabs.some((other) => other !== tab && other.inFlight > 0)) this.overlappingSends++;
        tab.inFlight++;
        try {
          return await this.server.send(threadId, body);
        } finally {
          tab.inFlight--;
        }
      },
      upload: async (threadId, file, onProgress, signal) => {
        if (this.tabs.some((other) => other !== tab && other.inFlight > 0)) this.overlappingSends++;
        tab.inFlight++;
        try {
          return await this.server.upload(threadId, file, onProgress, signal);
        } finally {
          tab.inFlight--;
        }
      },
      environment: this.environment,
      onChange: (threadId) => {
        for (const item of outbox.list(threadId)) {
          const statuses = seen.get(item.clientMessageId) ?? [];
          if (statuses.at(-1) !== item.status) statuses.push(item.status);
          seen.set(item.clientMessageId, statuses);
        }
      },
      onSent: (_threadId, message) => queueMicrotask(() => outbox.confirm(message.client_message_id!)),
      createId: () => `c-${this.nextId++}`,
      tabs: (host) => new OutboxTabs(tabHub, host),
    });
    const unsubscribe = this.socket ? this.server.onCommit((message) => outbox.confirm(message.client_message_id!)) : () => {};
    const tab: FakeOutboxTab = {
      id,
      outbox,
      leadership,
      seen,
      inFlight: 0,
      close: () => {
        unsubscribe();
        tabHub.close();
        outbox.stop();
        this.tabs.splice(this.tabs.indexOf(tab), 1);
      },
    };
    this.tabs.push(tab);
    await outbox.restore();
    return tab;
  }

  leader(): FakeOutboxTab | undefined {
    return this.tabs.find((tab) => tab.leadership.isLeader());
  }

  /** Delivers channel messages and runs timers until nothing is left to do (use with fake timers). */
  async settle(runTimers: () => Promise<unknown>): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await this.hub.flush();
      await runTimers();
    }
    await this.hub.flush();
  }
}
