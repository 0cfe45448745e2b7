import net from 'node:net';
import { pipeWithForwardedFor } from './forwarded-for.ts';

/** A backend that refused a connection is skipped for this long before it is tried again. */
export const BACKEND_RETRY_AFTER_MS = 2_000;

export interface Backend {
  host: string;
  port: number;
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
  /** Connections handed to each backend, by index (for tests and the cluster's status line). */
  readonly handed: number[];

  constructor(
    private readonly backends: readonly Backend[],
    private readonly clock: () => number = Date.now,
  ) {
    if (backends.length === 0) throw new Error('A balancer needs at least one backend.');
    this.handed = backends.map(() => 0);
  }

  /** Listens (port 0: any free port) and returns the port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next backend in turn that is not known to be down; when all are, the next in turn. */
  private pick(tried: ReadonlySet<number>): number | null {
    const now = this.clock();
    const order = this.backends.map((_, offset) => (this.next + offset) % this.backends.length).filter((index) => !tried.has(index));
    if (order.length === 0) return null;
    const chosen = order.find((index) => (this.downUntil.get(index) ?? 0) <= now) ?? order[0]!;
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
