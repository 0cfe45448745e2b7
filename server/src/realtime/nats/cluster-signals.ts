import type { FastifyBaseLogger } from 'fastify';
import type { Msg } from '@nats-io/transport-node';
import { LeftViewers } from '../left-viewers.ts';
import { presenceOutbound, typingOutbound, type LiveSignals, type TypingStatus } from '../live-signals.ts';
import { PresenceTracker } from '../presence-tracker.ts';
import { PresenceView, type PresenceChange } from '../presence-view.ts';
import { TypingTracker } from '../typing-tracker.ts';
import type { NatsBus } from './nats-bus.ts';
import type { NatsHub } from './nats-hub.ts';
import { isSubjectToken, type SubjectParts } from './subjects.ts';

/** Every process says it is alive this often. */
export const NODE_HEARTBEAT_MS = 2_000;
/** A process not heard from for three heartbeats is dead: its presence is cleared. */
export const NODE_TIMEOUT_MS = 3 * NODE_HEARTBEAT_MS;
/** How long a process waits for another's presence snapshot. */
const SNAPSHOT_TIMEOUT_MS = 2_000;
/**
 * On start, how long the others have to answer the hello with a heartbeat. They answer at
 * once; this covers a busy event loop. Then the snapshots they lead to are waited for.
 */
const STARTUP_ANSWER_MS = 250;

interface PresenceDelta {
  /** version: the node's count of presence changes */
  v: number;
  s: string;
  t: string;
  f: boolean;
}

interface Peer {
  /** The last version applied. */
  version: number;
  lastSeen: number;
  /** Deltas that came while a snapshot is on its way; null when in step. */
  pending: PresenceDelta[] | null;
}

/**
 * Typing and presence for several processes over NATS.
 *
 * Typing: every raw signal goes to every process (`signal.typing.<thread>`), and each runs
 * the same throttle and expiry on it and sends the resulting frames to its own sockets. So
 * throttle and expiry hold whichever process the typist is on, and the "stopped" of an
 * expiry comes even when the typist's process died.
 *
 * Presence: each process owns its entries (`(thread, sender)` with a local connection
 * focused) and announces each change as a numbered delta (`node.presence.<node>`).
 * Every process keeps the union (PresenceView) and sends frames for its changes to its own
 * sockets. Heartbeats (`node.heartbeat.<node>`, every NODE_HEARTBEAT_MS) carry the
 * version: a process that missed a delta, or hears a new process (`node.hello.<node>` on
 * start), asks for a snapshot (`node.snapshot.<node>`). A process silent for NODE_TIMEOUT_MS is dropped, so the
 * presence of a killed process is cleared within NODE_TIMEOUT_MS + NODE_HEARTBEAT_MS.
 * Heartbeats were chosen over a KV bucket with a TTL: nats-server 2.9 does not tell
 * watchers when a key ages out, so nobody would learn that a viewer left.
 */
