import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { NatsSettings } from './nats-settings.ts';
import { SubjectInterest } from './subject-interest.ts';
import { Subjects, type SubjectParts } from './subjects.ts';

/** Wait between reconnect attempts; the client retries forever. */
const RECONNECT_WAIT_MS = 1_000;
/** How long the first connect may take before the server refuses to start. */
const CONNECT_TIMEOUT_MS = 5_000;

export type BusHandler = (parts: SubjectParts, msg: Msg) => void;

/**
 * This process's one NATS connection, with a subscription per subject resource
 * (`events.<org>.chat.<resource>.>`) whose messages go to that resource's handler: `user`,
 * `participant`, `signal`, `node`, and the control messages' `approval`, `agent`, `visitor`
 * for as long as the process runs; `thread` only while a live receiver needs it (see
 * {@link NatsBus.onDemand}). The connection has no echo: a process never hears its own
 * publishes, it delivers them locally itself. Logs name servers, never credentials.
 */
export class NatsBus {
  /** This process in the cluster (presence entries, heartbeats). */
  readonly nodeId = randomUUID();
  private readonly handlers = new Map<string, BusHandler>();
  private readonly interests = new Set<SubjectInterest>();
  private readonly reconnectListeners = new Set<() => void>();
  private closing: Promise<void> | undefined;
  private disconnected = false;

  private constructor(
    private readonly nc: NatsConnection,
    readonly subjects: Subjects,
    private readonly log: FastifyBaseLogger,
    private readonly servers: string,
  ) {
    void this.watchStatus();
  }

  static async connect(settings: NatsSettings, log: FastifyBaseLogger): Promise<NatsBus> {
    const servers = settings.servers.join(', ');
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: settings.servers,
        ...(settings.user !== undefined ? { user: settings.user, pass: settings.pass } : {}),
        ...(settings.token !== undefined ? { token: settings.token } : {}),
        name: 'ama2-chat-server',
        noEcho: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: RECONNECT_WAIT_MS,
        timeout: CONNECT_TIMEOUT_MS,
      });
    } catch (error) {
      throw new Error(`Could not connect to NATS at ${servers}: ${(error as Error).message}`, { cause: error });
    }
    log.info({ nats: servers }, 'connected to NATS');
    return new NatsBus(nc, new Subjects(settings.org), log, servers);
  }

  /** Whether the connection is up now (false while the client reconnects, and once closed). */
  get connected(): boolean {
    return !this.disconnected && !this.nc.isClosed();
  }

  /** Routes messages on `events.<org>.chat.<resource>.…` to the handler, subscribed from now on. */
  on(resource: string, handler: BusHandler): void {
    this.handlers.set(resource, handler);
    this.subscribeTo(resource);
  }

  /**
   * Routes like {@link on}, but subscribes only while the returned interest is held: every
   * message published after a `hold()` resolved reaches the handler, none is sent to this
   * process once the last holder has let go (and the grace has passed).
   */
  onDemand(resource: string, handler: BusHandler): SubjectInterest {
    this.handlers.set(resource, handler);
    const interest = new SubjectInterest({
      subscribe: () => this.subscribeTo(resource),
      confirm: () => this.nc.flush(),
      unconfirmed: (error) =>
        this.log.warn(
          { err: error, nats: this.servers },
          'a socket or stream opens before NATS confirmed its subscription to thread frames',
        ),
    });
    this.interests.add(interest);
    return interest;
  }

  /** Called after the connection came back: messages sent meanwhile by others were missed. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  /** Sends to every other process. While reconnecting the client buffers it; once closed it is dropped. */
  publish(subject: string, data: Uint8Array | string): void {
    if (this.closing || this.nc.isClosed()) return;
    try {
      this.nc.publish(subject, data);
    } catch (error) {
      this.failed(error as Error);
    }
  }

  request(subject: string, data: Uint8Array | string, timeoutMs: number): Promise<Msg> {
    return this.nc.request(subject, data, { timeout: timeoutMs });
  }

  /** Sends what is buffered and waits until the server has it (tests, shutdown). */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  /** Sends what is buffered, then closes. */
  close(): Promise<void> {
    for (const interest of this.interests) interest.close();
    this.closing ??= this.nc.isClosed() ? Promise.resolve() : this.nc.drain().catch((error: unknown) => this.failed(error as Error));
    return this.closing;
  }

  /** Drops the connection at once without saying goodbye (tests: a process that died). */
  async abandon(): Promise<void> {
    this.closing ??= this.nc.close();
    await this.closing;
  }

  private subscribeTo(resource: string): Subscription {
    return this.nc.subscribe(`${this.subjects.prefix}${resource}.>`, {
      callback: (error, msg) => (error ? this.failed(error) : this.dispatch(msg)),
    });
  }

  private dispatch(msg: Msg): void {
    const parts = this.subjects.parse(msg.subject);
    const handler = parts && this.handlers.get(parts.resource);
    if (!handler) return;
    try {
      handler(parts, msg);
    } catch (error) {
      this.log.error({ err: error, subject: msg.subject }, 'NATS message could not be handled');
    }
  }

  private failed(error: Error): void {
    this.log.error({ err: error, nats: this.servers }, 'NATS error');
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.disconnected = true;
          this.log.warn(
            { nats: this.servers },
            'lost the NATS connection; reconnecting (frames from other processes are missed meanwhile)',
          );
          break;
        case 'reconnect':
          this.disconnected = false;
          this.log.info({ nats: this.servers }, 'reconnected to NATS');
          for (const listener of this.reconnectListeners) listener();
          break;
        case 'error':
          this.failed(status.error);
          break;
        default:
          break;
      }
    }
  }
}
