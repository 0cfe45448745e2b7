import { ConnectionManager } from '../connection/connection-manager.ts';
import type { OpenInfo } from '../connection/connection.ts';
import type { ConnMessage } from '../tabs/conn-messages.ts';
import { TabConnection } from '../tabs/tab-connection.ts';
import { FakeEnvironment } from './fake-environment.ts';
import { FakeTabHub, type FakeLeadership } from './fake-tabs.ts';
import { FakeTransport } from './fake-transport.ts';

/**
 * One browser profile with tabs of one user, each with a {@link TabConnection} over fake
 * channels and a fake lock; the leader's ConnectionManager opens {@link FakeTransport}s, which
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
  readonly opens: OpenInfo[] = [];
  gone = false;
  private readonly channel;

  constructor(
    browser: FakeTabBrowser,
    readonly tabId: string,
  ) {
    this.leadership = browser.hub.leadership(tabId);
    this.channel = browser.hub.channel<ConnMessage>('ama2:conn:u1');
    this.connection = new TabConnection({
      leadership: this.leadership,
      channel: this.channel,
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
  }

  /** The tab's process dies: nothing more is posted or delivered, its lock is released, its socket drops. */
  crash(): void {
    this.gone = true;
    this.channel.close();
    this.leadership.close();
    for (const transport of this.transports) transport.drop();
    this.connection.stop();
  }

  /** Frames this tab's own sockets carried to the server (pings aside). */
  get sent() {
    return this.transports.flatMap((transport) => transport.sent).filter((frame) => frame.type !== 'ping');
  }
}
