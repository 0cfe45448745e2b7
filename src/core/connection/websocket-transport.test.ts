import { describe, expect, it } from 'vitest';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import type { TransportClose } from './transport.ts';
import { WebSocketTransport, type WebSocketLike } from './websocket-transport.ts';

type Listener = (event: never) => void;

/** A socket the test plays the server of. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    FakeSocket.made.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error('InvalidAccessError');
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  private fire(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }

  serverOpen(): void {
    this.readyState = 1;
    this.fire('open', {});
  }

  serverSend(data: unknown): void {
    this.fire('message', { data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  serverBinary(): void {
    this.fire('message', { data: new ArrayBuffer(4) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.fire('error', {});
    this.fire('close', { code, reason });
  }
}

function openTransport(options: Partial<ConstructorParameters<typeof WebSocketTransport>[0]> = {}) {
  FakeSocket.made = [];
  const record = {
    opens: [] as (number | null)[],
    frames: [] as InboundFrame[],
    closes: [] as TransportClose[],
    invalid: [] as [string | null, string][],
  };
  const transport = new WebSocketTransport({ url: () => 'ws://server/socket', WebSocket: FakeSocket, ...options });
  transport.open({
    open: (info) => record.opens.push(info.heartbeatMs),
    frame: (frame) => record.frames.push(frame),
    close: (info) => record.closes.push(info),
    invalid: (type, reason) => record.invalid.push([type, reason]),
  });
  return { transport, record, socket: FakeSocket.made[0] };
}

describe('WebSocketTransport', () => {
  it('passes the auth subprotocol and asks for URL and protocols on every attempt', () => {
    let token = 'first';
    const options = { url: () => `ws://server/${token}`, protocols: () => ['auth', token] };
    expect(openTransport(options).socket).toMatchObject({ url: 'ws://server/first', protocols: ['auth', 'first'] });
    token = 'second';
    expect(openTransport(options).socket).toMatchObject({ url: 'ws://server/second', protocols: ['auth', 'second'] });
  });

  it('opens on the server ready frame, with its heartbeat, not on the socket open', () => {
    const { record, socket } = openTransport();
    socket!.serverOpen();
    expect(record.opens).toEqual([]);
    socket!.serverSend({ type: 'ready', data: { connection_id: 'c1', heartbeat_ms: 20_000, server_time: 'now' } });
    expect(record.opens).toEqual([20_000]);
    expect(record.frames.map((frame) => frame.type)).toEqual(['ready']);
    socket!.serverSend({ type: 'ready', data: {} });
    expect(record.opens).toEqual([20_000]);
  });

  it('reports the protocol version of ready to its owner, and none when the server sent none', () => {
    for (const [data, expected] of [
      [{ connection_id: 'c1', protocol_version: 2 }, 2],
      [{ connection_id: 'c1' }, undefined],
    ] as const) {
      const infos: { protocolVersion?: number }[] = [];
      const transport = new WebSocketTransport({ url: () => 'ws://server/socket', WebSocket: FakeSocket });
      FakeSocket.made = [];
      transport.open({ open: (info) => infos.push(info), frame: () => {}, close: () => {} });
      FakeSocket.made[0]!.serverOpen();
      FakeSocket.made[0]!.serverSend({ type: 'ready', data });
      expect(infos.map((info) => info.protocolVersion)).toEqual([expected]);
    }
  });

  it('drops and reports invalid frames by type only, and keeps going', () => {
    const { record, socket } = openTransport();
    socket!.serverOpen();
    socket!.serverSend('{"type":"thread_typing","thread_id":"t","data":{"sender_id":"user:secret","status":"dancing"}}');
    socket!.serverSend('not json');
    socket!.serverSend({ type: 'surprise', data: { content: 'private words' } });
    socket!.serverBinary();
    socket!.serverSend({ type: 'pong' });
    expect(record.invalid).toEqual([
      ['thread_typing', 'invalid data.status'],
      [null, 'not JSON'],
      ['surprise', 'unknown type'],
      [null, 'binary frame'],
    ]);
    expect(JSON.stringify(record.invalid)).not.toContain('private words');
    expect(record.frames).toEqual([{ type: 'pong' }]);
    expect(record.closes).toEqual([]);
  });

  it('sends JSON only while the socket is open', () => {
    const { transport, socket } = openTransport();
    expect(transport.send({ type: 'ping' })).toBe(false);
    socket!.serverOpen();
    expect(transport.send({ type: 'ping' })).toBe(true);
    expect(socket!.sent).toEqual(['{"type":"ping"}']);
    socket!.serverClose(1006);
    expect(transport.send({ type: 'ping' })).toBe(false);
  });

  it('reports the close once, with the server code and reason', () => {
    const { record, socket } = openTransport();
    socket!.serverOpen();
    socket!.serverClose(4001, 'Token expired.');
    socket!.serverClose(1006);
    expect(record.closes).toEqual([{ code: 4001, reason: 'Token expired.' }]);
  });

  it('reports a close of its own at once and ignores the socket close that follows', () => {
    const { transport, record, socket } = openTransport();
    socket!.serverOpen();
    transport.close(1001, 'bye');
    expect(record.closes).toEqual([{ code: 1001, reason: 'bye' }]);
    // Browsers refuse 1001 from clients: the transport falls back to a plain close.
    expect(socket!.closedWith).toEqual({ code: undefined, reason: undefined });
    socket!.serverClose(1005);
    socket!.serverSend({ type: 'pong' });
    expect(record.closes).toHaveLength(1);
    expect(record.frames).toEqual([]);
  });

  it('reports a socket that cannot be created as a dropped connection, after open() returned', async () => {
    class Refusing {
      constructor() {
        throw new SyntaxError('bad url');
      }
    }
    const { record } = openTransport({ WebSocket: Refusing as never });
    expect(record.closes).toEqual([]);
    await Promise.resolve();
    expect(record.closes).toEqual([{ code: 1006, reason: 'The socket could not be opened.' }]);
  });
});
