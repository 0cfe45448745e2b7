import type { ClientFrame } from '../protocol/client-frames.ts';
import { isNewerProtocol, OUTDATED_CLIENT_REASON } from '../protocol/protocol-version.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { backoffDelay } from './backoff.ts';
import { classifyClose } from './close-policy.ts';
import type { Connection } from './connection.ts';
import { ConnectionEvents } from './connection-events.ts';
import { warnInvalidFrame, type ConnectionManagerOptions } from './connection-manager-options.ts';
import { Heartbeat } from './heartbeat.ts';
import type { Transport, TransportClose } from './transport.ts';

// The options' type lives beside the manager; importers of the manager keep finding it here.
export type { ConnectionManagerOptions } from './connection-manager-options.ts';

/**
 * A socket that has not reached `ready` this long after it was created counts as failed. Browsers
 * can leave a handshake hanging for minutes behind some proxies; we would rather retry.
 */
export const READY_TIMEOUT_MS = 15_000;
/** Consecutive WebSocket failures (never reached `ready`) before SSE or polling takes over. */
const MAX_SOCKET_FAILURES_BEFORE_FALLBACK = 3;

/**
 * Keeps one live connection up (after tldraw sync's reconnect manager): WebSocket first,
 * retried with full-jitter backoff; after a few failures a fallback transport (SSE or
 * polling) delivers while the socket keeps being retried in the background. Watches the
 * socket with an application ping, honours the close codes (terminal codes never loop; 4001
 * asks for a new token once; idle timeout pauses), waits while the browser is offline, and
 * tries at once when the network returns or the page becomes visible.
 *
 * `attempt` in `connecting` / `reconnecting` counts from 1: the attempt under way, or the
 * next one. Before `start()` the state reads `connecting`; after `stop()`, `paused`.
 *
 * Time comes only from setTimeout / setInterval and the environment's `now` and `random`,
 * so fake timers drive it.
 */
export class ConnectionManager extends ConnectionEvents implements Connection {
  private invalidFrames = 0;

  private running = false;
  /** Bumped on stop and resume, so that a late token refresh cannot act on a newer life. */
  private epoch = 0;
  private unsubscribers: (() => void)[] = [];
  private followed: readonly string[] = [];

  private socket: Transport | null = null;
  private socketReady = false;
  /** The current socket's `idle_timeout` error message: a following 1000 means paused. */
  private idleMessage: string | null = null;
  /** The current socket's `rate_limited` hint: the next attempt waits at least this long. */
  private retryAfterMs = 0;
  private fallback: Transport | null = null;
  private fallbackReady = false;

  /** Consecutive failed attempts: the backoff exponent. */
  private failures = 0;
  /** Consecutive attempts that never reached `ready`: the fallback trigger. */
  private socketFailures = 0;
  private authRefreshUsed = false;
  private refreshing = false;

  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pending: { retryAt: number; lastClose: TransportClose | null } | null = null;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat = new Heartbeat(
    () => this.socketReady && this.socket !== null && this.socket.send({ type: 'ping' }),
    () => this.abandonSocket({ code: 1006, reason: 'The server stopped answering.' }),
  );

  constructor(private readonly options: ConnectionManagerOptions) {
    super();
  }

  get invalidFrameCount(): number {
    return this.invalidFrames;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const env = this.options.environment;
    this.unsubscribers = [
      env.onOnlineChange((online) => this.onOnlineChange(online)),
      env.onVisibilityChange((visible) => {
        // A tab coming back to the front should not sit out the rest of a long backoff.
        if (visible && this.retryTimer !== undefined) this.connectSocket();
      }),
    ];
    this.resetCounters();
    this.begin();
  }

