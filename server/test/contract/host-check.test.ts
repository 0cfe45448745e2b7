import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with a `Host` header of our choosing, the way a page on a rebound DNS
 * name reaches the server. `upgrade` asks for a WebSocket: the answer is then a 101 or a refusal.
 */
function rawRequest(
  server: TestServer,
  path: string,
  host: string,
  options: { upgrade?: boolean; token?: string } = {},
): Promise<RawAnswer> {
  const { port } = new URL(server.url);
  const headers: Record<string, string> = { host };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.upgrade) {
    Object.assign(headers, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
  }
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: Number(port), path, headers, setHost: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    outgoing.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode!, headers: response.headers, body: '' });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('Host check (CONTRACT §10: ALLOWED_HOSTS, 421)', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = (await server.login('alice@example.com')).token;
  });
  afterAll(() => server.close());

  it('answers 421 with the contract error body on the API for a Host that is not listed, even with a valid token', async () => {
    for (const host of ['evil.example', 'evil.example:8787', `localhost.evil.example:${new URL(server.url).port}`]) {
      const answer = await rawRequest(server, '/api/v1/me', host, { token });
      expect(answer.status, host).toBe(421);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body);
      expect(body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(body.error.message).toMatch(/does not answer to the host name ".*evil\.example".*ALLOWED_HOSTS/);
      // Nothing of the user's leaked into the refusal.
      expect(answer.body).not.toContain('alice');
    }
  });

  it('answers 421 in plain text on pages (the inbox at /) and on unknown paths', async () => {
    for (const path of ['/', '/index.html', '/widget.js', '/nope']) {
      const answer = await rawRequest(server, path, 'evil.example');
      expect(answer.status, path).toBe(421);
      expect(answer.headers['content-type']).toMatch(/^text\/plain/);
      expect(answer.body).toContain('ALLOWED_HOSTS');
    }
  });

  it('refuses the WebSocket upgrade (user and public sockets) with 421, before any socket exists', async () => {
    const user = await rawRequest(server, `/api/v1/chat/ws/user/threads?token=${token}`, 'evil.example', { upgrade: true });
    expect(user.status).toBe(421);
    expect(user.body).toContain('ALLOWED_HOSTS');
    const visitor = await rawRequest(
      server,
      `/api/v1/chat/ws/public/demo/threads/${crypto.randomUUID()}?email=a@example.com`,
      'evil.example',
      {
        upgrade: true,
      },
    );
    expect(visitor.status).toBe(421);
    expect(server.app.gateway.connectionCount).toBe(0);
  });

  it('serves the loopback names with any port, in any case', async () => {
    for (const host of ['localhost:1234', 'LOCALHOST', '127.0.0.1:9', '[::1]:8787']) {
      const me = await rawRequest(server, '/api/v1/me', host, { token });
      expect(me.status, host).toBe(200);
      expect(JSON.parse(me.body).email).toBe('alice@example.com');
      const page = await rawRequest(server, '/', host);
      expect(page.status, host).toBe(200);
    }
    const upgrade = await rawRequest(server, `/api/v1/chat/ws/user/threads?token=${token}`, 'localhost:1234', { upgrade: true });
    expect(upgrade.status).toBe(101);
  });

  it("keeps /healthz open to any Host: probes use the machine's address, and the answer carries nothing", async () => {
    const answer = await rawRequest(server, '/healthz', 'evil.example');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });
});

describe('ALLOWED_HOSTS set explicitly', () => {
  let server: TestServer | undefined;
  afterAll(() => server?.close());

  it('accepts exactly the listed names; "*" accepts any', async () => {
    server = await startTestServer({ ALLOWED_HOSTS: 'chat.example.com,127.0.0.1' });
    expect((await rawRequest(server, '/api/v1/me', 'chat.example.com:443')).status).toBe(401);
    expect((await rawRequest(server, '/api/v1/me', 'localhost')).status).toBe(421);
    await server.close();
    server = await startTestServer({ ALLOWED_HOSTS: '*' });
    expect((await rawRequest(server, '/api/v1/me', 'anything.example')).status).toBe(401);
  });

  it('refuses a bad entry at start with a clear message', async () => {
    await expect(startTestServer({ ALLOWED_HOSTS: 'https://chat.example.com' })).rejects.toThrow(
      /ALLOWED_HOSTS has "https:\/\/chat.example.com", which is not a host name/,
    );
  });
});
