import { sameConnectionState, type Connection, type ConnectionState, type OpenInfo } from '../connection/connection.ts';
import { emit } from '../connection/emit.ts';
import type { TransportKind } from '../connection/transport.ts';
import type { ClientFrame } from '../protocol/client-frames.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { parseConnMessage, type ConnMessage } from './conn-messages.ts';
import { FollowerRole } from './follower-role.ts';
import { LeaderRole } from './leader-role.ts';
import type { TabChannel } from './tab-channel.ts';
import type { TabLeadership } from './tab-leadership.ts';
import { TAB_BEAT_MS, type TabRole, type TabRoleHost } from './tab-role.ts';

export interface TabConnectionOptions {
  /** Owned from here on: closed by {@link TabConnection.stop}. */
  leadership: TabLeadership;
  /** The relay channel (`ama2:conn:<userId>`); owned from here on. */
  channel: TabChannel<ConnMessage>;
  /** The real connection (a ConnectionManager), made afresh each time this tab becomes the leader. */
  createConnection(): Connection;
  /** Where this tab's engine is in a thread: reported to the leader for its per-thread fallbacks. */
  cursorOf?(threadId: string): number;
  /** Told about every relay message dropped for failing validation (never its content). */
  onInvalidMessage?(reason: string): void;
  beatMs?: number;
}

function warnInvalid(reason: string): void {
  console.warn(`Dropped an invalid message from another tab: ${reason}.`);
}

/**
 * The engine's {@link Connection} in a browser with several tabs of one user: one tab (the
 * leader, elected by {@link TabLeadership}) holds the real connection and relays it over a
 * channel; every other tab mirrors it. The engine cannot tell which kind of tab it runs in:
 * when leadership moves, its state passes through `connecting` to `open` and it hears
 * `onOpen({reconnect: true})`, so it catches up from its own applied seqs as after any reconnect.
 */
export class TabConnection implements Connection {
  private state: ConnectionState = { status: 'connecting', attempt: 1 };
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly frameListeners = new Set<(frame: InboundFrame) => void>();
  private readonly openListeners = new Set<(info: OpenInfo) => void>();
  private role: TabRole | null = null;
  private running = false;
  private stopped = false;
  private everOpened = false;
  private invalidMessages = 0;
  private follow_: readonly string[] = [];
  private readonly focus = new Set<string>();
  private unsubscribers: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly host: TabRoleHost;

  constructor(private readonly options: TabConnectionOptions) {
    const { channel, leadership } = options;
    this.host = {
      tabId: leadership.tabId,
      post: (message) => channel.post(message),
      setState: (state) => this.setState(state),
      getState: () => this.state,
      emitFrame: (frame) => emit(this.frameListeners, frame),
      emitOpen: (transport) => this.announceOpen(transport),
      ownFollow: () => this.follow_,
      ownFocus: () => [...this.focus],
      ownCursor: (threadId) => options.cursorOf?.(threadId) ?? 0,
    };
  }

  /** Whether this tab holds the real connection now. */
  get isLeader(): boolean {
    return this.role?.kind === 'leader';
  }

  /**
   * Where the leader's per-thread fallback (SSE, polling) resumes a thread: the lowest applied
   * seq among the tabs that follow it, so that none misses an event.
   */
  cursorOf(threadId: string): number {
    return this.role?.cursorOf(threadId) ?? this.options.cursorOf?.(threadId) ?? 0;
  }

  get invalidFrameCount(): number {
    return this.invalidMessages + (this.role?.invalidFrameCount ?? 0);
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    const { channel, leadership } = this.options;
    this.unsubscribers = [channel.subscribe((raw) => this.onMessage(raw)), leadership.subscribe((leader) => this.takeRole(leader))];
    this.timer = setInterval(() => this.role?.beat(), this.options.beatMs ?? TAB_BEAT_MS);
    this.takeRole(leadership.isLeader());
  }

  /** Ends this tab's part for good (engine stop, sign-out): a leader hands the lock on. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopped = true;
    clearInterval(this.timer);
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.leaveRole();
    this.options.leadership.close();
    this.options.channel.close();
    this.setState({ status: 'paused', reason: 'stopped' });
  }

  getState(): ConnectionState {
    return this.state;
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onFrame(listener: (frame: InboundFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onOpen(listener: (info: OpenInfo) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Focus is kept per tab (the leader tells the server the union of all tabs); the rest goes to the leader. */
  send(frame: ClientFrame): boolean {
    if (frame.type === 'focus_thread' || frame.type === 'unfocus_thread') {
      const threadId = frame.data.thread_id;
      const changed = frame.type === 'focus_thread' ? !this.focus.has(threadId) : this.focus.has(threadId);
      if (frame.type === 'focus_thread') this.focus.add(threadId);
      else this.focus.delete(threadId);
      if (changed) this.role?.ownChanged();
      return this.state.status === 'open';
    }
    return this.role?.send(frame) ?? false;
  }

  follow(threadIds: readonly string[]): void {
    this.follow_ = [...threadIds];
    this.role?.ownChanged();
  }

  retryNow(): void {
    this.role?.retryNow();
  }

  resume(): void {
    this.role?.resume();
  }

  private takeRole(leader: boolean): void {
    if (!this.running) return;
    const current = this.role;
    if (current && (current.kind === 'leader') === leader) return;
    const inherited = current instanceof FollowerRole ? current.takePending() : [];
    this.leaveRole();
    this.role = leader ? new LeaderRole(this.host, this.options.createConnection, inherited) : new FollowerRole(this.host);
  }

  private leaveRole(): void {
    const role = this.role;
    this.role = null;
    if (!role) return;
    role.stop();
    if (role.kind === 'leader') this.host.post({ kind: 'resign', from: this.host.tabId });
  }

  private onMessage(raw: unknown): void {
    const parsed = parseConnMessage(raw);
    if (!parsed.ok) {
      this.invalidMessages++;
      (this.options.onInvalidMessage ?? warnInvalid)(parsed.reason);
      return;
    }
    this.role?.onMessage(parsed.message);
  }

  private announceOpen(transport: TransportKind): void {
    const reconnect = this.everOpened;
    this.everOpened = true;
    emit(this.openListeners, { transport, reconnect });
  }

  private setState(next: ConnectionState): void {
    if (sameConnectionState(this.state, next)) return;
    this.state = next;
    emit(this.stateListeners, next);
  }
}