  /** Closes everything and stops trying; the state becomes `paused` ("stopped"). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.epoch++;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.closeAll();
    this.setState({ status: 'paused', reason: 'stopped' });
  }

  send(frame: ClientFrame): boolean {
    if (this.socket && this.socketReady) return this.socket.send(frame);
    if (this.fallback && this.fallbackReady) return this.fallback.send(frame);
    return false;
  }

  follow(threadIds: readonly string[]): void {
    this.followed = [...threadIds];
    this.socket?.follow(this.followed);
    this.fallback?.follow(this.followed);
  }

  retryNow(): void {
    if (!this.running) return;
    if (this.retryTimer !== undefined) this.connectSocket();
    else if (this.getState().status === 'offline' && this.options.environment.isOnline()) this.begin();
  }

  resume(): void {
    if (!this.running) return this.start();
    if (this.getState().status !== 'paused' && this.getState().status !== 'failed') return;
    this.epoch++;
    this.resetCounters();
    this.begin();
  }

  // ---- attempts ---------------------------------------------------------------------------

  private resetCounters(): void {
    this.failures = 0;
    this.socketFailures = 0;
    this.authRefreshUsed = false;
    this.refreshing = false;
  }

  /** Connects now, or waits in `offline` while the browser says there is no network. */
  private begin(): void {
    if (!this.running) return;
    if (!this.options.environment.isOnline()) {
      this.closeAll();
      this.setState({ status: 'offline' });
      return;
    }
    this.connectSocket();
  }

  private connectSocket(): void {
    this.clearRetry();
    this.dropSocket();
    if (!this.fallbackReady) this.setState({ status: 'connecting', attempt: this.failures + 1 });
    let socket: Transport;
    try {
      socket = this.options.createSocket();
    } catch {
      this.afterSocketClose({ code: 1006, reason: 'The socket could not be created.' }, false);
      return;
    }
    this.socket = socket;
    this.socketReady = false;
    this.idleMessage = null;
    this.retryAfterMs = 0;
    this.readyTimer = setTimeout(() => this.abandonSocket({ code: 1006, reason: 'The server did not answer.' }), READY_TIMEOUT_MS);
    socket.open({
      open: (info) => {
        if (this.socket !== socket) return;
        if (isNewerProtocol(info.protocolVersion)) this.outdated();
        else this.onSocketReady(info.heartbeatMs);
      },
      frame: (frame) => {
        if (this.socket === socket) this.onSocketFrame(frame);
      },
      close: (close) => {
        if (this.socket !== socket) return;
        const wasReady = this.socketReady;
        this.detachSocket();
        this.afterSocketClose(close, wasReady);
      },
      invalid: (type, reason) => {
        if (this.socket === socket) this.dropInvalid(type, reason);
      },
    });
    if (this.socket === socket) socket.follow(this.followed);
  }

  private onSocketReady(heartbeatMs: number | null): void {
    clearTimeout(this.readyTimer);
    this.socketReady = true;
    this.failures = 0;
    this.socketFailures = 0;
    this.authRefreshUsed = false;
    this.closeFallback();
    this.heartbeat.start(heartbeatMs);
    this.setState({ status: 'open', transport: 'websocket' });
    this.announceOpen('websocket');
  }

  private onSocketFrame(frame: InboundFrame): void {
    if (frame.type === 'pong') this.heartbeat.pong();
    else if (frame.type === 'error') {
      if (frame.data.code === 'idle_timeout') this.idleMessage = frame.data.message;
      if (frame.data.code === 'rate_limited') this.retryAfterMs = frame.data.retry_after_ms ?? 0;
    }
    this.emitFrame(frame);
  }

  /**
   * The server speaks a newer protocol than this (cached, old) client: retrying cannot help,
   * only a reload can, so close everything and stay `failed` instead of reconnecting in a loop.
   */
  private outdated(): void {
    this.closeAll();
    this.setState({ status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null });
  }

  /** Closes the current socket ourselves (dead, or never ready) and handles it like its close. */
  private abandonSocket(close: TransportClose): void {
    const socket = this.socket;
    if (!socket) return;
    const wasReady = this.socketReady;
    this.detachSocket();
    socket.close(1000, close.reason);
    this.afterSocketClose(close, wasReady);
  }

  private afterSocketClose(close: TransportClose, wasReady: boolean): void {
    const decision = classifyClose(close, { idleTimeoutMessage: this.idleMessage, publicSocket: this.options.publicSocket });
    switch (decision.kind) {
      case 'terminal':
        return this.fail(decision.reason, close.code);
      case 'auth':
        return this.refreshToken(decision.reason, close.code);
      case 'paused':
        this.closeAll();
        return this.setState({ status: 'paused', reason: decision.reason });
      case 'retry':
        if (!wasReady) this.socketFailures++;
        return this.scheduleRetry(close);
    }
  }

