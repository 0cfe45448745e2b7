import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { identityClaims, resolve, signIdentityToken } from '../support/visitors.ts';

type Session = { token: string; user: { id: string } };

const DEFAULTS = {
  allowed_origins: [],
  require_verified_identity: false,
  identity_secret_set: false,
  identity_secret_created_at: null,
  expected_reply_minutes: null,
  website_url: null,
  email_follow_up: false,
  attachments: { enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] },
  retention_days: null,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An open SSE stream: reads in the background until the server ends it. */
async function openStream(server: TestServer, threadId: string, token: string) {
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let text = '';
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  })();
  return { ended, received: () => text };
}

describe("[ext] agent settings and tokens, for the agent's owners (CONTRACT §7)", () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let agentToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
    agentToken = issued.body.token;
  });
  afterAll(() => server.close());

  const calls: Array<{ method: string; path: string; body?: unknown }> = [
    { method: 'GET', path: '/settings' },
    { method: 'PUT', path: '/settings', body: { allowed_origins: [], require_verified_identity: false } },
    { method: 'POST', path: '/identity-secret' },
    { method: 'POST', path: '/tokens' },
    { method: 'GET', path: '/tokens' },
    { method: 'DELETE', path: `/tokens/${randomUUID()}` },
  ];

  it.each(calls)(
    '$method $path: 401 signed out, 403 for Bob and for an agent token, 404 for an unknown agent',
    async ({ method, path, body }) => {
      const call = (slug: string, token?: string) =>
        api(server, method, `/agents/${slug}${path}`, { ...(token ? { token } : {}), ...(body ? { body } : {}) });
      expect((await call('demo')).status).toBe(401);
      const byBob = await call('demo', bob.token);
      expect(byBob.status).toBe(403);
      expect(byBob.body.error.code).toBe('forbidden');
      const byAgent = await call('demo', agentToken);
      expect(byAgent.status).toBe(403);
      const unknown = await call('no-such-agent', alice.token);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
    },
  );

  it('reads and replaces the settings, normalizing origins and removing duplicates', async () => {
    expect((await api(server, 'GET', '/agents/demo/settings', { token: alice.token })).body).toEqual(DEFAULTS);
    const put = await api(server, 'PUT', '/agents/demo/settings', {
      token: alice.token,
      body: {
        allowed_origins: ['HTTPS://Shop.Example:443/', 'http://localhost:3000', ' https://shop.example ', 'http://[::1]:8080'],
        require_verified_identity: true,
      },
    });
    expect(put.status).toBe(200);
    const expected = {
      ...DEFAULTS,
      allowed_origins: ['https://shop.example', 'http://localhost:3000', 'http://[::1]:8080'],
      require_verified_identity: true,
    };
    expect(put.body).toEqual(expected);
    expect((await api(server, 'GET', '/agents/demo/settings', { token: alice.token })).body).toEqual(expected);
    const profile = await api(server, 'GET', '/chat/public/demo', { headers: { origin: 'https://shop.example' } });
    expect(profile.body.require_verified_identity).toBe(true);
    await api(server, 'PUT', '/agents/demo/settings', {
      token: alice.token,
      body: { allowed_origins: [], require_verified_identity: false },
    });
  });

  it('refuses bad origins with a message naming the entry, and stores nothing', async () => {
    const cases: Array<{ entry: string; message: string }> = [
      {
        entry: 'ftp://files.example',
        message: 'allowed_origins: "ftp://files.example" is not an http(s) origin like https://shop.example.com.',
      },
      { entry: 'shop.example', message: 'allowed_origins: "shop.example" is not an http(s) origin like https://shop.example.com.' },
      {
        entry: 'https://shop.example/chat',
        message: 'allowed_origins: "https://shop.example/chat" has a path, query or fragment; give only scheme://host[:port].',
      },
      {
        entry: 'https://shop.example?x=1',
        message: 'allowed_origins: "https://shop.example?x=1" has a path, query or fragment; give only scheme://host[:port].',
      },
      { entry: 'https://*.example.com', message: 'allowed_origins: "https://*.example.com" has a wildcard; list each origin.' },
      {
        entry: 'https://me:pw@shop.example',
        message: 'allowed_origins: "https://me:pw@shop.example" must not contain a user name or password.',
      },
      { entry: '*', message: 'allowed_origins: "*" has a wildcard; list each origin.' },
    ];
    for (const { entry, message } of cases) {
      const response = await api(server, 'PUT', '/agents/demo/settings', {
        token: alice.token,
        body: { allowed_origins: ['https://fine.example', entry], require_verified_identity: true },
      });
      expect({ entry, status: response.status }).toEqual({ entry, status: 400 });
      expect(response.body.error).toEqual({ code: 'client_error', message, retryable: false });
    }
    const tooMany = Array.from({ length: 51 }, (_, i) => `https://site-${i}.example`);
    const many = await api(server, 'PUT', '/agents/demo/settings', {
      token: alice.token,
      body: { allowed_origins: tooMany, require_verified_identity: false },
    });
    expect(many.status).toBe(400);
    expect(many.body.error.message).toBe('allowed_origins: at most 50 origins, got 51.');
    const fifty = await api(server, 'PUT', '/agents/demo/settings', {
      token: alice.token,
      body: { allowed_origins: [...tooMany.slice(0, 50), tooMany[0]], require_verified_identity: false },
    });
    expect(fifty.status).toBe(200);
    expect(fifty.body.allowed_origins).toHaveLength(50);
    const partial = await api(server, 'PUT', '/agents/demo/settings', { token: alice.token, body: { allowed_origins: [] } });
    expect(partial.status).toBe(400);
    expect(partial.body.error.message).toContain('require_verified_identity');
    await api(server, 'PUT', '/agents/demo/settings', {
      token: alice.token,
      body: { allowed_origins: [], require_verified_identity: false },
    });
    expect((await api(server, 'GET', '/agents/demo/settings', { token: alice.token })).body).toEqual(DEFAULTS);
  });

  it('shows the identity secret once; GET never returns it; a rotation replaces it', async () => {
    const first = await api(server, 'POST', '/agents/demo/identity-secret', { token: alice.token });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ secret: expect.stringMatching(/^ais_[A-Za-z0-9_-]{43}$/), created_at: expect.any(String) });
    const settings = await api(server, 'GET', '/agents/demo/settings', { token: alice.token });
    expect(settings.body).toEqual({ ...DEFAULTS, identity_secret_set: true, identity_secret_created_at: first.body.created_at });
    expect(JSON.stringify(settings.body)).not.toContain(first.body.secret.slice(4));

    const signed = (secret: string) => signIdentityToken(secret, identityClaims('demo', `rot-${randomUUID()}`));
    expect((await resolve(server, { identity_token: signed(first.body.secret) })).status).toBe(201);
    const second = await api(server, 'POST', '/agents/demo/identity-secret', { token: alice.token });
    expect(second.status).toBe(201);
    expect(second.body.secret).not.toBe(first.body.secret);
    const old = await resolve(server, { identity_token: signed(first.body.secret) });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('identity_invalid');
    expect((await resolve(server, { identity_token: signed(second.body.secret) })).status).toBe(201);
  });

  it('issues tokens shown once, lists them without the secret, and records their use', async () => {
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const demo = (await api(server, 'GET', '/agents', { token: alice.token })).body.agents.find(
      (agent: { slug: string }) => agent.slug === 'demo',
    );
    expect(issued.body).toEqual({
      id: expect.stringMatching(UUID),
      token: expect.stringMatching(/^ama_eat_[A-Za-z0-9_-]{16,}$/),
      prefix: issued.body.token.slice(0, 12),
      agent_id: demo.id,
      created_at: expect.any(String),
    });
    const listed = await api(server, 'GET', '/agents/demo/tokens', { token: alice.token });
    expect(listed.status).toBe(200);
    const entry = listed.body.tokens.find((token: { id: string }) => token.id === issued.body.id);
    expect(entry).toEqual({ id: issued.body.id, prefix: issued.body.prefix, created_at: issued.body.created_at, last_used_at: null });
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token.slice(12));

    const created = await api(server, 'POST', '/chat/threads', { token: issued.body.token, body: { target_user_ids: [bob.user.id] } });
    expect(created.status).toBe(201);
    const after = await api(server, 'GET', '/agents/demo/tokens', { token: alice.token });
    const used = after.body.tokens.find((token: { id: string }) => token.id === issued.body.id);
    expect(Date.parse(used.last_used_at)).toBeGreaterThanOrEqual(Date.parse(issued.body.created_at));
  });

  it('revokes a token: 401 on REST at once, its open SSE stream ends, other streams stay; a second revoke is 404', async () => {
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
    const token = issued.body.token as string;
    const thread = await api(server, 'POST', '/chat/threads', { token, body: { target_user_ids: [bob.user.id] } });
    expect(thread.status).toBe(201);
    const revokedStream = await openStream(server, thread.body.id, token);
    const bobStream = await openStream(server, thread.body.id, bob.token);
    const otherAgentStream = await openStream(server, thread.body.id, agentToken);

    const revoke = await api(server, 'DELETE', `/agents/demo/tokens/${issued.body.id}`, { token: alice.token });
    expect(revoke.status).toBe(204);
    expect(await revokedStream.ended).toContain(': stream open');

    const refused = await api(server, 'GET', '/chat/threads', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    expect((await api(server, 'POST', `/chat/threads/${thread.body.id}/messages`, { token, body: sendBody('still here?') })).status).toBe(
      401,
    );
    const reopened = await fetch(`${server.url}/api/v1/chat/threads/${thread.body.id}/events/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reopened.status).toBe(401);

    // Bob's stream and the other token's stream are still live: they hear his next message.
    const sent = await api(server, 'POST', `/chat/threads/${thread.body.id}/messages`, {
      token: bob.token,
      body: sendBody('after the revoke'),
    });
    expect(sent.status).toBe(201);
    for (const stream of [bobStream, otherAgentStream]) {
      await expect.poll(() => stream.received().includes(`id: ${sent.body.message.thread_seq}\n`)).toBe(true);
    }

    const listed = await api(server, 'GET', '/agents/demo/tokens', { token: alice.token });
    expect(listed.body.tokens.map((item: { id: string }) => item.id)).not.toContain(issued.body.id);
    expect((await api(server, 'DELETE', `/agents/demo/tokens/${issued.body.id}`, { token: alice.token })).status).toBe(404);
    expect((await api(server, 'DELETE', `/agents/demo/tokens/${randomUUID()}`, { token: alice.token })).status).toBe(404);
  });
});
