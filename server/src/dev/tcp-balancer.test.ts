import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { TcpBalancer } from './tcp-balancer.ts';

/**
 * A backend that answers every request with its name, and echoes WebSocket messages with it;
 * `/readyz` answers 200 while `ready` is true, else 503.
 */
async function namedServer(name: string): Promise<{ port: number; ready: boolean; close(): Promise<void> }> {
  const state = { ready: true };
  const server = http.createServer((request, response) => {
    if (request.url === '/readyz') response.statusCode = state.ready ? 200 : 503;
    response.end(name);
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (ws) => ws.on('message', (data) => ws.send(`${name}:${data.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get ready() {
      return state.ready;
    },
    set ready(value: boolean) {
      state.ready = value;
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request on a fresh connection (no keep-alive), so each is balanced on its own. */
const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Probes run only when a test calls checkHealth(): the interval is longer than any test. */
const MANUAL_HEALTH_CHECKS = { healthCheckPath: '/readyz', healthCheckIntervalMs: 3_600_000 };

async function setup(names: string[], options: ConstructorParameters<typeof TcpBalancer>[2] = {}) {
  const servers = await Promise.all(names.map(namedServer));
  const balancer = new TcpBalancer(
    servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    Date.now,
    options,
  );
  const port = await balancer.listen(0);
  const closed = new Set<number>();
  cleanups.push(async () => {
    await balancer.close();
    await Promise.all(servers.filter((_, index) => !closed.has(index)).map((server) => server.close()));
  });
  return {
    port,
    balancer,
    servers,
    stop: async (index: number) => {
      closed.add(index);
      await servers[index]!.close();
    },
  };
}

describe('TcpBalancer', () => {
  it('hands connections to the backends in turn', async () => {
    const { port, balancer } = await setup(['a', 'b', 'c']);
    const answers: string[] = [];
    for (let index = 0; index < 6; index++) answers.push(await get(port));
    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(balancer.handed).toEqual([2, 2, 2]);
  });

  it('skips a backend that is gone, without failing a request', async () => {
    const { port, stop } = await setup(['a', 'b']);
    await stop(1);
    const answers: string[] = [];
    for (let index = 0; index < 4; index++) answers.push(await get(port));
    expect(answers).toEqual(['a', 'a', 'a', 'a']);
  });

  it('passes WebSocket upgrades through; a backend that dies closes its sockets, and a new one reaches a live backend', async () => {
    const { port, stop } = await setup(['a', 'b']);
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    };
    const echo = (ws: WebSocket, text: string) =>
      new Promise<string>((resolve) => {
        ws.once('message', (data) => resolve(data.toString()));
        ws.send(text);
      });
    const first = await open();
    const second = await open();
    expect(await echo(first, 'hi')).toBe('a:hi');
    expect(await echo(second, 'hi')).toBe('b:hi');

    const closed = new Promise<number>((resolve) => second.once('close', resolve));
    await stop(1);
    expect(await closed).toBe(1006);
    const again = await open();
    expect(await echo(again, 'back')).toBe('a:back');
    first.close();
    again.close();
  });

  it('routes new connections around a backend whose /readyz fails, and back once it passes', async () => {
    const { port, balancer, servers } = await setup(['a', 'b', 'c'], MANUAL_HEALTH_CHECKS);
    servers[1]!.ready = false;
    await balancer.checkHealth();
    expect([0, 1, 2].map((index) => balancer.isReady(index))).toEqual([true, false, true]);
    const answers: string[] = [];
    for (let index = 0; index < 4; index++) answers.push(await get(port));
    expect(answers).toEqual(['a', 'c', 'a', 'c']);

    servers[1]!.ready = true;
    await balancer.checkHealth();
    const later: string[] = [];
    for (let index = 0; index < 3; index++) later.push(await get(port));
    expect(later.sort()).toEqual(['a', 'b', 'c']);
  });

  it('still routes somewhere when no backend is ready', async () => {
    const { port, balancer, servers } = await setup(['a'], MANUAL_HEALTH_CHECKS);
    servers[0]!.ready = false;
    await balancer.checkHealth();
    expect(await get(port)).toBe('a');
  });

  it('closes the client connection when no backend is up', async () => {
    const { port, stop } = await setup(['a']);
    await stop(0);
    await expect(get(port)).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

/** A backend that answers with the X-Forwarded-For it got (requests and WebSocket upgrades alike). */
async function forwardedForEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end(request.headers['x-forwarded-for'] ?? 'none'));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (ws, request) => ws.send(request.headers['x-forwarded-for'] ?? 'none'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('TcpBalancer: client addresses', () => {
  async function echoBehindBalancer(): Promise<number> {
    const backend = await forwardedForEcho();
    const balancer = new TcpBalancer([{ host: '127.0.0.1', port: backend.port }]);
    const port = await balancer.listen(0);
    cleanups.push(async () => {
      await balancer.close();
      await backend.close();
    });
    return port;
  }

  /** Requests over one keep-alive connection from `localAddress` (a loopback address of its own). */
  async function requestsFrom(port: number, localAddress: string, headers: http.OutgoingHttpHeaders[]): Promise<string[]> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const answers: string[] = [];
    const sockets = new Set<unknown>();
    for (const [index, extra] of headers.entries()) {
      answers.push(
        await new Promise<string>((resolve, reject) => {
          const request = http.request(
            { host: '127.0.0.1', port, agent, localAddress, method: 'POST', path: `/${index}`, headers: extra },
            (response) => {
              sockets.add(response.socket);
              let body = '';
              response.on('data', (chunk: Buffer) => (body += chunk.toString()));
              response.on('end', () => resolve(body));
            },
          );
          request.on('error', reject);
          // Alternate the two body framings.
          if (index % 2 === 0) request.end('a body');
          else {
            request.write('chunked ');
            request.end('body');
          }
        }),
      );
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
    return answers;
  }

  it("appends each client's address to X-Forwarded-For on every request of a keep-alive connection, right of what the client wrote", async () => {
    const port = await echoBehindBalancer();
    expect(await requestsFrom(port, '127.0.0.2', [{}, {}, { 'x-forwarded-for': '6.6.6.6' }, {}])).toEqual([
      '127.0.0.2',
      '127.0.0.2',
      '6.6.6.6, 127.0.0.2',
      '127.0.0.2',
    ]);
    expect(await requestsFrom(port, '127.0.0.3', [{ 'x-forwarded-for': '127.0.0.2' }])).toEqual(['127.0.0.2, 127.0.0.3']);
  });

  it("passes the client's address on a WebSocket upgrade", async () => {
    const port = await echoBehindBalancer();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: '127.0.0.4', headers: { 'x-forwarded-for': '6.6.6.6' } });
    const first = await new Promise<string>((resolve, reject) =>
      ws.once('message', (data) => resolve(data.toString())).once('error', reject),
    );
    expect(first).toBe('6.6.6.6, 127.0.0.4');
    ws.close();
  });

  it('answers a request it cannot pass on safely with 400 and closes the connection', async () => {
    const port = await echoBehindBalancer();
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nBoth Content-Length and Transfer-Encoding\.$/);
  });
});
