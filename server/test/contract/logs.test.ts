import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_PATTERN, VISITOR_TOKEN_PATTERN } from '../support/global-setup.ts';
import { expiredToken, api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, publicSocketUrl, userSocketUrl } from '../support/test-socket.ts';
import { identityClaims, openVisitorSocket, publicCall, resolve, signIdentityToken } from '../support/visitors.ts';

const WRONG_PASSWORD = 'hunter2-Wrong-Password-9731';

/** Opens an SSE stream and reads until its first chunk, then hangs up. */
async function touchStream(server: TestServer, threadId: string, token: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('id: 1\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return text;
}

describe('server logs carry no secrets (CONTRACT §1)', () => {
  let server: TestServer;
  let closed = false;

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    if (!closed) await server.close();
  });

  it('logs the requests of a token-heavy session without any token or password', async () => {
    // Sign-in, right and wrong.
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const wrong = await api(server, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: WRONG_PASSWORD } });
    expect(wrong.status).toBe(401);

    // REST with Authorization, and a token misplaced in a query string.
    expect((await api(server, 'GET', '/me', { token: alice.token })).status).toBe(200);
    expect((await api(server, 'GET', '/chat/threads', { token: alice.token })).status).toBe(200);
    expect((await api(server, 'GET', `/chat/threads?token=${alice.token}`)).status).toBe(401);
    expect((await api(server, 'GET', `/me?access_token=${alice.token}`)).status).toBe(401);
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('hello logs') })).status,
    ).toBe(201);

    // The user socket: ?token= and the auth subprotocol.
    const byQuery = TestSocket.open(userSocketUrl(server.wsUrl, alice.token));
    await byQuery.ready();
    await byQuery.close();
    const byProtocol = TestSocket.open(userSocketUrl(server.wsUrl), { protocols: ['auth', bob.token] });
    await byProtocol.ready();
    expect(byProtocol.ws.protocol).toBe('auth');
    await byProtocol.close();

    // An expired token everywhere.
    const expired = await expiredToken(server, alice.user.id);
    const expiredRest = await api(server, 'GET', '/me', { token: expired });
    expect(expiredRest.status).toBe(401);
    expect(expiredRest.body.error.code).toBe('unauthorized');
    const expiredQuery = TestSocket.open(userSocketUrl(server.wsUrl, expired));
    expect((await expiredQuery.closed).code).toBe(4001);
    const expiredProtocol = TestSocket.open(userSocketUrl(server.wsUrl), { protocols: ['auth', expired] });
    expect((await expiredProtocol.closed).code).toBe(4001);
    const garbageQuery = TestSocket.open(userSocketUrl(server.wsUrl, `${alice.token}x`));
    expect((await garbageQuery.closed).code).toBe(4001);

    // An SSE stream.
    expect(await touchStream(server, thread.id, alice.token)).toContain('id: 1\n');

    // An external agent token: issued, used, and a wrong one.
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const agentToken = issued.body.token as string;
    const agentThread = await api(server, 'POST', '/chat/threads', { token: agentToken, body: { target_user_ids: [bob.user.id] } });
    expect(agentThread.status).toBe(201);
    const agentSend = await api(server, 'POST', `/chat/threads/${agentThread.body.id}/messages`, {
      token: agentToken,
      body: sendBody('agent speaking'),
    });
    expect(agentSend.status).toBe(201);
    expect((await api(server, 'GET', `/chat/threads/${agentThread.body.id}/events`, { token: agentToken })).status).toBe(200);
    expect(await touchStream(server, agentThread.body.id, agentToken)).toContain('id: 1\n');
    expect((await api(server, 'GET', '/chat/threads', { token: `${agentToken}zz` })).status).toBe(401);

    // A visitor: an identity token in the resolve body, the visitor token as Bearer and as subprotocol.
    const secret = (await api(server, 'POST', '/agents/demo/identity-secret', { token: alice.token })).body.secret as string;
    const identityToken = signIdentityToken(secret, identityClaims('demo', 'customer-in-logs'));
    const visitor = await resolve(server, { email: 'logged-visitor@customer.example', identity_token: identityToken });
    expect(visitor.status).toBe(201);
    const visitorToken = visitor.body.visitor_token;
    const badIdentity = await resolve(server, { email: 'logged-visitor@customer.example', identity_token: `${identityToken}x` });
    expect(badIdentity.status).toBe(401);
    expect(
      (await publicCall(server, 'POST', `${visitor.body.thread_id}/messages`, { token: visitorToken, body: sendBody('visitor speaking') }))
        .status,
    ).toBe(201);
    expect((await publicCall(server, 'GET', `${visitor.body.thread_id}/events`, { token: visitorToken })).status).toBe(200);
    expect((await publicCall(server, 'GET', `${visitor.body.thread_id}/events`, { token: `${visitorToken}x` })).status).toBe(401);
    const visitorSocket = openVisitorSocket(server, {
      threadId: visitor.body.thread_id,
      email: 'logged-visitor@customer.example',
      token: visitorToken,
    });
    await visitorSocket.ready();
    await visitorSocket.close();

    // Close the server so that every line is flushed, then read the whole log.
    await server.close();
    closed = true;
    const log = readFileSync(server.logFile, 'utf8');

    // The log is not empty: the requests and the upgrades are in it, with tokens redacted.
    expect(log).toContain('/api/v1/auth/login');
    expect(log).toContain('/api/v1/me');
    expect(log).toContain(`/api/v1/chat/threads/${thread.id}/messages`);
    expect(log).toContain(`/api/v1/chat/threads/${thread.id}/events/stream`);
    expect(log).toContain('websocket upgrade');
    expect(log).toContain('/api/v1/chat/ws/user/threads?token=[redacted]');
    expect(log).toContain('/api/v1/chat/threads?token=[redacted]');
    expect(log).toContain('/api/v1/me?access_token=[redacted]');
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(20);

    // …and no secret of any kind.
    expect(log).not.toMatch(JWT_PATTERN);
    expect(log).not.toContain('ama_eat_');
    expect(log).not.toContain(agentToken.slice('ama_eat_'.length));
    for (const token of [alice.token, bob.token, expired]) {
      for (const part of token.split('.')) expect(log).not.toContain(part);
    }
    expect(log).not.toContain('password123');
    expect(log).not.toContain(WRONG_PASSWORD);
    expect(log).not.toContain(server.config.jwtSecret);
    expect(log).not.toContain(visitorToken.slice('vt_'.length));
    expect(log).not.toContain(secret.slice('ais_'.length));
    for (const part of identityToken.split('.')) expect(log).not.toContain(part);
  });
});

