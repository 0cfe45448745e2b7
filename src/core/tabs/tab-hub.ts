import * as v from 'valibot';
import { browserPageLifecycle, type PageLifecycle } from './page-lifecycle.ts';
import type { TabChannel } from './tab-channel.ts';
import { ENVELOPE_VERSION, issueReason, parseEnvelope, type TabEnvelope, type TabTopic } from './tab-envelope.ts';
import type { TabLeadership } from './tab-leadership.ts';
import { HEARTBEAT_MS, TabRoster, sameBeat, tabBeatSchema, type TabBeat, type TabState } from './tab-roster.ts';

/** The name of the one channel of a user's tabs. */
export const tabHubChannelName = (userId: string) => `ama2:${userId}`;

/** What a topic tells the hub when it joins. */
export interface TopicSpec<M> {
  topic: Exclude<TabTopic, 'hub'>;
  /** Checks a body from another tab (it may run another build); the hub drops and counts what fails. */
  schema: v.GenericSchema<unknown, M>;
  /** This tab has just become the leader (a hand-over: the old leader closed, crashed or was frozen). */
  onLeader?(): void;
  /** This tab has just stopped leading (its lock was stolen while it was frozen). */
  onFollower?(): void;
  /** This tab is going (the page is hidden for good, or the client stops): the topic's last words to the others. */
  onLeave?(): void;
  /** A body of this topic was dropped for failing its schema (the reason, never the content). */
  onInvalid?(reason: string): void;
}

/** A topic's handle on the hub. */
export interface HubTopic<M> {
  readonly tabId: string;
  /** Whether this tab leads; always true for a tab alone. */
  isLeader(): boolean;
  /** Sends a body to this topic in every other tab (nowhere for a tab alone). */
  post(body: M): void;
  /** Called for each valid body of this topic from another tab; returns an unsubscribe function. */
  subscribe(listener: (body: M, from: string) => void): () => void;
  /** Stops hearing this topic and its hooks (the hub itself stays). */
  leave(): void;
}

/** This tab's own part of its beat. */
export type OwnTabState = Omit<TabBeat, 'tabId' | 'leader' | 'cursors'>;

export interface TabHubOptions {
  tabId: string;
  /** Owned from here on: {@link TabHub.close} is its one closer. Null: no Web Locks (every tab then acts as a leader). */
  leadership: TabLeadership | null;
  /** The channel `ama2:<userId>`; owned from here on. Null: no BroadcastChannel. */
  channel: TabChannel<TabEnvelope> | null;
  lifecycle?: PageLifecycle;
  now?(): number;
  /** Runs `callback` every `ms`; returns a stop function (defaults to `setInterval`). */
  every?(ms: number, callback: () => void): () => void;
  /** Told about every envelope dropped (never its content); by default a warning. */
  onInvalid?(topic: string | null, reason: string): void;
}

type HubBody = { kind: 'beat'; beat: TabBeat } | { kind: 'gone' };
const hubBodySchema = v.variant('kind', [
  v.object({ kind: v.literal('beat'), beat: tabBeatSchema }),
  v.object({ kind: v.literal('gone') }),
]);

interface Joined {
  spec: TopicSpec<unknown>;
  listeners: Set<(body: unknown, from: string) => void>;
}

const defaultEvery = (ms: number, callback: () => void) => {
  const timer = setInterval(callback, ms);
  return () => clearInterval(timer);
};

function warnInvalid(topic: string | null, reason: string): void {
  console.warn(`Dropped an invalid message from another tab${topic ? ` (${topic})` : ''}: ${reason}.`);
}

/**
 * The tabs of one user in one browser profile, as one thing: one leadership (owned and
 * closed here only), one channel carrying one validated envelope, and one heartbeat whose
 * beats make the one list of live tabs (what each shows, follows and focuses).
 *
 * The connection relay, the outbox, notifications, reads and drafts are topics: each joins
 * with its body schema and its `onLeader` / `onFollower` hooks, and a hand-over is handled
 * here, in one place, by calling those hooks in the order the topics joined.
 *
 * Without BroadcastChannel the tab is alone: it leads, posts nowhere and hears nobody. Without
 * Web Locks the tabs still talk (reads, drafts, states), but each leads itself (its own
 * connection, outbox and notifications), as each tab did before tabs shared anything.
 */
