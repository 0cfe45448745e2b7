/**
 * A stand-in for the agent socket of CONTRACT §15, for the SDK's unit tests: per-thread durable
 * logs, `ready`, `subscribed`, `from` replay before live events, and the failures the SDK must
 * survive (a drop, a close code, a rate-limited frame), all driven by the test step by step.
 * It keeps the server's promises only as far as the contract states them, so a client that
 * passes against it relies on nothing more.
 */
import type { WebSocketConstructor, WebSocketLike } from '../connection/websocket-transport.ts';

// The SDK adds listeners of several event shapes; the fake keeps them as one.
type Listener = (event: never) => void;

/** A frame the client sent, as the fake reads it. */
export interface SentFrame {
  type: string;
  data: { id: string; topic: string; from?: Record<string, number> };
}

interface Subscription {
  id: string;
  topic: string;
}

export class FakeTopicSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: SentFrame[] = [];
  readonly subscriptions = new Map<string, Subscription>();
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols: string[] | undefined,
    private readonly server: FakeTopicServer,
  ) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    const frame = JSON.parse(data) as SentFrame;
    this.sent.push(frame);
    this.server.received(this, frame);
  }

  close(): void {
    this.serverClose(1000, '');
  }

  /** The server sends a frame. */
  push(frame: unknown): void {
    if (this.readyState !== 1) return;
    this.emit('message', { data: JSON.stringify(frame) });
  }

  serverClose(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close', { code, reason });
  }

  open(): void {
    this.readyState = 1;
    this.emit('open', {});
    this.push({ type: 'ready', data: { connection_id: 'c', heartbeat_ms: 600_000, server_time: 'now', org: 'local' } });
  }

  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event as never);
  }
}

export const topicOf = (eventType: string, threadId: string) => `events.local.chat.thread.${eventType}.${threadId}`;

export class FakeTopicServer {
  readonly sockets: FakeTopicSocket[] = [];
  readonly logs = new Map<string, number>();
  /** Answer the next `subscribe` frames with a rate-limited error instead (how many). */
  rateLimitSubscribes = 0;
  /** Open each socket at once (false: the test calls `open()`). */
  autoOpen = true;

  readonly WebSocket: WebSocketConstructor;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below is made per server.
    const server = this;
    this.WebSocket = class {
      constructor(url: string, protocols?: string[]) {
        const socket = new FakeTopicSocket(url, protocols, server);
        server.sockets.push(socket);
        if (server.autoOpen) queueMicrotask(() => socket.open());
        return socket;
      }
    } as unknown as WebSocketConstructor;
  }

  get current(): FakeTopicSocket | undefined {
    const last = this.sockets[this.sockets.length - 1];
    return last && last.readyState === 1 ? last : undefined;
  }

  /** Commits the next durable event of a thread and sends it live to every subscribed open socket. */
  commit(threadId: string, eventType = 'message_committed'): number {
    const seq = (this.logs.get(threadId) ?? 0) + 1;
    this.logs.set(threadId, seq);
    for (const socket of this.sockets) this.live(socket, this.event(threadId, seq, eventType));
    return seq;
  }

  /** An ephemeral event (no seq), live only. */
  typing(threadId: string): void {
    for (const socket of this.sockets) this.live(socket, { event_type: 'typing', thread_id: threadId, data: { status: 'started' } });
  }

  received(socket: FakeTopicSocket, frame: SentFrame): void {
    if (frame.type === 'subscribe') {
      if (this.rateLimitSubscribes > 0) {
        this.rateLimitSubscribes--;
        socket.push({
          type: 'error',
          data: {
            code: 'rate_limited',
            message: `Too many frames; "subscribe" of "${frame.data.id}" was not done. Send it again later.`,
            retryable: true,
            retry_after_ms: 5,
          },
        });
        return;
      }
      socket.subscriptions.set(frame.data.id, { id: frame.data.id, topic: frame.data.topic });
      socket.push({ type: 'subscribed', data: { id: frame.data.id, topic: frame.data.topic } });
      for (const [threadId, after] of Object.entries(frame.data.from ?? {})) {
        const last = this.logs.get(threadId) ?? 0;
        for (let seq = after + 1; seq <= last; seq++) {
          const event = this.event(threadId, seq, 'message_committed');
          socket.push({ type: 'event', data: { topic: topicOf('message_committed', threadId), subscription_ids: [frame.data.id], event } });
        }
      }
    } else if (frame.type === 'unsubscribe') {
      socket.subscriptions.delete(frame.data.id);
    } else if (frame.type === 'ping') {
      socket.push({ type: 'pong' });
    }
  }

  private live(socket: FakeTopicSocket, event: Record<string, unknown>): void {
    const ids = [...socket.subscriptions.keys()];
    if (ids.length === 0) return;
    socket.push({
      type: 'event',
      data: { topic: topicOf(String(event.event_type), String(event.thread_id)), subscription_ids: ids, event },
    });
  }

  private event(threadId: string, seq: number, eventType: string): Record<string, unknown> {
    return { event_id: `${threadId}-${seq}`, thread_id: threadId, thread_seq: seq, event_type: eventType, content: `#${seq}`, data: {} };
  }
}
