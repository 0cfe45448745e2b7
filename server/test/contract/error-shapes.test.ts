import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.ts';
import { STORE_NAMES } from '../../src/storage/storage.ts';
import { RawConnection, rawExchange, type RawResponse } from '../support/raw-http.ts';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';

/** The contract's error body (CONTRACT §2). */
const errorBody = (code: string, retryable = false) => ({ error: { code, message: expect.any(String), retryable } });

function expectContractError(response: RawResponse, status: number, code: string, retryable = false): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.body)).toEqual(errorBody(code, retryable));
}

const upgradeHeaders = (host: string, extra = '') =>
  `Host: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

/**
 * Every answer the server gives has the contract's shape `{error:{code,message,retryable}}`,
 * the framework's own included: unknown paths and methods, bodies too large or not JSON,
 * URLs the router cannot decode, requests Node cannot parse, refused WebSocket upgrades,
 * and requests that arrive while the server shuts down (issue 22).
 */
describe('every error answer has the contract shape', () => {
  let server: TestServer;
  let host: string;

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
  });
  afterAll(() => server.close());

  it('404 for an unknown path, under /api and elsewhere, and for a method a route does not take', async () => {
    const unknownApi = await rawExchange(server.url, `GET /api/v1/nothing-here HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expectContractError(unknownApi, 404, 'not_found');
    const unknownFile = await rawExchange(server.url, `GET /nothing-here.txt HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expectContractError(unknownFile, 404, 'not_found');
    const wrongMethod = await rawExchange(server.url, `DELETE /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expectContractError(wrongMethod, 404, 'not_found');
  });

  it('413 for a body over 64 KiB, 400 for a body that is not JSON or not valid JSON', async () => {
    const big = await api(server, 'POST', '/auth/login', { body: JSON.stringify({ email: 'x'.repeat(70_000) }) });
    expect(big.status).toBe(413);
    expect(big.body).toEqual(errorBody('client_error'));
    const text = await api(server, 'POST', '/auth/login', { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(text.body).toEqual(errorBody('client_error'));
    const broken = await api(server, 'POST', '/auth/login', { body: '{"email": ' });
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual(errorBody('client_error'));
  });

  it('400 for a path the router cannot decode or whose segment is too long', async () => {
    const badEncoding = await rawExchange(server.url, `GET /api/v1/chat/threads/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expectContractError(badEncoding, 400, 'client_error');
    const longSegment = await rawExchange(server.url, `GET /api/v1/chat/threads/${'a'.repeat(300)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expectContractError(longSegment, 400, 'client_error');
  });

  it('400 for a request that is not HTTP, 431 for headers too large', async () => {
    expectContractError(await rawExchange(server.url, 'HELLO THERE\r\n\r\n'), 400, 'client_error');
    const huge = await rawExchange(server.url, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(70_000)}\r\n\r\n`);
    expectContractError(huge, 431, 'client_error');
  });

  it('refuses WebSocket upgrades with the contract body: unknown path 404, foreign origin 403, bad target 400', async () => {
    const unknown = await rawExchange(server.url, `GET /api/v1/chat/ws/nowhere HTTP/1.1\r\n${upgradeHeaders(host)}`);
    expectContractError(unknown, 404, 'not_found');
    const foreign = await rawExchange(
      server.url,
      `GET /api/v1/chat/ws/user/threads HTTP/1.1\r\n${upgradeHeaders(host, 'Origin: https://evil.example\r\n')}`,
    );
    expectContractError(foreign, 403, 'forbidden');
    const badTarget = await rawExchange(server.url, `GET // HTTP/1.1\r\n${upgradeHeaders(host)}`);
    expect(badTarget.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(badTarget.body)).toEqual(errorBody(badTarget.status === 404 ? 'not_found' : 'client_error'));
  });

  it('/healthz says alive and /readyz ready', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });
});

describe('a failing database: 503 unavailable when it is unreachable, 500 for anything else', () => {
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  const storages: SqliteStorage[] = [];

  async function serverWith(failure: () => Error): Promise<TestServer> {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-failing-'));
    dirs.push(dir);
    const inner = new SqliteStorage(join(dir, 'db.sqlite'));
    storages.push(inner);
    // The server's start-up reads the storage: let it, then fail every call (of the root and of every store) but close.
    let failing = false;
    const failEveryCall = <T extends object>(object: T): T =>
      new Proxy(object, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if ((STORE_NAMES as readonly PropertyKey[]).includes(property)) return failEveryCall(value as object);
          if (!failing || typeof value !== 'function' || property === 'close') return value;
          return async () => {
            throw failure();
          };
        },
      });
    const storage = failEveryCall(inner);
    const server = await startTestServer({}, { storage, seed: false });
    servers.push(server);
    failing = true;
    return server;
  }
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const storage of storages) await storage.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a retryable 503 with Retry-After when the database refuses connections, and /readyz says not ready', async () => {
    const server = await serverWith(() => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const login = await api(server, 'POST', '/auth/login', { body: { email: 'a@example.com', password: 'password123' } });
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toBe('1');
    expect(login.body).toEqual(errorBody('unavailable', true));
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toEqual(errorBody('unavailable', true));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers 500 server_error (retryable) for an error that is not about reaching the database', async () => {
    const server = await serverWith(() => new Error('a bug'));
    const login = await api(server, 'POST', '/auth/login', { body: { email: 'a@example.com', password: 'password123' } });
    expect(login.status).toBe(500);
    expect(login.body).toEqual(errorBody('server_error', true));
  });
});

describe('a request that arrives while the server shuts down', () => {
  it('gets 503 unavailable (retryable, Retry-After, Connection: close) in the contract shape', async () => {
    const server = await startTestServer();
    const host = new URL(server.url).host;
    const connection = await RawConnection.open(server.url);
    // A request in flight (its body not all sent) keeps the connection busy while the server starts closing.
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' });
    await connection.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    // The rest of the first request, then two more on the same connection (pipelined, as keep-alive clients do).
    await connection.write(`${body.slice(5)}GET /api/v1/me HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /readyz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const responses = await connection.waitFor(2);
    connection.destroy();
    await closed;
    expect(responses.length).toBeGreaterThanOrEqual(2);
    expectContractError(responses[0]!, 401, 'unauthorized');
    const during = responses[1]!;
    expectContractError(during, 503, 'unavailable', true);
    expect(during.headers['retry-after']).toBe('1');
    expect(during.headers.connection).toBe('close');
  });
});
