/**
 * A light push service for `bench:notify`: it answers every push request `201` and keeps its
 * arrival time and encrypted body, without checking the VAPID JWT; the bodies are decrypted
 * only after the measure (RFC 8291, with the subscriptions' keys), so that the load generator
 * spends no CPU on it while the server works. Each subscription's endpoint is `<origin>/u/<index>`.
 *
 * A user has one unread `message` notification per thread, updated in place, and one queued
 * push of it: a push carries the notification's newest seq when sent, so what a push stands
 * for is read from its payload (`notification_id`, `thread_seq`), not from its `Topic` (the
 * same for every update of one notification).
 */
import type { ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptAes128gcm } from '../../test/support/push-service.ts';

/** One push request as it arrived. */
interface Arrival {
  at: number;
  body: Buffer;
}

/** One push as its payload says: which notification, at which seq, when it arrived. */
export interface DecodedPush {
  at: number;
  notificationId: string;
  seq: number;
}

export class ArrivalPushReceiver {
  private readonly arrivals = new Map<number, Arrival[]>();
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
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver.record(Number(/^\/u\/(\d+)$/.exec(request.url ?? '')?.[1] ?? -1), at, Buffer.concat(chunks));
        response.writeHead(201).end();
      });
    });
    return receiver;
  }

  /** Forgets every push so far (the warm-up's). */
  clear(): void {
    this.arrivals.clear();
    this.requests = 0;
    this.lastArrivalAt = 0;
  }

  /** The endpoint of subscription `index`. */
  endpoint(index: number): string {
    return `${this.origin}/u/${index}`;
  }

  private record(index: number, at: number, body: Buffer): void {
    this.requests++;
    this.lastArrivalAt = at;
    let list = this.arrivals.get(index);
    if (!list) this.arrivals.set(index, (list = []));
    list.push({ at, body });
  }

  /** Subscription `index`'s pushes in order of arrival, decrypted with its keys (after the measure). */
  decoded(index: number, keys: { ecdh: ECDH; publicKey: Buffer; auth: Buffer }): DecodedPush[] {
    return (this.arrivals.get(index) ?? []).map(({ at, body }) => {
      const payload = JSON.parse(decryptAes128gcm(body, keys).toString('utf8')) as { notification_id: string; thread_seq: number };
      return { at, notificationId: payload.notification_id, seq: payload.thread_seq };
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