export class TabHub {
  readonly tabId: string;
  private readonly leadership: TabLeadership | null;
  private readonly channel: TabChannel<TabEnvelope> | null;
  private readonly roster = new TabRoster();
  private readonly topics = new Map<TabTopic, Joined>();
  private readonly listeners = new Set<() => void>();
  private readonly stops: (() => void)[] = [];
  private readonly now: () => number;
  private own: OwnTabState = { visible: false, focused: false, threadId: null, follow: [], focus: [] };
  private cursorOf: (threadId: string) => number = () => 0;
  private lastBeat: TabBeat | null = null;
  private lastPostedAt = -Infinity;
  private invalid = 0;
  private closed = false;
  /** The page is hidden for good or in the back/forward cache: silent until it shows again. */
  private left = false;

  constructor(private readonly options: TabHubOptions) {
    this.tabId = options.tabId;
    this.now = options.now ?? (() => Date.now());
    // A lock without a channel leads nobody: it is let go at once, and the tab is alone.
    if (!options.channel) options.leadership?.close();
    this.channel = options.channel;
    this.leadership = options.channel ? options.leadership : null;
    if (!this.channel) return;
    if (this.leadership) this.stops.push(this.leadership.subscribe((leader) => this.handOver(leader)));
    this.stops.push(
      this.channel.subscribe((raw) => this.receive(raw)),
      (options.every ?? defaultEvery)(HEARTBEAT_MS, () => this.tick()),
      (options.lifecycle ?? browserPageLifecycle)((event) => {
        if (event === 'pagehide') this.leave();
        else if (event === 'pageshow') this.rejoin();
      }),
    );
    this.beat();
  }

  /** True when the tab has no other tabs to talk to (no BroadcastChannel). */
  get alone(): boolean {
    return this.channel === null;
  }

  /** True when one tab leads the others (Web Locks and BroadcastChannel): they share one connection and one outbox. */
  get shares(): boolean {
    return this.channel !== null && this.leadership !== null;
  }

  isLeader(): boolean {
    return this.leadership?.isLeader() ?? true;
  }

  /** Envelopes and bodies dropped for failing validation. */
  get invalidCount(): number {
    return this.invalid;
  }

  /** Joins a topic (once per topic at a time). */
  join<M>(spec: TopicSpec<M>): HubTopic<M> {
    if (this.topics.has(spec.topic)) throw new Error(`The topic ${spec.topic} is already joined.`);
    const joined: Joined = { spec: spec as TopicSpec<unknown>, listeners: new Set() };
    this.topics.set(spec.topic, joined);
    return {
      tabId: this.tabId,
      isLeader: () => this.isLeader(),
      post: (body) => this.post(spec.topic, body),
      subscribe: (listener) => {
        const typed = listener as (body: unknown, from: string) => void;
        joined.listeners.add(typed);
        return () => joined.listeners.delete(typed);
      },
      leave: () => {
        joined.listeners.clear();
        if (this.topics.get(spec.topic) === joined) this.topics.delete(spec.topic);
      },
    };
  }

  /** Changes this tab's state; beats at once when anything changed. */
  update(change: Partial<OwnTabState>): void {
    const next = { ...this.own, ...change };
    next.focused = next.focused && next.visible;
    this.own = next;
    if (this.beat()) this.changed();
  }

  /** Where this tab's engine is in a thread, for the cursors of its beat. */
  setCursorSource(cursorOf: (threadId: string) => number): void {
    this.cursorOf = cursorOf;
  }

  /** This tab's state and every live other tab's, this tab first. */
  tabs(): TabState[] {
    const state = ({ tabId, visible, focused, threadId }: TabState): TabState => ({ tabId, visible, focused, threadId });
    return [state({ tabId: this.tabId, ...this.own }), ...this.roster.beats().map(state)];
  }

  /** Whether any tab (this one included) is visible with `threadId` on screen. */
  anyVisibleOn(threadId: string): boolean {
    return this.tabs().some((state) => state.visible && state.threadId === threadId);
  }

  /** The other live tabs' last beats. */
  others(): TabBeat[] {
    return this.roster.beats();
  }

