import { randomBytes, createECDH } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedLog } from '../support/closed-log.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';

/** Keys as a browser makes them. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

const ENDPOINT = 'https://push.example.com/send/abc123-secret-path';

/** CONTRACT §12: the VAPID key and a user's push subscriptions, on a server with the default network rules. */
describeEachStorage('push subscriptions (CONTRACT §12)', (storageEnv) => {
  let server: TestServer;
  let ada: { token: string; user: { id: string } };
  let bob: { token: string; user: { id: string } };

  beforeAll(async () => {
    // Names resolve to a public address, except one that points inside.
    server = await startTestServer(
      { ...(await storageEnv()), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' },
      {
        resolveHost: async (host) =>
          host === 'inside.example.com' ? [{ address: '10.0.0.5', family: 4 }] : [{ address: '93.184.216.34', family: 4 }],
      },
    );
    ada = await server.addUser('Ada');
    bob = await server.addUser('Bob');
  });
  afterAll(() => server?.close());

  it('GET /push/vapid-public-key gives an uncompressed P-256 key, base64url, without sign-in', async () => {
    const response = await api(server, 'GET', '/push/vapid-public-key');
    expect(response.status).toBe(200);
    expect(response.body.key).toMatch(/^[A-Za-z0-9_-]+$/);
    const point = Buffer.from(response.body.key as string, 'base64url');
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
  });

  it('adds a subscription (201 {id}); the same endpoint again is the same one (200); the list shows only the origin', async () => {
    const keys = browserKeys();
    const created = await api(server, 'POST', '/me/push-subscriptions', { token: ada.token, body: { endpoint: ENDPOINT, keys } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const again = await api(server, 'POST', '/me/push-subscriptions', {
      token: ada.token,
      body: { endpoint: ENDPOINT, keys: browserKeys() },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: created.body.id });
    const listed = await api(server, 'GET', '/me/push-subscriptions', { token: ada.token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      subscriptions: [
        { id: created.body.id, endpoint_origin: 'https://push.example.com', created_at: expect.any(String), last_used_at: null },
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain('abc123-secret-path');
    expect((await api(server, 'GET', '/me/push-subscriptions', { token: bob.token })).body).toEqual({ subscriptions: [] });
  });

  it("DELETE removes one's own (204); another user's id is 404 and stays", async () => {
    const created = await api(server, 'POST', '/me/push-subscriptions', {
      token: ada.token,
      body: { endpoint: 'https://push.example.com/send/to-delete', keys: browserKeys() },
    });
    const foreign = await api(server, 'DELETE', `/me/push-subscriptions/${created.body.id}`, { token: bob.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: 'not_found', retryable: false });
    const own = await api(server, 'DELETE', `/me/push-subscriptions/${created.body.id}`, { token: ada.token });
    expect(own.status).toBe(204);
    expect((await api(server, 'DELETE', `/me/push-subscriptions/${created.body.id}`, { token: ada.token })).status).toBe(404);
  });

  it('at most 20 per user: the 21st is 409 and stored nowhere; a known endpoint still re-subscribes', async () => {
    const cap = await server.addUser('Cap');
    const add = (endpoint: string) =>
      api(server, 'POST', '/me/push-subscriptions', { token: cap.token, body: { endpoint, keys: browserKeys() } });
    for (let index = 0; index < 20; index++) expect((await add(`https://push.example.com/send/cap-${index}`)).status).toBe(201);
    const over = await add('https://push.example.com/send/cap-20');
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'conflict', retryable: false });
    expect(over.body.error.message).toMatch(/already have 20 push subscriptions/);
    expect((await add('https://push.example.com/send/cap-3')).status).toBe(200);
    expect((await api(server, 'GET', '/me/push-subscriptions', { token: cap.token })).body.subscriptions).toHaveLength(20);
  });

  it('needs a signed-in user', async () => {
    const response = await api(server, 'POST', '/me/push-subscriptions', { body: { endpoint: ENDPOINT, keys: browserKeys() } });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it.each([
    ['an http endpoint', { endpoint: 'http://push.example.com/x' }, /endpoint must be an https URL/],
    ['not a URL', { endpoint: 'push.example.com/x' }, /endpoint must be an https URL/],
    ['credentials in the endpoint', { endpoint: 'https://u:p@push.example.com/x' }, /must not carry credentials/],
    ['a loopback endpoint', { endpoint: 'https://127.0.0.1/x' }, /127\.0\.0\.1 is a loopback address, which push endpoints may not reach/],
    ['a name that resolves inside', { endpoint: 'https://inside.example.com/x' }, /resolves to 10\.0\.0\.5 is a private address/],
    [
      'a short p256dh',
      { keys: { p256dh: randomBytes(33).toString('base64url') } },
      /keys\.p256dh must be an uncompressed P-256 public key \(65 bytes\)/,
    ],
    ['a p256dh that is not base64url', { keys: { p256dh: '!'.repeat(87) } }, /keys\.p256dh/],
    ['an auth of 8 bytes', { keys: { auth: randomBytes(8).toString('base64url') } }, /keys\.auth must be the auth secret \(16 bytes\)/],
    ['an endpoint over 2048 characters', { endpoint: `https://push.example.com/${'a'.repeat(2048)}` }, /endpoint/],
  ])('refuses %s with 400 and a clear message, storing nothing', async (_what, change, message) => {
    const keys = { ...browserKeys(), ...(change as { keys?: object }).keys };
    const body = { endpoint: (change as { endpoint?: string }).endpoint ?? 'https://push.example.com/ok', keys };
    const response = await api(server, 'POST', '/me/push-subscriptions', { token: bob.token, body });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
    expect(response.body.error.message).toMatch(message);
    expect((await api(server, 'GET', '/me/push-subscriptions', { token: bob.token })).body).toEqual({ subscriptions: [] });
  });

  it('logs no endpoint (last: it closes the server to read the whole log)', async () => {
    const log = await closedLog(server);
    expect(log).toContain('/api/v1/me/push-subscriptions');
    expect(log).not.toContain('abc123-secret-path');
    expect(log).not.toContain('send/to-delete');
  });
});
