import { ConnectionManager } from '../connection/connection-manager.ts';
import type { OpenInfo } from '../connection/connection.ts';
import { TabConnection } from '../tabs/tab-connection.ts';
import type { TabEnvelope } from '../tabs/tab-envelope.ts';
import { TabHub } from '../tabs/tab-hub.ts';
import { FakeEnvironment } from './fake-environment.ts';
import { FakeTabHub, type FakeLeadership } from './fake-tabs.ts';
import { FakeTransport } from './fake-transport.ts';

/**
 * One browser profile with tabs of one user, each with a {@link TabHub} over a fake channel and
 * a fake lock, and a {@link TabConnection} on it; the leader's ConnectionManager opens {@link FakeTransport}s, which
 * the test drives as the server would.
 */
export class FakeTabBrowser {
  readonly hub = new FakeTabHub();
  readonly environment = new FakeEnvironment();
  readonly tabs: FakeBrowserTab[] = [];
  /** Sockets that reached `ready`. */
  private readonly ready = new Set<FakeTransport>();

  open(tabId: string): FakeBrowserTab {
    const tab = new FakeBrowserTab(this, tabId);
    this.tabs.push(tab);
    return tab;
  }

  /** Tabs neither closed nor crashed. */
  get alive(): FakeBrowserTab[] {
    return this.tabs.filter((tab) => !tab.gone);
  }

  /** Every socket any tab's connection manager opened that is not closed. */
  liveSockets(): FakeTransport[] {
    return this.tabs.flatMap((tab) => tab.transports).filter((transport) => !transport.isClosed);
  }

  /** The server answers every socket that is waiting (`ready`). */
  readyAll(): void {
    for (const transport of this.liveSockets()) {
      if (this.ready.has(transport)) continue;
      this.ready.add(transport);
      transport.ready(null);
    }
  }

  /** The server sends a frame on every socket that is open. */
  serverSends(frame: unknown): void {
    for (const transport of this.liveSockets()) if (this.ready.has(transport)) transport.receive(frame);
  }

  /** Delivers every channel message posted so far. */
  flush(): Promise<void> {
    return this.hub.flush();
  }
}

export class FakeBrowserTab {
  readonly leadership: FakeLeadership;
  readonly transports: FakeTransport[] = [];
  readonly connection: TabConnection;
  readonly tabHub: TabHub;
  readonly opens: OpenInfo[] = [];
  gone = false;
  private readonly channel;

  constructor(
    browser: FakeTabBrowser,
    readonly tabId: string,
  ) {
    this.leadership = browser.hub.leadership(tabId);
    this.channel = browser.hub.channel<TabEnvelope>('ama2:u1');
    this.tabHub = new TabHub({ tabId, leadership: this.leadership, channel: this.channel, lifecycle: () => () => undefined });
    this.connection = new TabConnection({
      hub: this.tabHub,
      createConnection: () =>
        new ConnectionManager({
          environment: browser.environment,
          createSocket: () => {
            const transport = new FakeTransport();
            this.transports.push(transport);
            return transport;
          },
        }),
    });
    this.connection.onOpen((info) => this.opens.push(info));
  }

  /** The tab closes: it says goodbye, and a leader hands the lock on. */
  close(): void {
    this.gone = true;
    this.connection.stop();
    this.tabHub.close();
  }

  /** The tab's process dies: nothing more is posted or delivered, its lock is released, its socket drops. */
  crash(): void {
    this.gone = true;
    this.channel.close();
    this.leadership.close();
    for (const transport of this.transports) transport.drop();
    this.connection.stop();
    this.tabHub.close();
  }

  /** Frames this tab's own sockets carried to the server (pings aside). */
  get sent() {
    return this.transports.flatMap((transport) => transport.sent).filter((frame) => frame.type !== 'ping');
  }
}
