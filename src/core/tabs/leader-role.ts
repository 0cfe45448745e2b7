import type { Connection } from '../connection/connection.ts';
import type { ClientFrame } from '../protocol/client-frames.ts';
import type { ConnMessage } from './conn-messages.ts';
import { FocusUnion } from './focus-union.ts';
import { MAX_RELAYED_SENDS, type RelayedSend, type TabRole, type TabRoleHost } from './tab-role.ts';

/** A send waiting for an open connection; `from` null: this tab's own, handed over when it became leader. */
interface HeldSend extends RelayedSend {
  from: string | null;
}

/**
 * The leader tab: it holds the real connection (made by the factory, started now) and tells
 * every other tab its state, its frames and its opens. It follows the union of all tabs'
 * threads, keeps the server's focus the union of all tabs' focus, and sends the frames other
 * tabs hand it (held until the connection is open, then acknowledged). What the other tabs
 * follow and focus, and where their engines are, it reads from the hub's list of live tabs.
 */
export class LeaderRole implements TabRole {
  readonly kind = 'leader';
  private readonly connection: Connection;
  /** The other tabs this leader has told its state. */
  private readonly known = new Set<string>();
  private readonly focus = new FocusUnion();
  private readonly held: HeldSend[];
  private readonly unsubscribers: (() => void)[];
  private followKey = '';

  constructor(
    private readonly host: TabRoleHost,
    createConnection: () => Connection,
    /** Sends this tab made as a follower that no leader acknowledged: this tab sends them now. */
    inherited: readonly RelayedSend[] = [],
  ) {
    this.held = inherited.map((send) => ({ ...send, from: null }));
    const connection = (this.connection = createConnection());
    this.unsubscribers = [
      connection.subscribe((state) => {
        if (state.status !== 'open') this.focus.reset();
        host.setState(state);
        host.post({ kind: 'state', state });
      }),
      connection.onFrame((frame) => {
        // The other tabs first: this tab's own engine may take a while with it.
        host.post({ kind: 'frame', frame });
        host.emitFrame(frame);
      }),
      connection.onOpen((info) => {
        // A new transport: the server knows no focus of ours yet.
        this.focus.reset();
        this.focus.reconcile((frame) => connection.send(frame));
        this.sendHeld();
        host.emitOpen(info.transport);
        host.post({ kind: 'open', transport: info.transport });
      }),
    ];
    host.setState(connection.getState());
    host.post({ kind: 'state', state: connection.getState() });
    for (const tab of host.others()) this.known.add(tab.tabId);
    this.rosterChanged();
    connection.start();
  }

  get invalidFrameCount(): number {
    return this.connection.invalidFrameCount;
  }

  onMessage(message: ConnMessage): void {
    const { host } = this;
    switch (message.kind) {
      case 'hello':
        // A tab that starts to follow learns who leads at once.
        host.post({ kind: 'state', state: this.connection.getState() });
        return;
      case 'send':
        if (message.to !== host.tabId) return;
        this.held.push({ id: message.id, frame: message.frame, from: message.from });
        if (this.held.length > MAX_RELAYED_SENDS) this.held.shift();
        if (this.connection.getState().status === 'open') this.sendHeld();
        return;
      case 'retry':
        if (message.to === host.tabId) this.connection.retryNow();
        return;
      case 'resume':
        if (message.to === host.tabId) this.connection.resume();
        return;
      case 'state':
      case 'open':
      case 'frame':
      case 'ack':
      case 'resign':
        // Another tab that still thinks it leads (it was frozen): its lock is gone, it steps down soon.
        return;
    }
  }

  send(frame: ClientFrame): boolean {
    // Pings are the connection's own business; the engine never sends one.
    if (frame.type === 'ping') return false;
    return this.connection.send(frame);
  }

  ownChanged(): void {
    this.focus.setTab(this.host.tabId, this.host.ownFocus());
    this.tabsChanged();
  }

  rosterChanged(): void {
    const others = this.host.others();
    const live = new Set(others.map((tab) => tab.tabId));
    for (const tabId of [...this.known]) {
      if (live.has(tabId)) continue;
      this.known.delete(tabId);
      this.focus.removeTab(tabId);
    }
    for (const tab of others) {
      // A tab new to this leader learns who leads at once.
      if (!this.known.has(tab.tabId)) this.host.post({ kind: 'state', state: this.connection.getState() });
      this.known.add(tab.tabId);
      this.focus.setTab(tab.tabId, tab.focus);
    }
    this.ownChanged();
  }

  retryNow(): void {
    this.connection.retryNow();
  }

  resume(): void {
    this.connection.resume();
  }

  cursorOf(threadId: string): number {
    const cursors = this.host.others().flatMap((tab) => {
      const index = tab.follow.indexOf(threadId);
      return index >= 0 ? [tab.cursors[index] ?? 0] : [];
    });
    if (this.host.ownFollow().includes(threadId)) cursors.push(this.host.ownCursor(threadId));
    return cursors.length > 0 ? Math.min(...cursors) : 0;
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.connection.stop();
  }

  /** Follows the union of every tab's threads, and brings the server's focus in line. */
  private tabsChanged(): void {
    const follow = new Set(this.host.ownFollow());
    for (const tab of this.host.others()) for (const threadId of tab.follow) follow.add(threadId);
    const sorted = [...follow].sort();
    const key = sorted.join('\n');
    if (key !== this.followKey) {
      this.followKey = key;
      this.connection.follow(sorted);
    }
    if (this.connection.getState().status === 'open') this.focus.reconcile((frame) => this.connection.send(frame));
  }

  /** Sends what waited for the connection, once each; what this transport cannot carry is dropped, as for one tab. */
  private sendHeld(): void {
    for (const send of this.held.splice(0)) {
      this.connection.send(send.frame);
      if (send.from !== null) this.host.post({ kind: 'ack', to: send.from, id: send.id });
    }
  }
}
