import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type WebSocket from 'ws';
import { parseClientFrame, type ClientFrame } from '../../../src/core/protocol/client-frames.ts';
import {
  isTopicFrameType,
  parseTopicClientFrame,
  type SubscribedFrame,
  type TopicClientFrame,
} from '../../../src/core/protocol/topic-frames.ts';
import { parseTopic } from '../../../src/core/topics/topic-pattern.ts';
import { CloseCode } from '../../../src/core/protocol/limits.ts';
import type { SocketErrorCode } from '../../../src/core/protocol/model.ts';
import { PROTOCOL_VERSION } from '../../../src/core/protocol/protocol-version.ts';
import type { ServerFrame, SocketErrorData } from '../../../src/core/protocol/server-frames.ts';
import { endAtExpiry } from '../auth/token-expiry.ts';
import { ApiError } from '../http/errors.ts';
import { addressRateKey } from '../http/client-address.ts';
import { findNulText } from '../http/validation.ts';
import type { Limiter } from '../http/rate-limiter.ts';
import { errorCode, storageFailureMessage } from '../storage/storage-unavailable.ts';
import type { Principal } from '../threads/principal.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import type { Hub, Subscriber } from './hub.ts';
import type { Outbound } from './outbound.ts';
import type { LiveSignals } from './live-signals.ts';
import { FrameLimiter } from './frame-limiter.ts';
import type { TopicEncoder } from './topic-encoder.ts';
import { TopicSubscriptions } from './topic-subscriptions.ts';
import { frameSink, textFramePayload } from './ws-frame.ts';

/** A socket whose unsent bytes pass this is too slow to keep up; it is closed and catches up on reconnect. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Missed pongs to our ping frames before a connection is dropped (CONTRACT §6). */
const MAX_MISSED_PONGS = 2;
/** A `from` replay writes its next page once the socket's unsent bytes are below this. */
const REPLAY_RESUME_BYTES = MAX_BUFFERED_BYTES / 4;
/** How often a paused replay looks again whether the socket drained (no event tells it). */
const REPLAY_DRAIN_CHECK_MS = 20;
/** The frames an agent socket takes (CONTRACT §15): it follows topics, and sends over REST. */
const AGENT_FRAMES: ReadonlySet<string> = new Set(['ping', 'subscribe', 'unsubscribe']);

export interface ConnectionDeps {
  threads: ThreadService;
  hub: Hub;
  signals: LiveSignals;
  log: FastifyBaseLogger;
  heartbeatMs: number;
  /** Topic events of hub frames (CONTRACT §15), encoded once per frame for every socket; its `org` goes in `ready`. */
  topics: TopicEncoder;
}

export interface ConnectionOptions {
  /** `user`: every thread of the user; `public`: exactly one thread; `agent`: every thread of the agent, as topic events only (CONTRACT §15). */
  scope: 'user' | 'public' | 'agent';
  principal: Principal;
  threadIds: readonly string[];
  /** Public socket: closed after this long without a client frame. */
  idleTimeoutMs?: number;
  /** Public socket: message sends count against the client address's limit. */
  messageLimiter?: Limiter;
  /** The client's address (behind trusted proxies, from X-Forwarded-For); limits count by its key. */
  clientAddress: string;
  /** User socket: when its JWT expires (ms since 1970); the socket is closed with 4001 then (CONTRACT §6). */
  expiresAtMs?: number;
}

/**
 * One open WebSocket: validates and answers client frames, forwards the hub's frames, keeps
 * the heartbeat, and on close undoes its presence and subscriptions. A bad frame gets an
 * `error` frame and never closes the socket.
 */