describe('server logs carry no visitor email or visitor token (CONTRACT §1, §7)', () => {
  let server: TestServer;
  let closed = false;
  const VICTIM = 'victim@example.com';
  /** A visitor token as the resolve call issues them (`vt_` + 43 base64url characters). */
  const STRAY_TOKEN = `vt_${'A1b2C3d4E5'.repeat(4)}xyz`;

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    if (!closed) await server.close();
  });

  it("logs a visitor's REST calls and public socket without their email or any token", async () => {
    const resolved = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: VICTIM, name: 'Victim' } });
    expect(resolved.status).toBe(201);
    const threadId = resolved.body.thread_id as string;
    // The token, where the server issues one (visitor tokens, CONTRACT §7); a stray one otherwise.
    const visitorToken = (resolved.body.visitor_token as string | undefined) ?? STRAY_TOKEN;
    const auth = { authorization: `Bearer ${visitorToken}` };
    const query = `email=${encodeURIComponent(VICTIM)}`;
    const base = `/chat/public/demo/threads/${threadId}`;

    expect((await api(server, 'GET', `${base}/events?${query}&last_thread_seq=0`, { headers: auth })).status).toBe(200);
    expect((await api(server, 'POST', `${base}/messages?${query}`, { headers: auth, body: sendBody('help me') })).status).toBe(201);
    // Tokens and emails misplaced in URLs, by a confused client or a prober.
    await api(server, 'GET', `${base}/events?token=${visitorToken}&${query}`);
    await api(server, 'GET', `${base}/events?visitor_token=${visitorToken}`);
    await api(server, 'GET', `/chat/public/demo/${visitorToken}?email=${VICTIM}`);
    await api(server, 'GET', `${base}/events?EMAIL=${VICTIM}&x=1`);

    // The public socket: ?email= in its URL, the token in the subprotocol.
    const socket = TestSocket.open(publicSocketUrl(server.wsUrl, 'demo', threadId, VICTIM), { protocols: ['visitor', visitorToken] });
    await socket.ready().catch(() => undefined);
    await socket.close();
    // …and a probe with the email of someone else.
    const probe = TestSocket.open(publicSocketUrl(server.wsUrl, 'demo', threadId, 'other.victim@example.com'));
    await probe.closed;

    await server.close();
    closed = true;
    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain(`/api/v1/chat/public/demo/threads/${threadId}/events?email=[redacted]`);
    expect(log).toContain(`/api/v1/chat/ws/public/demo/threads/${threadId}?email=[redacted]`);
    expect(log).toContain('websocket upgrade');
    for (const secret of [VICTIM, encodeURIComponent(VICTIM), 'victim%40', 'other.victim', visitorToken, visitorToken.slice(3)]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(VISITOR_TOKEN_PATTERN);
  });
});

