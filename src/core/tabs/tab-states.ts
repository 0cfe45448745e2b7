import type { TabChannel } from './tab-channel.ts';

/** Each tab announces its state this often even when nothing changed: the others' proof it is alive. */
export const TAB_ANNOUNCE_INTERVAL_MS = 2_000;
/** A tab not heard from for this long is gone (closed, crashed or frozen): 2.5 announcements missed. */
export const TAB_STATE_TTL_MS = 5_000;

/** What one tab tells the others about itself. */
export interface TabState {
  tabId: string;
  /** The page is visible (`document.visibilityState`). */
  visible: boolean;
  /** The page is visible and has the keyboard focus (`document.hasFocus()`). */
  focused: boolean;
  /** The thread on screen, or null. */
  threadId: string | null;
}

type TabStateMessage =
  | { type: 'tab_state'; state: TabState }
  /** A tab that just joined asks the others to announce at once. */
  | { type: 'tab_hello'; tabId: string }
  | { type: 'tab_gone'; tabId: string };

/** The name of the tab-state channel of one user. */
export const tabStatesChannelName = (userId: string) => `ama2:tabs:${userId}`;

export interface TabStatesOptions {
  channel: TabChannel<TabStateMessage>;
  tabId: string;
  now?: () => number;
  /** Runs `callback` every `ms`; returns a stop function (defaults to `setInterval`). */
  every?: (ms: number, callback: () => void) => () => void;
}

const defaultEvery = (ms: number, callback: () => void) => {
  const timer = setInterval(callback, ms);
  return () => clearInterval(timer);
};

/**
 * The states of all tabs of this user in this browser profile: this tab's own (set by the
 * page) and the others' as they announced them. An entry not refreshed within
 * {@link TAB_STATE_TTL_MS} expires; a tab that says it is gone (page hide) is removed at once.
 */
export class TabStates {
  private own: TabState;
  private readonly others = new Map<string, { state: TabState; heardAt: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly stops: (() => void)[] = [];
  private readonly now: () => number;
  private closed = false;
  private left = false;

  constructor(private readonly options: TabStatesOptions) {
    this.now = options.now ?? (() => Date.now());
    this.own = { tabId: options.tabId, visible: false, focused: false, threadId: null };
    this.stops.push(
      options.channel.subscribe((message) => this.receive(message)),
      (options.every ?? defaultEvery)(TAB_ANNOUNCE_INTERVAL_MS, () => this.tick()),
    );
    options.channel.post({ type: 'tab_hello', tabId: options.tabId });
    this.announce();
  }

  /** Changes this tab's state; announced at once when anything changed. */
  update(change: Partial<Omit<TabState, 'tabId'>>): void {
    const next = { ...this.own, ...change };
    if (next.visible === this.own.visible && next.focused === this.own.focused && next.threadId === this.own.threadId) return;
    this.own = next;
    this.announce();
    this.changed();
  }

  /** This tab's state and every live other tab's, this tab first. */
  all(): TabState[] {
    this.expire();
    return [this.own, ...[...this.others.values()].map((entry) => entry.state)];
  }

  /** Whether any tab (this one included) is visible with `threadId` on screen. */
  anyVisibleOn(threadId: string): boolean {
    return this.all().some((state) => state.visible && state.threadId === threadId);
  }

  /** Called when any tab's state changes; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The page is hidden for good or put in the back/forward cache (`pagehide`): the others drop
   * this tab at once, and it stays silent until {@link rejoin}.
   */
  leave(): void {
    if (this.closed || this.left) return;
    this.left = true;
    this.options.channel.post({ type: 'tab_gone', tabId: this.own.tabId });
  }

  /** The page came back from the back/forward cache (`pageshow`): announced again, others asked to. */
  rejoin(): void {
    if (this.closed || !this.left) return;
    this.left = false;
    this.options.channel.post({ type: 'tab_hello', tabId: this.own.tabId });
    this.announce();
  }

  /** Leaves and stops for good (sign-out, the engine stops). */
  close(): void {
    if (this.closed) return;
    this.leave();
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.others.clear();
    this.listeners.clear();
  }

  /** The steady announcement, and expiry of the tabs that went silent. */
  private tick(): void {
    this.announce();
    if (this.expire()) this.changed();
  }

  private announce(): void {
    if (!this.closed && !this.left) this.options.channel.post({ type: 'tab_state', state: this.own });
  }

  private expire(): boolean {
    const cutoff = this.now() - TAB_STATE_TTL_MS;
    let removed = false;
    for (const [tabId, entry] of this.others) {
      if (entry.heardAt < cutoff) {
        this.others.delete(tabId);
        removed = true;
      }
    }
    return removed;
  }

  private receive(raw: unknown): void {
    const message = parseMessage(raw);
    if (!message || this.closed) return;
    switch (message.type) {
      case 'tab_hello':
        this.announce();
        return;
      case 'tab_gone':
        if (this.others.delete(message.tabId)) this.changed();
        return;
      case 'tab_state': {
        const { state } = message;
        if (state.tabId === this.own.tabId) return;
        const before = this.others.get(state.tabId)?.state;
        this.others.set(state.tabId, { state, heardAt: this.now() });
        if (!before || before.visible !== state.visible || before.focused !== state.focused || before.threadId !== state.threadId) {
          this.changed();
        }
        return;
      }
    }
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;

/** Validates a message from another tab (which may run another build); null when it is not one of ours. */
function parseMessage(raw: unknown): TabStateMessage | null {
  if (!isRecord(raw)) return null;
  if ((raw.type === 'tab_hello' || raw.type === 'tab_gone') && isId(raw.tabId)) return { type: raw.type, tabId: raw.tabId };
  if (raw.type !== 'tab_state' || !isRecord(raw.state)) return null;
  const { tabId, visible, focused, threadId } = raw.state;
  if (!isId(tabId) || typeof visible !== 'boolean' || typeof focused !== 'boolean') return null;
  if (threadId !== null && !isId(threadId)) return null;
  return { type: 'tab_state', state: { tabId, visible, focused: focused && visible, threadId } };
}
