import net from 'node:net';
import { pipeWithForwardedFor } from './forwarded-for.ts';

/** A backend that refused a connection is skipped for this long before it is tried again. */
export const BACKEND_RETRY_AFTER_MS = 2_000;

/** How often each backend's readiness is asked (`GET /readyz`) when health checks are on. */
export const HEALTH_CHECK_INTERVAL_MS = 500;
/** A readiness probe unanswered for this long counts as "not ready". */
const HEALTH_CHECK_TIMEOUT_MS = 1_000;

export interface Backend {
  host: string;
  port: number;
}

export interface BalancerOptions {
  /**
   * An HTTP path each backend answers 2xx on while it can serve (`/readyz`): new connections
   * go to ready backends only (to any when none is ready). Without it, only refused
   * connections take a backend out of the turn.
   */
  healthCheckPath?: string;
  healthCheckIntervalMs?: number;
}

/**
 * A tiny round-robin load balancer for running several server processes on one machine
 * (`npm run cluster`, the cluster tests). It balances TCP connections, so WebSocket upgrades
 * pass as they are, and it needs no stickiness: any process serves any request. It reads
 * just enough HTTP to append each client's address to `X-Forwarded-For` on every request
 * of a connection (see {@link pipeWithForwardedFor}); the servers behind it run with
 * `TRUST_PROXY=1`, so per-address limits count clients, not the balancer. A backend that
 * refuses a connection is skipped (the connection goes to the next one); when a backend
 * dies, its connections close, and clients reconnect through the balancer to a live one,
 * the way a real load balancer with health checks behaves. Not for production: use your
 * platform's load balancer there (README, "Scaling out").
 */
export class TcpBalancer {
  private readonly server = net.createServer((client) => this.route(client));
  private readonly open = new Set<net.Socket>();
  /** backend index → when it may be tried again */
  private readonly downUntil = new Map<number, number>();
  private next = 0;
  /** Backends whose last readiness probe failed. */
  private readonly notReady = new Set<number>();
  private healthTimer: NodeJS.Timeout | undefined;
  /** Connections handed to each backend, by index (for tests and the cluster's status line). */
  readonly handed: number[];

  constructor(
    private readonly backends: readonly Backend[],
    private readonly clock: () => number = Date.now,
    private readonly options: BalancerOptions = {},
  ) {
    if (backends.length === 0) throw new Error('A balancer needs at least one backend.');
    this.handed = backends.map(() => 0);
  }

  /** Whether a backend passed its last readiness probe (always true without health checks). */
  isReady(index: number): boolean {
    return !this.notReady.has(index);
  }

  /** Asks every backend's readiness once now (and then every interval, from {@link listen}). */
  async checkHealth(): Promise<void> {
    const path = this.options.healthCheckPath;
    if (path === undefined) return;
    await Promise.all(
      this.backends.map(async (backend, index) => {
        const ready = await fetch(`http://${backend.host}:${backend.port}${path}`, { signal: AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS) })
          .then(async (response) => {
            await response.body?.cancel();
            return response.ok;
          })
          // Refused, reset or too slow: not ready.
          .catch(() => false);
        if (ready) this.notReady.delete(index);
        else this.notReady.add(index);
      }),
    );
  }

  /** Listens (port 0: any free port) and returns the port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.startHealthChecks();
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  private startHealthChecks(): void {
    if (this.options.healthCheckPath === undefined || this.healthTimer) return;
    const interval = this.options.healthCheckIntervalMs ?? HEALTH_CHECK_INTERVAL_MS;
    let running = false;
    this.healthTimer = setInterval(() => {
      if (running) return;
      running = true;
      void this.checkHealth().finally(() => (running = false));
    }, interval);
    this.healthTimer.unref();
  }

  close(): Promise<void> {
    clearInterval(this.healthTimer);
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The next backend in turn that is ready and not known to be down; else the next one not
   * known to be down; when all are, the next in turn.
   */
  private pick(tried: ReadonlySet<number>): number | null {
    const now = this.clock();
    const order = this.backends.map((_, offset) => (this.next + offset) % this.backends.length).filter((index) => !tried.has(index));
    if (order.length === 0) return null;
    const up = (index: number) => (this.downUntil.get(index) ?? 0) <= now;
    const chosen = order.find((index) => up(index) && this.isReady(index)) ?? order.find(up) ?? order[0]!;
    this.next = (chosen + 1) % this.backends.length;
    return chosen;
  }

  private route(client: net.Socket): void {
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    client.on('error', () => client.destroy());
    // Hold what the client sends until a backend is connected.
    client.pause();
    this.connect(client, new Set());
  }

  private connect(client: net.Socket, tried: Set<number>): void {
    const index = this.pick(tried);
    if (index === null || client.destroyed) {
      client.destroy();
      return;
    }
    tried.add(index);
    const backend = net.connect(this.backends[index]!);
    this.open.add(backend);
    backend.on('close', () => this.open.delete(backend));
    let connected = false;
    backend.once('connect', () => {
      connected = true;
      this.downUntil.delete(index);
      this.handed[index]!++;
      // Client to server through the X-Forwarded-For rewriter; answers come back as they are.
      pipeWithForwardedFor(client, backend);
      backend.pipe(client);
      client.resume();
      // Either side ending ends the other: a dead backend closes its clients, who reconnect.
      client.once('close', () => backend.destroy());
      backend.once('close', () => client.destroy());
    });
    backend.on('error', () => {
      if (connected) return backend.destroy();
      // Refused (the process is gone): remember it, and try the next backend.
      this.downUntil.set(index, this.clock() + BACKEND_RETRY_AFTER_MS);
      backend.destroy();
      this.connect(client, tried);
    });
  }
}