export class ClusterSignals implements LiveSignals {
  private readonly own = new PresenceTracker();
  private readonly view = new PresenceView();
  private readonly left: LeftViewers;
  private readonly peers = new Map<string, Peer>();
  private readonly typingTracker: TypingTracker;
  private version = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly snapshots = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly hub: NatsHub,
    private readonly log: FastifyBaseLogger,
    private readonly clock: () => number = Date.now,
  ) {
    this.left = new LeftViewers(clock);
    this.typingTracker = new TypingTracker((threadId, senderId, status) => hub.deliverLocal(typingOutbound(threadId, senderId, status)));
    bus.on('signal', (parts, msg) => this.receiveSignal(parts, msg));
    bus.on('node', (parts, msg) => this.receiveNode(parts, msg));
    this.timer = setInterval(() => this.tick(), NODE_HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Says hello and waits until it has heard the processes already running and their
   * presence, so that the first newcomer on this process is told everyone who is viewing.
   */
  async start(): Promise<void> {
    this.bus.publish(this.bus.subjects.of('node', 'hello', this.bus.nodeId), '');
    await this.bus.flush();
    await new Promise((resolve) => setTimeout(resolve, STARTUP_ANSWER_MS));
    await Promise.all(this.snapshots);
  }

  typing(threadId: string, senderId: string, status: TypingStatus): void {
    this.bus.publish(this.bus.subjects.of('signal', 'typing', threadId), JSON.stringify({ s: senderId, st: status }));
    this.applyTyping(threadId, senderId, status);
  }

  focus(threadId: string, senderId: string): string[] {
    const others = this.view.viewers(threadId).filter((viewer) => viewer !== senderId);
    if (this.own.focused(threadId, senderId)) this.announce(threadId, senderId, true);
    return others;
  }

  unfocus(threadId: string, senderId: string): void {
    if (this.own.unfocused(threadId, senderId)) this.announce(threadId, senderId, false);
  }

  viewers(threadId: string): string[] {
    return this.view.viewers(threadId);
  }

  leftAt(threadId: string, senderId: string): number | undefined {
    return this.left.leftAt(threadId, senderId);
  }

  /** Says goodbye, so the others clear this process's presence at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.typingTracker.clear();
    this.bus.publish(this.bus.subjects.of('node', 'bye', this.bus.nodeId), '');
  }

  /** Stops without a goodbye (tests: a process that died). */
  abandon(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.typingTracker.clear();
  }

  private announce(threadId: string, senderId: string, focused: boolean): void {
    this.version++;
    const delta: PresenceDelta = { v: this.version, s: senderId, t: threadId, f: focused };
    this.bus.publish(this.bus.subjects.of('node', 'presence', this.bus.nodeId), JSON.stringify(delta));
    this.deliver(this.view.set(this.bus.nodeId, threadId, senderId, focused));
  }

  private deliver(changes: PresenceChange | PresenceChange[] | null): void {
    for (const change of [changes ?? []].flat()) {
      // (Every process keeps the union's changes: whichever takes a follow-up knows who left when.)
      if (change.status === 'unfocused') this.left.record(change.threadId, change.senderId);
      this.hub.deliverLocal(presenceOutbound(change.threadId, change.senderId, change.status));
    }
  }

  private applyTyping(threadId: string, senderId: string, status: TypingStatus): void {
    if (this.typingTracker.signal(threadId, senderId, status)) this.hub.deliverLocal(typingOutbound(threadId, senderId, status));
  }

  private receiveSignal(parts: SubjectParts, msg: Msg): void {
    if (this.closed || parts.event !== 'typing') return;
    const { s, st } = msg.json<{ s: string; st: TypingStatus }>();
    if (typeof s === 'string' && (st === 'started' || st === 'stopped')) this.applyTyping(parts.id, s, st);
  }

  private receiveDelta(nodeId: string, delta: PresenceDelta): void {
    const peer = this.peers.get(nodeId);
    if (!peer) return this.resync(nodeId, [delta]);
    peer.lastSeen = this.clock();
    if (peer.pending) {
      peer.pending.push(delta);
    } else if (delta.v === peer.version + 1) {
      peer.version = delta.v;
      this.deliver(this.view.set(nodeId, delta.t, delta.s, delta.f));
    } else if (delta.v > peer.version + 1) {
      this.resync(nodeId, [delta]);
    }
  }

  private receiveNode(parts: SubjectParts, msg: Msg): void {
    if (this.closed) return;
    if (parts.id === this.bus.nodeId) {
      // Another process asks for everything focused here, and the version it is at.
      if (parts.event === 'snapshot') msg.respond(JSON.stringify({ v: this.version, e: this.own.entries() }));
      return;
    }
    switch (parts.event) {
      case 'presence':
        return this.receiveDelta(parts.id, msg.json<PresenceDelta>());
      case 'hello':
        // A process just started: it learns about this one now rather than at the next heartbeat.
        this.heartbeat();
        return this.resync(parts.id, []);
      case 'heartbeat': {
        const { v } = msg.json<{ v: number }>();
        const peer = this.peers.get(parts.id);
        if (!peer) return this.resync(parts.id, []);
        peer.lastSeen = this.clock();
        if (!peer.pending && v !== peer.version) this.resync(parts.id, []);
        return;
      }
      case 'bye':
        this.peers.delete(parts.id);
        this.deliver(this.view.dropNode(parts.id));
        return;
    }
  }

  /** Asks a node for all its entries; deltas that come meanwhile wait and are applied after. */
  private resync(nodeId: string, pending: PresenceDelta[]): void {
    if (!isSubjectToken(nodeId)) return;
    let peer = this.peers.get(nodeId);
    if (peer?.pending) {
      peer.pending.push(...pending);
      return;
    }
    if (!peer) this.peers.set(nodeId, (peer = { version: 0, lastSeen: this.clock(), pending: null }));
    peer.pending = [...pending];
    const current = peer;
    const snapshot = this.bus
      .request(this.bus.subjects.of('node', 'snapshot', nodeId), '', SNAPSHOT_TIMEOUT_MS)
      .then((reply) => {
        if (this.closed || this.peers.get(nodeId) !== current) return;
        const { v, e } = reply.json<{ v: number; e: [string, string][] }>();
        current.version = v;
        this.deliver(this.view.replaceNode(nodeId, e));
        const waiting = current.pending ?? [];
        current.pending = null;
        // What came after the snapshot, while it follows on; a hole left is mended by the next heartbeat, not here at once.
        for (const delta of waiting) {
          if (delta.v <= current.version) continue;
          if (delta.v !== current.version + 1) break;
          current.version = delta.v;
          this.deliver(this.view.set(nodeId, delta.t, delta.s, delta.f));
        }
      })
      .catch((error: unknown) => {
        // It may have died meanwhile: forget it; if it lives, its next heartbeat starts over.
        this.log.debug({ err: error, node: nodeId }, 'presence snapshot not answered');
        if (this.peers.get(nodeId) === current) {
          this.peers.delete(nodeId);
          this.deliver(this.view.dropNode(nodeId));
        }
      })
      .finally(() => this.snapshots.delete(snapshot));
    this.snapshots.add(snapshot);
  }

  private heartbeat(): void {
    this.bus.publish(this.bus.subjects.of('node', 'heartbeat', this.bus.nodeId), JSON.stringify({ v: this.version }));
  }

  private tick(): void {
    this.heartbeat();
    const now = this.clock();
    for (const [nodeId, peer] of this.peers) {
      if (now - peer.lastSeen <= NODE_TIMEOUT_MS) continue;
      this.log.info({ node: nodeId }, 'server process silent too long; clearing its presence');
      this.peers.delete(nodeId);
      this.deliver(this.view.dropNode(nodeId));
    }
  }
}