  private scheduleRetry(lastClose: TransportClose): void {
    if (!this.running) return;
    if (!this.options.environment.isOnline()) return this.begin();
    const max = this.options.maxSocketFailuresBeforeFallback ?? MAX_SOCKET_FAILURES_BEFORE_FALLBACK;
    if (this.socketFailures >= max && !this.fallback) this.openFallback();
    this.failures++;
    const delay = Math.max(this.retryAfterMs, backoffDelay(this.failures - 1, this.options.environment.random));
    this.clearRetry();
    this.pending = { retryAt: this.options.environment.now() + delay, lastClose };
    this.retryTimer = setTimeout(() => this.connectSocket(), delay);
    this.showWaiting();
  }

  /** The state while no transport is open: waiting for the next attempt, or in one. */
  private showWaiting(): void {
    if (this.fallbackReady || this.socketReady) return;
    if (this.pending && this.retryTimer !== undefined) {
      this.setState({ status: 'reconnecting', attempt: this.failures + 1, ...this.pending });
    } else if (this.socket || this.refreshing) {
      this.setState({ status: 'connecting', attempt: this.failures + 1 });
    }
  }

  private refreshToken(reason: string, code: number): void {
    // The socket and the fallback may both be refused; one refresh answers both.
    if (this.refreshing) return;
    const refresh = this.options.refreshAuth;
    if (!refresh || this.authRefreshUsed) return this.fail(reason, code);
    this.authRefreshUsed = true;
    this.refreshing = true;
    this.clearRetry();
    this.showWaiting();
    const epoch = this.epoch;
    // A refresh that fails counts as not renewed: its rejection ends here.
    void refresh()
      .catch(() => false)
      .then((renewed) => {
        if (epoch !== this.epoch || !this.running) return;
        this.refreshing = false;
        if (renewed) this.begin();
        else this.fail(reason, code);
      });
  }

  private fail(reason: string, code: number | null): void {
    this.closeAll();
    this.setState({ status: 'failed', reason, code });
  }

  // ---- fallback ---------------------------------------------------------------------------

  private openFallback(): void {
    const fallback = this.options.createFallback?.() ?? null;
    if (!fallback) return;
    this.fallback = fallback;
    this.fallbackReady = false;
    fallback.open({
      open: () => {
        if (this.fallback !== fallback || this.socketReady) return;
        this.fallbackReady = true;
        this.setState({ status: 'open', transport: fallback.kind });
        this.announceOpen(fallback.kind);
      },
      frame: (frame) => {
        if (this.fallback === fallback) this.emitFrame(frame);
      },
      close: (close) => {
        if (this.fallback !== fallback) return;
        this.fallback = null;
        this.fallbackReady = false;
        const decision = classifyClose(close, { idleTimeoutMessage: null, publicSocket: this.options.publicSocket });
        if (decision.kind === 'terminal') this.fail(decision.reason, close.code);
        else if (decision.kind === 'auth') this.refreshToken(decision.reason, close.code);
        // Otherwise the socket's retries go on, and its next failure opens a new fallback.
        else this.showWaiting();
      },
      invalid: (type, reason) => {
        if (this.fallback === fallback) this.dropInvalid(type, reason);
      },
    });
    if (this.fallback === fallback) fallback.follow(this.followed);
  }

  private closeFallback(): void {
    const fallback = this.fallback;
    this.fallback = null;
    this.fallbackReady = false;
    fallback?.close(1000, 'The socket is back.');
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private onOnlineChange(online: boolean): void {
    if (!this.running || this.getState().status === 'failed' || this.getState().status === 'paused') return;
    if (!online) {
      this.closeAll();
      this.setState({ status: 'offline' });
    } else if (this.getState().status === 'offline') {
      // A new network: nothing learnt on the old one says the server is struggling.
      this.failures = 0;
      this.begin();
    }
  }

  /** A frame the current transport dropped for failing validation: counted and reported. */
  private dropInvalid(type: string | null, reason: string): void {
    this.invalidFrames++;
    (this.options.onInvalidFrame ?? warnInvalidFrame)(type, reason);
  }

  /** Forgets the current socket: its later events are ignored. */
  private detachSocket(): void {
    this.socket = null;
    this.socketReady = false;
    clearTimeout(this.readyTimer);
    this.heartbeat.stop();
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.detachSocket();
    socket?.close(1000, '');
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.pending = null;
  }

  private closeAll(): void {
    this.clearRetry();
    this.dropSocket();
    this.closeFallback();
  }
}
