import type { Connection } from '../connection/connection.ts';
import { ConnectionEvents } from '../connection/connection-events.ts';
import type { ClientFrame } from '../protocol/client-frames.ts';
import { connBodySchema, type ConnBody } from './conn-messages.ts';
import { FollowerRole } from './follower-role.ts';
import { LeaderRole } from './leader-role.ts';
import type { HubTopic, TabHub } from './tab-hub.ts';
import type { TabRole, TabRoleHost } from './tab-role.ts';

export interface TabConnectionOptions {
  /** The user's tabs; not owned (its owner closes it, and with it the leadership, after {@link TabConnection.stop}). */
  hub: TabHub;
  /** The real connection (a ConnectionManager), made afresh each time this tab becomes the leader. */
  createConnection(): Connection;
  /** Where this tab's engine is in a thread: reported to the leader (in the heartbeat) for its per-thread fallbacks. */
  cursorOf?(threadId: string): number;
  /** Told about every relay message dropped for failing validation (never its content); by default a warning. */
  onInvalidMessage?(reason: string): void;
}

function warnInvalid(reason: string): void {
  console.warn(`Dropped an invalid message from another tab: ${reason}.`);
}

/**
 * The engine's {@link Connection} in a browser with several tabs of one user: the relay topic
 * of the {@link TabHub}. One tab (the hub's leader) holds the real connection and relays it;
 * every other tab mirrors it. The engine cannot tell which kind of tab it runs in:
 * when leadership moves, its state passes through `connecting` to `open` and it hears
 * `onOpen({reconnect: true})`, so it catches up from its own applied seqs as after any reconnect.
 */
export class TabConnection extends ConnectionEvents implements Connection {
  private role: TabRole | null = null;
  private running = false;
  private stopped = false;
  private invalidMessages = 0;
  private follow_: readonly string[] = [];
  private readonly focus = new Set<string>();
  private unsubscribers: (() => void)[] = [];
  private topic: HubTopic<ConnBody> | null = null;
  private readonly host: TabRoleHost;

  constructor(private readonly options: TabConnectionOptions) {
    super();
    const { hub } = options;
    this.host = {
      tabId: hub.tabId,
      post: (message) => this.topic?.post(message),
      setState: (state) => this.setState(state),
      getState: () => this.getState(),
      emitFrame: (frame) => this.emitFrame(frame),
      emitOpen: (transport) => this.announceOpen(transport),
      ownFollow: () => this.follow_,
      ownFocus: () => [...this.focus],
      ownCursor: (threadId) => options.cursorOf?.(threadId) ?? 0,
      others: () => hub.others(),
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
    const { hub } = this.options;
    const topic = (this.topic = hub.join({
      topic: 'conn',
      schema: connBodySchema,
      onLeader: () => this.takeRole(true),
      onFollower: () => this.takeRole(false),
      onInvalid: (reason) => {
        this.invalidMessages++;
        (this.options.onInvalidMessage ?? warnInvalid)(reason);
      },
    }));
    hub.setCursorSource((threadId) => this.options.cursorOf?.(threadId) ?? 0);
    this.unsubscribers = [
      topic.subscribe((body, from) => this.role?.onMessage({ ...body, from })),
      hub.subscribe(() => this.role?.rosterChanged()),
    ];
    this.takeRole(hub.isLeader());
  }

  /**
   * Ends this tab's part (engine stop, sign-out): a leader closes its connection and resigns.
   * The lock stays with the hub, whose owner closes it next (then another tab leads).
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.leaveRole();
    this.topic?.leave();
    this.topic = null;
    this.options.hub.update({ follow: [], focus: [] });
    this.setState({ status: 'paused', reason: 'stopped' });
  }

  /** Focus is kept per tab (the leader tells the server the union of all tabs); the rest goes to the leader. */
  send(frame: ClientFrame): boolean {
    if (frame.type === 'focus_thread' || frame.type === 'unfocus_thread') {
      const threadId = frame.data.thread_id;
      const changed = frame.type === 'focus_thread' ? !this.focus.has(threadId) : this.focus.has(threadId);
      if (frame.type === 'focus_thread') this.focus.add(threadId);
      else this.focus.delete(threadId);
      if (changed) this.ownChanged();
      return this.getState().status === 'open';
    }
    return this.role?.send(frame) ?? false;
  }

  follow(threadIds: readonly string[]): void {
    this.follow_ = [...threadIds];
    this.ownChanged();
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
    if (role.kind === 'leader') this.host.post({ kind: 'resign' });
  }

  /** What this tab follows and focuses changed: its beat tells the others, its role acts on it. */
  private ownChanged(): void {
    if (this.running) this.options.hub.update({ follow: this.follow_, focus: [...this.focus] });
    this.role?.ownChanged();
  }
}
