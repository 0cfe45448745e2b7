import { createDecipheriv, createECDH, createHmac, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify, type JWTPayload } from 'jose';

/** RFC 8292: a VAPID JWT may live at most this long. */
const MAX_VAPID_LIFETIME_S = 24 * 60 * 60;
/** RFC 8291 §4: the header of an `aes128gcm` body: salt (16), record size (4), key id length (1). */
const SALT_BYTES = 16;
const HEADER_BYTES = SALT_BYTES + 4 + 1;
const TAG_BYTES = 16;
/** An uncompressed P-256 point: 0x04, x, y. */
const P256_POINT_BYTES = 65;

/** One push message the service accepted: its headers and the payload it decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  ttl: string | undefined;
  urgency: string | undefined;
  topic: string | undefined;
  contentEncoding: string | undefined;
  /** The encrypted body as it arrived (to show it is not the payload in clear). */
  body: Buffer;
  /** The decrypted payload, parsed as JSON. */
  payload: unknown;
  /** The VAPID JWT's claims (`aud`, `exp`, `sub`) and the `k=` key it was verified with. */
  claims: JWTPayload;
  vapidKey: string;
}

/** A refused push request: the status the service answered and why. */
export interface RefusedPush {
  subscriptionId: string;
  status: number;
  reason: string;
}

/** A browser's side of a subscription: what `PushManager.subscribe` would give the page. */
export interface LocalSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface SubscriptionState {
  ecdh: ECDH;
  publicKey: Buffer;
  auth: Buffer;
  /** Statuses to answer the next requests with instead of 201 (one per request). */
  forced: number[];
}

/**
 * A real local push service (RFC 8030) for the tests: it checks each request's VAPID
 * `Authorization: vapid t=<jwt>, k=<key>` (ES256, `aud` = this origin, `exp` in the future
 * and at most 24 h away), decrypts the RFC 8291 `aes128gcm` body with the subscription's
 * private key and auth secret, and records what came. It answers 201, or what a test asks.
 */
export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  readonly refused: RefusedPush[] = [];
  /** TCP connections senders opened to the service so far (a sender that keeps them open opens few). */
  connections = 0;
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    /** http://127.0.0.1:<port> */
    readonly origin: string,
  ) {}

  /** Starts the service on a free port of 127.0.0.1. */
  static async start(): Promise<LocalPushService> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const service = new LocalPushService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', () => service.connections++);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void service.handle(request).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      );
    });
    return service;
  }

  /** A new subscription, with fresh keys as a browser would make them. */
  subscribe(): LocalSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(id, { ecdh, publicKey, auth, forced: [] });
    return {
      id,
      endpoint: `${this.origin}/push/${id}`,
      keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  /** The next request for `subscriptionId` is answered with `status` (404, 410, 429, 500…) and not recorded as received. */
  answerNext(subscriptionId: string, status: number): void {
    this.subscriptions.get(subscriptionId)?.forced.push(status);
  }

  /** Resolves once `count` messages have been received (or refused, counting both). */
  async waitFor(count: number, what: 'received' | 'refused' = 'received'): Promise<void> {
    while (this[what].length < count) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const body = await readBody(request);
    const id = /^\/push\/([0-9a-f-]+)$/.exec(request.url ?? '')?.[1] ?? '';
    const status = await this.judge(id, request, body);
    this.wakeWaiters();
    return status;
  }

  private async judge(id: string, request: IncomingMessage, body: Buffer): Promise<number> {
    const refuse = (status: number, reason: string) => {
      this.refused.push({ subscriptionId: id, status, reason });
      return status;
    };
    const state = this.subscriptions.get(id);
    if (request.method !== 'POST') return refuse(405, `method ${request.method}`);
    if (!state) return refuse(404, 'unknown subscription');
    const forced = state.forced.shift();
    if (forced !== undefined) return refuse(forced, 'answered on request');
    let verified: { claims: JWTPayload; key: string };
    try {
      verified = await this.verifyVapid(request.headers.authorization);
    } catch (error) {
      return refuse(403, `VAPID: ${(error as Error).message}`);
    }
    if (request.headers['content-encoding'] !== 'aes128gcm') return refuse(400, 'content-encoding is not aes128gcm');
    let payload: unknown;
    try {
      payload = JSON.parse(decryptAes128gcm(body, state).toString('utf8'));
    } catch (error) {
      return refuse(400, `decryption: ${(error as Error).message}`);
    }
    this.received.push({
      subscriptionId: id,
      ttl: header(request, 'ttl'),
      urgency: header(request, 'urgency'),
      topic: header(request, 'topic'),
      contentEncoding: header(request, 'content-encoding'),
      body,
      payload,
      claims: verified.claims,
      vapidKey: verified.key,
    });
    return 201;
  }

  /** RFC 8292 §3: `vapid t=<jwt>, k=<uncompressed P-256 key, base64url>`. */
  private async verifyVapid(authorization: string | undefined): Promise<{ claims: JWTPayload; key: string }> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) throw new Error('no "vapid t=…, k=…" Authorization');
    const [, token, key] = match as unknown as [string, string, string];
    const point = Buffer.from(key, 'base64url');
    if (point.length !== P256_POINT_BYTES || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], audience: this.origin });
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number') throw new Error('no exp');
    if (payload.exp > now + MAX_VAPID_LIFETIME_S) throw new Error('exp more than 24 hours away');
    return { claims: payload, key };
  }

  private wakeWaiters(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** HKDF-SHA256 for one block of output (all RFC 8291 needs). */
function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = hmac(salt, ikm);
  return hmac(prk, Buffer.concat([info, Buffer.from([1])])).subarray(0, length);
}

/**
 * RFC 8291 §3.4 + RFC 8188: the user agent's side. ECDH with the sender's key (the header's
 * key id), the auth secret mixed in, then the content key and nonce from the salt; one record.
 */
export function decryptAes128gcm(body: Buffer, keys: { ecdh: ECDH; publicKey: Buffer; auth: Buffer }): Buffer {
  if (body.length < HEADER_BYTES) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, SALT_BYTES);
  const recordSize = body.readUInt32BE(SALT_BYTES);
  const idLength = body[SALT_BYTES + 4]!;
  if (idLength !== P256_POINT_BYTES) throw new Error(`key id of ${idLength} bytes, not a P-256 point`);
  const senderKey = body.subarray(HEADER_BYTES, HEADER_BYTES + idLength);
  const record = body.subarray(HEADER_BYTES + idLength);
  if (record.length > recordSize) throw new Error('more than one record');
  if (record.length <= TAG_BYTES) throw new Error('empty record');
  const shared = keys.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, senderKey]);
  const ikm = hkdf(keys.auth, shared, keyInfo, 32);
  const contentKey = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
  decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - TAG_BYTES)), decipher.final()]);
  // The last record ends with 0x02 then zero or more 0x00 of padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('the last record has no 0x02 delimiter');
  return padded.subarray(0, end);
}