  /** Called when any tab's state changes, or a tab comes or goes; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The page is hidden for good (`pagehide`): the others drop this tab at once; it stays silent until {@link rejoin}. */
  leave(): void {
    if (this.closed || this.left || !this.channel) return;
    for (const { spec } of [...this.topics.values()]) spec.onLeave?.();
    this.left = true;
    this.post('hub', { kind: 'gone' } satisfies HubBody);
  }

  /** The page came back from the back/forward cache (`pageshow`): it beats again, and the others answer. */
  rejoin(): void {
    if (this.closed || !this.left) return;
    this.left = false;
    this.lastBeat = null;
    this.beat();
  }

  /** Leaves, and hands the leadership on: the one place it is closed (sign-out, the client stops). */
  close(): void {
    if (this.closed) return;
    this.leave();
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.leadership?.close();
    this.channel?.close();
    this.topics.clear();
    this.roster.clear();
    this.listeners.clear();
  }

  /** The one hand-over: every topic's hook, in the order they joined. */
  private handOver(leader: boolean): void {
    if (this.closed) return;
    this.beat();
    for (const { spec } of [...this.topics.values()]) (leader ? spec.onLeader : spec.onFollower)?.();
  }

  private post(topic: TabTopic, body: unknown): void {
    if (this.closed || !this.channel) return;
    this.channel.post({ v: ENVELOPE_VERSION, topic, from: this.tabId, body });
  }

  /** Posts this tab's beat when it differs from the last one (or `force`); true when it differed. */
  private beat(force = false): boolean {
    if (this.closed) return false;
    const follow = [...this.own.follow];
    const beat: TabBeat = {
      tabId: this.tabId,
      ...this.own,
      follow,
      focus: [...this.own.focus],
      leader: this.isLeader(),
      cursors: follow.map((threadId) => this.cursorOf(threadId)),
    };
    const differs = !this.lastBeat || !sameBeat(this.lastBeat, beat);
    this.lastBeat = beat;
    if ((differs || force) && !this.left && this.channel) {
      this.lastPostedAt = this.now();
      this.post('hub', { kind: 'beat', beat } satisfies HubBody);
    }
    return differs;
  }

  /** The steady heartbeat, and expiry of the tabs that went silent. */
  private tick(): void {
    this.beat(true);
    if (this.roster.expire(this.now())) this.changed();
  }

  /** The one boundary: the envelope, then the topic's body, each checked with its schema; nothing invalid is thrown. */
  private receive(raw: unknown): void {
    if (this.closed) return;
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) return this.drop(null, parsed.reason);
    const { topic, from, body } = parsed.envelope;
    if (from === this.tabId) return;
    if (topic === 'hub') {
      const result = v.safeParse(hubBodySchema, body);
      if (!result.success) return this.drop(topic, issueReason(result.issues, 'not a hub message'));
      return this.receiveHub(from, result.output);
    }
    const joined = this.topics.get(topic);
    if (!joined) return;
    const result = v.safeParse(joined.spec.schema, body);
    if (!result.success) {
      const reason = issueReason(result.issues, `not a ${topic} message`);
      joined.spec.onInvalid?.(reason);
      return this.drop(topic, reason, joined.spec.onInvalid !== undefined);
    }
    for (const listener of [...joined.listeners]) listener(result.output, from);
  }

  private receiveHub(from: string, body: HubBody): void {
    if (body.kind === 'gone') {
      // A leader that leaves on purpose hands the lock to the next tab in line: no reason to steal it meanwhile.
      if (this.roster.get(from)?.leader) this.leadership?.heardLeader?.();
      if (this.roster.remove(from)) this.changed();
      return;
    }
    const { beat } = body;
    if (beat.tabId !== from) return this.drop('hub', 'beat of another tab');
    if (beat.leader) this.leadership?.heardLeader?.();
    const heard = this.roster.heard(beat, this.now());
    // A tab that joins learns of this one at once; a leader's beat is answered, so a hidden
    // tab whose timers the browser slows stays alive while the leader beats.
    if (heard === 'joined' || (beat.leader && this.now() - this.lastPostedAt >= HEARTBEAT_MS)) this.beat(true);
    if (heard !== 'same') this.changed();
  }

  private drop(topic: string | null, reason: string, told = false): void {
    this.invalid++;
    if (!told) (this.options.onInvalid ?? warnInvalid)(topic, reason);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