export class SocketConnection implements Subscriber {
  readonly id = randomUUID();
  readonly senderId: string;
  private readonly focused = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private cancelExpiry: () => void = () => {};
  private missedPongs = 0;
  private closed = false;
  /** Client frames over this limit are dropped before anything handles them. */
  private readonly frameLimit = new FrameLimiter();
  /** Where fan-out frames are written whole (see {@link frameSink}); null: through `ws.send`. */
  private readonly sink;
  /** Topic subscriptions (CONTRACT §15); null on a visitor's socket, which has none. */
  private readonly topics: TopicSubscriptions | null;
  /** Topic frames of this turn are being gathered into one write (see {@link write}). */
  private corked = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
    private readonly options: ConnectionOptions,
  ) {
    this.senderId = options.principal.senderId;
    this.sink = frameSink(ws);
    this.topics = options.scope === 'public' ? null : this.makeTopics();
  }

  private makeTopics(): TopicSubscriptions {
    const { principal } = this.options;
    return new TopicSubscriptions(
      {
        encoder: this.deps.topics,
        canRead: async (threadId) => this.deps.hub.isSubscribed(threadId, this) || (await this.canRead(threadId)),
        readLog: async (threadId, afterSeq, limit) => {
          const page = await this.deps.threads.listEvents(principal, threadId, afterSeq, limit);
          return { events: page.events, hasMore: page.has_more };
        },
        send: (bytes) => this.write(bytes),
        writable: () => this.writable(),
        overflow: () => {
          this.deps.log.warn({ connection_id: this.id }, 'topic replay fell too far behind the live events; closing the socket');
          this.close(CloseCode.unavailable, 'Too far behind; reconnect with from and catch up.');
        },
        failed: (error) => {
          this.deps.log.warn({ err: error, connection_id: this.id }, 'topic replay failed; closing the socket');
          this.close(CloseCode.unavailable, 'The replay was interrupted; reconnect with from.');
        },
      },
      principal.kind === 'user' ? principal.id : null,
    );
  }

  /** Whether the principal may read the thread, by the same rule as REST; no error when not. */
  private async canRead(threadId: string): Promise<boolean> {
    try {
      await this.deps.threads.access(this.options.principal, threadId);
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'forbidden' || error.code === 'not_found')) return false;
      throw error;
    }
  }

  /** Resolves true once the socket can take a replay page more; false when it closed meanwhile. */
  private async writable(): Promise<boolean> {
    while (!this.closed && this.ws.bufferedAmount > REPLAY_RESUME_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, REPLAY_DRAIN_CHECK_MS));
    }
    return !this.closed;
  }

  /**
   * Writes one encoded topic frame (a whole WebSocket text frame): onto the TCP socket as it is
   * when it can (see {@link frameSink}), else its payload through `ws.send`.
   * The frames of one turn of the event loop go out in one write (cork until the next tick):
   * an agent in thousands of busy threads gets many events a turn, and a syscall each would
   * cost more than the events themselves.
   */
  private write(frame: Buffer): void {
    if (this.closed) return;
    const sink = this.sink;
    if (sink && this.ws.readyState === this.ws.OPEN) {
      if (!this.corked) {
        this.corked = true;
        sink.cork();
        process.nextTick(() => {
          this.corked = false;
          sink.uncork();
        });
      }
      sink.write(frame);
    } else {
      this.ws.send(textFramePayload(frame), { binary: false });
    }
  }

  start(): void {
    const { hub } = this.deps;
    for (const threadId of this.options.threadIds) hub.subscribe(threadId, this);
    if (this.options.principal.kind === 'user') hub.attachUser(this.options.principal.id, this);
    if (this.options.scope === 'agent') hub.attachAgent(this.options.principal.id, this);

    this.ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    this.ws.on('pong', () => (this.missedPongs = 0));
    this.ws.on('close', () => this.cleanup());
    this.ws.on('error', (error) => this.deps.log.debug({ err: error, connection_id: this.id }, 'socket error'));

    this.heartbeat = setInterval(() => this.beat(), this.deps.heartbeatMs);
    this.heartbeat.unref();
    this.touchIdle();
    // A socket lives no longer than the token that opened it.
    const expiresAt = this.options.expiresAtMs;
    if (expiresAt !== undefined) this.cancelExpiry = endAtExpiry(expiresAt, () => this.close(CloseCode.unauthorized, 'Token expired.'));
    this.send({
      type: 'ready',
      data: {
        connection_id: this.id,
        heartbeat_ms: this.deps.heartbeatMs,
        server_time: new Date().toISOString(),
        protocol_version: PROTOCOL_VERSION,
        // CONTRACT §15: the `<org>` of topics, on the sockets that can subscribe.
        ...(this.topics ? { org: this.deps.topics.org } : {}),
      },
    });
  }

  deliver(outbound: Outbound): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.deps.log.warn({ connection_id: this.id }, 'socket too slow to keep up; closing it');
      this.close(CloseCode.unavailable, 'Too far behind; reconnect and catch up.');
      return;
    }
    if (this.options.scope !== 'agent') {
      // A visitor's socket shows team-only events as placeholders (public-event.ts).
      const visitor = this.options.scope === 'public';
      if (this.sink && this.ws.readyState === this.ws.OPEN) this.sink.write(visitor ? outbound.publicWsFrame : outbound.wsFrame);
      else this.ws.send(visitor ? outbound.publicWs : outbound.ws, { binary: false });
    }
    this.topics?.offer(outbound);
  }

  send(frame: ServerFrame | SubscribedFrame): void {
    if (!this.closed) this.ws.send(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.cleanup();
  }

  private beat(): void {
    if (this.missedPongs >= MAX_MISSED_PONGS) {
      this.ws.terminate();
      this.cleanup();
      return;
    }
    this.missedPongs++;
    this.ws.ping();
  }

  private touchIdle(): void {
    const timeout = this.options.idleTimeoutMs;
    if (!timeout) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.sendError('idle_timeout', 'No activity for a while; the conversation is paused. Send a message to continue.', true);
      this.close(CloseCode.normal, 'idle timeout');
    }, timeout);
    this.idleTimer.unref();
  }

  private sendError(code: SocketErrorCode, message: string, retryable: boolean, extra: Partial<SocketErrorData> = {}) {
    this.send({ type: 'error', data: { code, message, retryable, ...extra } });
  }

  private async onMessage(data: WebSocket.RawData, isBinary: boolean): Promise<void> {
    this.touchIdle();
    if (!this.admit(data, isBinary)) return;
    if (isBinary) {
      this.sendError('client_error', 'Frames must be JSON text, not binary.', false);
      return;
    }
    const text = data.toString();
    const topicFrame = this.topicFrame(text);
    if (topicFrame !== null) {
      if (!topicFrame.ok) {
        this.deps.log.debug({ connection_id: this.id, frame_type: topicFrame.type }, 'invalid client frame');
        this.sendError('client_error', topicFrame.message, false);
      } else {
        this.handleTopics(topicFrame.frame);
      }
      return;
    }
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      // Log the frame's type only: its content is the user's and stays out of logs.
      this.deps.log.debug({ connection_id: this.id, frame_type: parsed.type }, 'invalid client frame');
      this.sendError(
        'client_error',
        parsed.message,
        false,
        parsed.client_message_id ? { client_message_id: parsed.client_message_id } : {},
      );
      return;
    }
    if (this.options.scope === 'agent' && !AGENT_FRAMES.has(parsed.frame.type)) {
      this.sendError(
        'client_error',
        `The agent socket takes "ping", "subscribe" and "unsubscribe" frames, not "${parsed.frame.type}"; send messages over REST.`,
        false,
      );
      return;
    }
    if (parsed.frame.type === 'send_message' && findNulText(parsed.frame.data) !== null) {
      // As REST bodies are (validator-compiler.ts, with the same check): PostgreSQL cannot store it, so neither storage takes it.
      const { client_message_id: clientMessageId } = parsed.frame.data;
      this.sendError('client_error', 'Invalid "send_message" frame: text contains the character U+0000, which text may not hold.', false, {
        client_message_id: clientMessageId,
      });
      return;
    }
    try {
      await this.handle(parsed.frame);
    } catch (error) {
      this.reportFailure(error, parsed.frame.type === 'send_message' ? parsed.frame.data.client_message_id : undefined);
    }
  }

  /**
   * Applies the frame limit: a frame over it is dropped, and the client hears of it once per
   * notice interval; a dropped `send_message` is always answered with its `client_message_id`,
   * so that its sender knows to send it again. A client that keeps flooding is closed (1013).
   */
  private admit(data: WebSocket.RawData, isBinary: boolean): boolean {
    // Frames still arriving on a connection being closed are not handled, nor counted.
    if (this.closed) return false;
    const decision = this.frameLimit.admit();
    if (decision.kind === 'accept') return true;
    const retry = { retry_after_ms: decision.retryAfterMs };
    if (decision.kind === 'close') {
      const seconds = Math.ceil(decision.retryAfterMs / 1000);
      this.deps.log.warn({ connection_id: this.id }, 'client kept flooding frames; closing it');
      this.sendError('rate_limited', `Too many frames; this connection is closed. Reconnect in ${seconds} s.`, true, retry);
      this.close(CloseCode.tryAgainLater, 'Too many frames.');
      return false;
    }
    const text = isBinary ? '' : data.toString();
    const parsed = text.includes('send_message') ? parseClientFrame(text) : null;
    const topicFrame = this.topics ? this.topicFrame(text) : null;
    if (parsed?.ok && parsed.frame.type === 'send_message') {
      this.sendError('rate_limited', 'Too many frames; this message was not sent. Send it again later.', true, {
        ...retry,
        client_message_id: parsed.frame.data.client_message_id,
      });
    } else if (topicFrame?.ok) {
      // Like a message, a (un)subscription dropped is always answered: the client must know to send it again.
      const { type, data: frame } = topicFrame.frame;
      this.sendError('rate_limited', `Too many frames; "${type}" of "${frame.id}" was not done. Send it again later.`, true, retry);
    } else if (decision.notify) {
      this.deps.log.info({ connection_id: this.id }, 'client frames over the limit; dropping them');
      this.sendError('rate_limited', 'Too many frames; some were dropped. Slow down.', true, retry);
    }
    return false;
  }

  /** A `subscribe` or `unsubscribe` frame, parsed and checked; null for any other text (parsed as usual). */
  private topicFrame(text: string): ReturnType<typeof parseTopicClientFrame> | null {
    // Most frames are not topic frames: only those that can be are parsed here first.
    if (!text.includes('subscribe')) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return null;
    }
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (!isTopicFrameType(type)) return null;
    if (!this.topics) {
      return {
        ok: false,
        type,
        message: 'Topic subscriptions are for the user and agent sockets; a visitor socket follows its one conversation.',
      };
    }
    return parseTopicClientFrame(raw as { type: typeof type });
  }

  private handleTopics(frame: TopicClientFrame): void {
    const topics = this.topics!;
    if (frame.type === 'unsubscribe') {
      if (!topics.unsubscribe(frame.data.id)) {
        this.sendError('client_error', `There is no subscription "${frame.data.id}" on this socket.`, false);
      }
      return;
    }
    const { id, topic, from } = frame.data;
    // The frame schema checked the topic already; parsed again for its tokens.
    const parsed = parseTopic(topic);
    if (!parsed.ok) {
      this.sendError('client_error', parsed.reason, false);
      return;
    }
    const subscribed: SubscribedFrame = { type: 'subscribed', data: { id, topic } };
    const result = topics.subscribe(id, parsed.pattern, from, () => this.send(subscribed));
    if (!result.ok) this.sendError('client_error', result.message, false);
  }

  private async handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'typing': {
        await this.checkThread(frame.data.thread_id);
        this.deps.signals.typing(frame.data.thread_id, this.senderId, frame.data.status);
        return;
      }
      case 'focus_thread': {
        const threadId = frame.data.thread_id;
        await this.checkThread(threadId);
        if (this.focused.has(threadId)) return;
        this.focused.add(threadId);
        // The newcomer learns who is already here; the others learn about the newcomer.
        for (const viewer of this.deps.signals.focus(threadId, this.senderId)) {
          this.send({ type: 'thread_presence', thread_id: threadId, data: { sender_id: viewer, status: 'focused' } });
        }
        return;
      }
      case 'unfocus_thread': {
        const threadId = frame.data.thread_id;
        await this.checkThread(threadId);
        if (this.focused.delete(threadId)) this.deps.signals.unfocus(threadId, this.senderId);
        return;
      }
      case 'send_message': {
        const { thread_id: threadId, ...body } = frame.data;
        await this.checkThread(threadId);
        const limit = await this.options.messageLimiter?.take(addressRateKey(this.options.clientAddress));
        if (limit && !limit.ok) {
          throw new ApiError('rate_limited', `Too many messages; try again in ${Math.ceil(limit.retryAfterMs / 1000)} s.`, {
            retryAfterSeconds: Math.ceil(limit.retryAfterMs / 1000),
          });
        }
        const { message } = await this.deps.threads.postMessage(this.options.principal, threadId, body);
        this.send({ type: 'message_ack', data: { client_message_id: body.client_message_id, message } });
        return;
      }
    }
  }

  /** A frame may only name a thread this connection may see. */
  private async checkThread(threadId: string): Promise<void> {
    if (this.options.scope === 'public') {
      if (!this.deps.hub.isSubscribed(threadId, this)) throw new ApiError('forbidden', 'This socket belongs to another thread.');
      return;
    }
    if (!this.deps.hub.isSubscribed(threadId, this)) await this.deps.threads.access(this.options.principal, threadId);
  }

  private reportFailure(error: unknown, clientMessageId: string | undefined): void {
    const extra: Partial<SocketErrorData> = clientMessageId ? { client_message_id: clientMessageId } : {};
    if (error instanceof ApiError) {
      if (error.code === 'rate_limited') {
        this.sendError('rate_limited', error.message, true, { ...extra, retry_after_ms: (error.retryAfterSeconds ?? 60) * 1000 });
      } else if (error.retryable) {
        this.sendError('upstream_error', error.message, true, extra);
      } else {
        this.sendError('client_error', error.message, false, extra);
      }
      return;
    }
    const passing = storageFailureMessage(error);
    if (passing) {
      // The outcome of a send is unknown: the client sends it again with the same client_message_id.
      this.deps.log.warn({ code: errorCode(error), connection_id: this.id }, 'socket frame failed: storage unavailable');
      this.sendError('upstream_error', passing, true, extra);
      return;
    }
    this.deps.log.error({ err: error, connection_id: this.id }, 'socket frame failed');
    this.sendError('upstream_error', 'The server could not handle this frame; try again.', true, extra);
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.idleTimer);
    this.cancelExpiry();
    this.deps.hub.unsubscribeAll(this);
    this.topics?.close();
    for (const threadId of this.focused) this.deps.signals.unfocus(threadId, this.senderId);
    this.focused.clear();
  }
}
