/**
 * A light push service for `bench:notify`: it answers every push request `201` and
 * timestamps its arrival, without checking the VAPID JWT or decrypting (the tests' real one,
 * `server/test/support/push-service.ts`, costs the load generator more CPU per request than
 * the server spends sending it). Each subscription's endpoint is `<origin>/u/<index>`.
 * A repeated push (at least once) carries the same `Topic` and is counted once: a user's
 * pushes arrive in order, so the k-th distinct topic of a user is their k-th notification.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ArrivalPushReceiver {
  /** Per subscription index: the topics seen, in order of first arrival, and when each came (ms since the epoch). */
  private readonly topics = new Map<number, Set<string>>();
  private readonly arrivals = new Map<number, number[]>();
  /** Push requests that were repeats of a topic already received. */
  repeats = 0;
  /** Every request, repeats included. */
  requests = 0;
  lastArrivalAt = 0;

  private constructor(
    private readonly server: Server,
    /** http://127.0.0.1:<port> */
    readonly origin: string,
  ) {}

  /** Starts the receiver on a free port of 127.0.0.1. */
  static async start(): Promise<ArrivalPushReceiver> {
    const server = createServer({ keepAliveTimeout: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new ArrivalPushReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request, response) => {
      const at = Date.now();
      request.resume();
      request.on('end', () => {
        receiver.record(Number(/^\/u\/(\d+)$/.exec(request.url ?? '')?.[1] ?? -1), String(request.headers.topic ?? ''), at);
        response.writeHead(201).end();
      });
    });
    return receiver;
  }

  /** The endpoint of subscription `index`. */
  endpoint(index: number): string {
    return `${this.origin}/u/${index}`;
  }

  private record(index: number, topic: string, at: number): void {
    this.requests++;
    this.lastArrivalAt = at;
    let seen = this.topics.get(index);
    if (!seen) this.topics.set(index, (seen = new Set()));
    if (seen.has(topic)) {
      this.repeats++;
      return;
    }
    seen.add(topic);
    let times = this.arrivals.get(index);
    if (!times) this.arrivals.set(index, (times = []));
    times.push(at);
  }

  /** Distinct pushes received so far. */
  get received(): number {
    let total = 0;
    for (const times of this.arrivals.values()) total += times.length;
    return total;
  }

  /** Arrival times of subscription `index`'s distinct pushes, in order. */
  arrivalsOf(index: number): readonly number[] {
    return this.arrivals.get(index) ?? [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