describe('server logs redact credential parameters whatever their spelling (CONTRACT §1)', () => {
  let server: TestServer;
  let closed = false;
  const VICTIM = 'spelt.victim@example.com';

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    if (!closed) await server.close();
  });

  it('logs ?%74oken=, ?TOKEN=, ?%65mail= and an escaped visitor token redacted; an escaped name still authenticates', async () => {
    const alice = await server.login('alice@example.com');
    const socketPath = `${server.wsUrl}/api/v1/chat/ws/user/threads`;
    // `%74oken` is `token`, validly encoded: the server reads it as such (and the log must not show it).
    const escaped = TestSocket.open(`${socketPath}?%74oken=${alice.token}`);
    await escaped.ready();
    await escaped.close();
    // Parameter names are case-sensitive: `TOKEN` is not the token, and is refused, but still redacted.
    expect((await TestSocket.open(`${socketPath}?TOKEN=${alice.token}`).closed).code).toBe(4001);
    expect((await api(server, 'GET', `/me?%61ccess%5Ftoken=${alice.token}`)).status).toBe(401);
    expect((await api(server, 'GET', `/chat/threads?next=${encodeURIComponent(alice.token)}`)).status).toBe(401);

    const resolved = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: VICTIM, name: 'Victim' } });
    expect(resolved.status).toBe(201);
    const threadId = resolved.body.thread_id as string;
    const visitorToken = resolved.body.visitor_token as string;
    const email = encodeURIComponent(VICTIM);
    const visitorSocket = TestSocket.open(`${server.wsUrl}/api/v1/chat/ws/public/demo/threads/${threadId}?%65mail=${email}`, {
      protocols: ['visitor', visitorToken],
    });
    await visitorSocket.ready();
    await visitorSocket.close();
    await api(server, 'GET', `/chat/public/demo/threads/${threadId}/events?E%4DAIL=${email}&%76isitor_token=${visitorToken}`);
    await api(server, 'GET', `/chat/public/demo/%76t%5F${visitorToken.slice(3)}`);

    await server.close();
    closed = true;
    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain('/api/v1/chat/ws/user/threads?%74oken=[redacted]');
    expect(log).toContain('/api/v1/chat/ws/user/threads?TOKEN=[redacted]');
    expect(log).toContain('/api/v1/me?%61ccess%5Ftoken=[redacted]');
    expect(log).toContain(`/api/v1/chat/ws/public/demo/threads/${threadId}?%65mail=[redacted]`);
    expect(log).toContain(`/events?E%4DAIL=[redacted]&%76isitor_token=[redacted]`);
    expect(log).toContain('/api/v1/chat/public/demo/vt_[redacted]');
    expect(log).not.toMatch(JWT_PATTERN);
    for (const part of alice.token.split('.')) expect(log).not.toContain(part);
    for (const secret of [VICTIM, email, visitorToken.slice(3)]) expect(log).not.toContain(secret);
  });
});

describe('the OpenAPI document', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lists the main paths', async () => {
    const response = await api(server, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(response.body.paths).map((path) => path.replace(/^\/api\/v1/, ''));
    for (const path of [
      '/auth/login',
      '/chat/threads',
      '/chat/threads/{id}',
      '/chat/threads/{id}/messages',
      '/chat/threads/{id}/events',
      '/chat/threads/{id}/events/stream',
      '/chat/public/{slug}/threads',
    ]) {
      expect(paths).toContain(path);
    }
    expect(
      Object.keys(response.body.paths['/api/v1/chat/threads/{id}/messages'] ?? response.body.paths['/chat/threads/{id}/messages']),
    ).toContain('post');
  });
});
