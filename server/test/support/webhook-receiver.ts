import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from './test-socket.ts';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: any;
  /** The X-AMA2-Signature matched our own HMAC of the raw body with the subscription's secret. */
  verified: boolean;
  /** What the receiver answered. */
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1. It verifies every signature with the secret it is given
 * and answers with whatever `respond` decides (200 unless told otherwise).
 */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  secret: string | undefined;
  /** The status to answer with; 0 leaves the request unanswered (a receiver that hangs) until the sender goes away. */
  respond: (delivery: Omit<Delivery, 'status'>, index: number) => number = () => 200;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = raw.toString('utf8');
        let event: unknown = null;
        try {
          event = JSON.parse(body);
        } catch {
          // kept as null: the assertions on `event` will say so
        }
        const partial = { headers: request.headers, body, event, verified: this.verify(raw, request.headers['x-ama2-signature']) };
        const status = this.respond(partial, this.deliveries.length);
        this.deliveries.push({ ...partial, status });
        if (status === 0) return;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      });
    });
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Checks `sha256=<hex>` against our own HMAC-SHA256 of the raw body, in constant time. */
  private verify(raw: Buffer, header: string | string[] | undefined): boolean {
    if (!this.secret || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
    const given = Buffer.from(header.slice('sha256='.length), 'hex');
    const expected = createHmac('sha256', this.secret).update(raw).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Deliveries the receiver accepted (2xx). */
  get accepted(): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.status >= 200 && delivery.status < 300);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it holds, or fails with what was awaited. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
