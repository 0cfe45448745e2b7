import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const FOREIGN = 'https://evil.example.com';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A WebSocket upgrade with its target sent byte for byte: the HTTP status it got (101 when accepted). */
function rawUpgrade(server: TestServer, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const call = request({
      host: hostname,
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    call.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode!);
    });
    call.on('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    call.on('error', reject);
    call.end();
  });
}

/** A request with its target sent byte for byte (fetch would normalise `/./` and more). */
function raw(server: TestServer, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const call = request({ host: hostname, port, path, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

/**
 * The origin check judges the path the router routes, not the raw request target: the router
 * decodes percent escapes, so an escaped spelling of a signed-in path must be refused to a
 * foreign page like the plain one, and an escaped public path must stay public.
 */
describe('the origin check judges every spelling of a path as the router routes it (CONTRACT §1)', () => {
  let server: TestServer;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ({
      token,
      user: { id: userId },
    } = await server.login('alice@example.com'));
  });
  afterAll(() => server.close());

  const ROUTED = ['/api/v1/me', '/%61pi/v1/me', '/api/v1/%6De', '/api/%76%31/me', '/%61%70%69/v1/me?x=1'];
  const UNROUTED = [
    '//api/v1/me',
    '/api//v1/me',
    '/api/./v1/me',
    '/api/x/../v1/me',
    '/api%2Fv1/me',
    '/API/v1/me',
    '/api/V1/me',
    '/api/v1/me/',
  ];

  it('refuses a foreign Origin with 403 on every spelling the router routes to a signed-in route', async () => {
    for (const path of ROUTED) {
      const alone = await raw(server, 'GET', path, { authorization: `Bearer ${token}` });
      expect(alone.status, path).toBe(200);
      expect(JSON.parse(alone.body).id, path).toBe(userId);
      const foreign = await raw(server, 'GET', path, { authorization: `Bearer ${token}`, origin: FOREIGN });
      expect(foreign.status, path).toBe(403);
      expect(JSON.parse(foreign.body)).toEqual({
        error: { code: 'forbidden', message: `Requests from ${FOREIGN} are not allowed; add it to ALLOWED_ORIGINS.`, retryable: false },
      });
      expect(foreign.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    const thread = await raw(server, 'GET', '/api/v1/chat/%74hreads', { authorization: `Bearer ${token}`, origin: FOREIGN });
    expect(thread.status).toBe(403);
  });

  it('serves no spelling the router does not route, with or without a foreign Origin', async () => {
    for (const path of UNROUTED) {
      expect((await raw(server, 'GET', path, { authorization: `Bearer ${token}` })).status, path).toBe(404);
      const foreign = await raw(server, 'GET', path, { authorization: `Bearer ${token}`, origin: FOREIGN });
      expect(foreign.status, path).toBe(403);
      expect(foreign.body).not.toContain(userId);
    }
  });

  it('accepts the user socket from a foreign Origin under no spelling; the socket gateway routes what it judges', async () => {
    const protocols = { 'sec-websocket-protocol': `auth, ${token}` };
    expect(await rawUpgrade(server, '/api/v1/chat/ws/user/threads', protocols)).toBe(101);
    // The gateway reads dot segments out of the path: this spelling is the user socket, and judged as it.
    expect(await rawUpgrade(server, '/api/./v1/chat/ws/user/threads', protocols)).toBe(101);
    for (const path of ['/api/v1/chat/ws/user/threads', '/api/./v1/chat/ws/user/threads', '/api/x/../v1/chat/ws/user/threads']) {
      expect(await rawUpgrade(server, path, { ...protocols, origin: FOREIGN }), path).toBe(403);
    }
    // Escaped spellings are not the user socket to the gateway: not upgraded at all.
    for (const path of ['/%61pi/v1/chat/ws/user/threads', '/api/v1/chat/ws/user/%74hreads', '//api/v1/chat/ws/user/threads']) {
      expect(await rawUpgrade(server, path, protocols), path).toBe(404);
      expect(await rawUpgrade(server, path, { ...protocols, origin: FOREIGN }), path).toBe(404);
    }
  });

  it('keeps an escaped spelling of a public path public: any origin, with CORS', async () => {
    const path = '/api/v1/chat/%70ublic/demo/threads';
    const preflight = await raw(server, 'OPTIONS', path, {
      origin: FOREIGN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(FOREIGN);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const body = JSON.stringify({ email: 'escaped@example.com', name: 'Escaped' });
    const resolved = await raw(server, 'POST', path, { origin: FOREIGN, 'content-type': 'application/json' }, body);
    expect(resolved.status, resolved.body).toBe(201);
    expect(resolved.headers['access-control-allow-origin']).toBe(FOREIGN);
    expect(JSON.parse(resolved.body).thread_id).toEqual(expect.any(String));
  });
});
