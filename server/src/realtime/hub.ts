import type { Outbound } from './outbound.ts';

/** A live receiver: a WebSocket connection or an SSE stream. */
export interface Subscriber {
  readonly senderId: string;
  deliver(outbound: Outbound): void;
}

/** One user's frame among many (see {@link Hub.publishToUsers}). */
export interface UserFrame {
  userId: string;
  outbound: Outbound;
}

/**
 * Fan-out of live frames. In-process now; a broker (NATS, Redis) can implement the same
 * interface when one process is no longer enough.
 */
export interface Hub {
  /**
   * Keeps frames published by other processes coming to this one until the returned function
   * is called; resolves once every frame published from then on will. Each live receiver holds
   * it from before its `ready` (or its replay) to its end.
   */
  listen(): Promise<() => void>;
  subscribe(threadId: string, subscriber: Subscriber): void;
  isSubscribed(threadId: string, subscriber: Subscriber): boolean;
  /** Ends every subscription of the subscriber, and its user attachment. */
  unsubscribeAll(subscriber: Subscriber): void;
  /** Subscribers that follow every thread of a user (the user socket), by user id. */
  attachUser(userId: string, subscriber: Subscriber): void;
  /** Subscribes the user's live connections to a thread the user just gained. */
  addUserToThread(userId: string, threadId: string): void;
  /** Subscribers that follow every thread an agent takes part in (the agent socket, CONTRACT §15), by agent id. */
  attachAgent(agentId: string, subscriber: Subscriber): void;
  /** Subscribes the agent's live connections to a thread the agent was just added to. */
  addAgentToThread(agentId: string, threadId: string): void;
  /** Sends to every subscriber of the thread, except the outbound's excluded sender. */
  publish(outbound: Outbound): void;
  /** Sends to one user's connections only (e.g. `thread_read` echoes). */
  publishToUser(userId: string, outbound: Outbound, except?: Subscriber): void;
  /** Sends each frame to its user's connections, in order: many users' at once (a round's notifications). */
  publishToUsers(frames: readonly UserFrame[]): void;
  subscriberCount(threadId: string): number;
}

export class InProcessHub implements Hub {
  private readonly threads = new Map<string, Set<Subscriber>>();
  private readonly users = new Map<string, Set<Subscriber>>();
  private readonly agents = new Map<string, Set<Subscriber>>();
  /** What each subscriber is subscribed to, so that leaving is one call. */
  private readonly memberships = new Map<Subscriber, { threads: Set<string>; userId: string | null; agentId: string | null }>();

  /** One process: every frame is published here. */
  listen(): Promise<() => void> {
    return Promise.resolve(() => undefined);
  }

  private membership(subscriber: Subscriber) {
    let entry = this.memberships.get(subscriber);
    if (!entry) this.memberships.set(subscriber, (entry = { threads: new Set(), userId: null, agentId: null }));
    return entry;
  }

  subscribe(threadId: string, subscriber: Subscriber): void {
    let set = this.threads.get(threadId);
    if (!set) this.threads.set(threadId, (set = new Set()));
    set.add(subscriber);
    this.membership(subscriber).threads.add(threadId);
  }

  isSubscribed(threadId: string, subscriber: Subscriber): boolean {
    return this.threads.get(threadId)?.has(subscriber) ?? false;
  }

  unsubscribeAll(subscriber: Subscriber): void {
    const entry = this.memberships.get(subscriber);
    if (!entry) return;
    this.memberships.delete(subscriber);
    for (const threadId of entry.threads) {
      const set = this.threads.get(threadId);
      set?.delete(subscriber);
      if (set?.size === 0) this.threads.delete(threadId);
    }
    if (entry.userId !== null) detach(this.users, entry.userId, subscriber);
    if (entry.agentId !== null) detach(this.agents, entry.agentId, subscriber);
  }

  attachUser(userId: string, subscriber: Subscriber): void {
    let set = this.users.get(userId);
    if (!set) this.users.set(userId, (set = new Set()));
    set.add(subscriber);
    this.membership(subscriber).userId = userId;
  }

  addUserToThread(userId: string, threadId: string): void {
    for (const subscriber of this.users.get(userId) ?? []) this.subscribe(threadId, subscriber);
  }

  attachAgent(agentId: string, subscriber: Subscriber): void {
    let set = this.agents.get(agentId);
    if (!set) this.agents.set(agentId, (set = new Set()));
    set.add(subscriber);
    this.membership(subscriber).agentId = agentId;
  }

  addAgentToThread(agentId: string, threadId: string): void {
    for (const subscriber of this.agents.get(agentId) ?? []) this.subscribe(threadId, subscriber);
  }

  publish(outbound: Outbound): void {
    const set = this.threads.get(outbound.threadId);
    if (!set) return;
    for (const subscriber of set) {
      if (subscriber.senderId !== outbound.exceptSenderId) subscriber.deliver(outbound);
    }
    // An erased thread's farewell is its last frame (CONTRACT §14): nothing of it reaches anyone after it.
    if (outbound.eventType === 'thread_deleted') this.endThread(outbound.threadId);
  }

  /** Ends every subscription of the thread. */
  private endThread(threadId: string): void {
    for (const subscriber of this.threads.get(threadId) ?? []) this.memberships.get(subscriber)?.threads.delete(threadId);
    this.threads.delete(threadId);
  }

  publishToUser(userId: string, outbound: Outbound, except?: Subscriber): void {
    for (const subscriber of this.users.get(userId) ?? []) {
      if (subscriber !== except) subscriber.deliver(outbound);
    }
  }

  publishToUsers(frames: readonly UserFrame[]): void {
    for (const { userId, outbound } of frames) this.publishToUser(userId, outbound);
  }

  /** Whether the user has connections on this process. */
  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  subscriberCount(threadId: string): number {
    return this.threads.get(threadId)?.size ?? 0;
  }
}

function detach(map: Map<string, Set<Subscriber>>, key: string, subscriber: Subscriber): void {
  const set = map.get(key);
  set?.delete(subscriber);
  if (set?.size === 0) map.delete(key);
}
