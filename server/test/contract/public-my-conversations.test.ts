import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, sendBody, startTestServer, type ApiResponse, type TestServer } from '../support/test-server.ts';
import { publicCall, resolve, startVisitor, type Resolved } from '../support/visitors.ts';

type Session = { token: string; user: { id: string } };

/** `GET /chat/public/{slug}/threads` (CONTRACT §7 "my conversations"), with the token as Bearer when given. */
const myConversations = (server: TestServer, options: { token?: string; slug?: string; origin?: string } = {}): Promise<ApiResponse> =>
  api(server, 'GET', `/chat/public/${options.slug ?? 'demo'}/threads`, {
    ...(options.token ? { token: options.token } : {}),
    ...(options.origin ? { headers: { origin: options.origin } } : {}),
  });

const listedIds = (response: ApiResponse) => (response.body.threads as { id: string }[]).map((thread) => thread.id);

describeEachStorage('CONTRACT §7: a visitor lists their own conversations with the agent', (storageEnv) => {
  let server: TestServer;
  let alice: Session;
  let rita: Resolved & { email: string };
  let ritaFresh: Resolved;

  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), LOG_LEVEL: 'debug' });
    alice = await server.login('alice@example.com');
    rita = await startVisitor(server, { name: 'Rita' });
    const fresh = await resolve(server, { email: rita.email, fresh: true }, { token: rita.visitor_token });
    expect(fresh.status).toBe(201);
    ritaFresh = fresh.body;
    // Alice takes the first conversation over (so no agent reply lands after Rita's message), then resolves it:
    // it is the conversation updated last.
    expect((await api(server, 'POST', `/chat/threads/${rita.thread_id}/takeover`, { token: alice.token })).status).toBe(200);
    const sent = await publicCall(server, 'POST', `${rita.thread_id}/messages`, {
      token: rita.visitor_token,
      body: sendBody('Where is my order 1234?'),
    });
    expect(sent.status).toBe(201);
    const resolved = await api(server, 'PUT', `/chat/threads/${rita.thread_id}/status`, {
      token: alice.token,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
  });
  afterAll(() => server.close());

  it('lists every conversation of the token’s visitor, newest first, with status and last message', async () => {
    const response = await myConversations(server, { token: rita.visitor_token });
    expect(response.status).toBe(200);
    const [earlier, current] = response.body.threads;
    expect(response.body.threads).toHaveLength(2);
    expect(earlier).toEqual({
      id: rita.thread_id,
      status: 'resolved',
      last_message: { sender_id: rita.sender_id, content: 'Where is my order 1234?', created_at: expect.any(String) },
      updated_at: expect.any(String),
    });
    expect(current).toEqual({ id: ritaFresh.thread_id, status: 'open', last_message: null, updated_at: expect.any(String) });
    expect(Date.parse(earlier.updated_at)).toBeGreaterThan(Date.parse(current.updated_at));
    // Resume one with its id: the earlier conversation is still the visitor's to read.
    expect((await publicCall(server, 'GET', `${rita.thread_id}/events?last_thread_seq=0`, { token: rita.visitor_token })).status).toBe(200);
  });

  it('never lists another visitor’s conversations, not even with the same email', async () => {
    const namesake = await startVisitor(server, { email: rita.email });
    const response = await myConversations(server, { token: namesake.visitor_token });
    expect(response.status).toBe(200);
    expect(listedIds(response)).toEqual([namesake.thread_id]);
    expect(listedIds(await myConversations(server, { token: rita.visitor_token }))).not.toContain(namesake.thread_id);
  });

  it('refuses a missing, unknown or other agent’s token (401), an unknown agent (404) and a refused website (403)', async () => {
    const missing = await myConversations(server);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: {
        code: 'unauthorized',
        message: 'Send the visitor token from the resolve call as "Authorization: Bearer vt_…".',
        retryable: false,
      },
    });
    const unknown = await myConversations(server, { token: `vt_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ code: 'unauthorized', retryable: false });
    expect((await myConversations(server, { token: alice.token })).status).toBe(401);

    const slug = `other-${randomUUID().slice(0, 8)}`;
    await server.app.context.storage.agents.create(
      { id: randomUUID(), slug, name: 'Other', avatarUrl: null, greeting: 'hi', themeColor: '#000', engine: 'demo' },
      [alice.user.id],
    );
    const elsewhere = await myConversations(server, { slug, token: rita.visitor_token });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error.code).toBe('unauthorized');

    const nobody = await myConversations(server, { slug: 'nobody-here', token: rita.visitor_token });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('not_found');

    const settings = (allowed: string[]) =>
      api(server, 'PUT', '/agents/demo/settings', {
        token: alice.token,
        body: { allowed_origins: allowed, require_verified_identity: false },
      });
    expect((await settings(['https://shop.example'])).status).toBe(200);
    try {
      const refused = await myConversations(server, { token: rita.visitor_token, origin: 'https://evil.example' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: 'forbidden', message: 'This website is not allowed to use this chat.', retryable: false });
      expect((await myConversations(server, { token: rita.visitor_token, origin: 'https://shop.example' })).status).toBe(200);
    } finally {
      expect((await settings([])).status).toBe(200);
    }
  });

  it('logs the call without the visitor token', async () => {
    expect((await myConversations(server, { token: rita.visitor_token })).status).toBe(200);
    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain('"url":"/api/v1/chat/public/demo/threads"');
    expect(log).not.toContain(rita.visitor_token);
    expect(log).not.toContain(rita.visitor_token.slice('vt_'.length));
  });
});

describe('CONTRACT §7: "my conversations" is rate-limited per address like the other public calls', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_MESSAGES_PER_MIN: '2' });
  });
  afterAll(() => server.close());

  it('answers 429 rate_limited with Retry-After once the address is over the limit', async () => {
    const visitor = await startVisitor(server);
    for (let call = 0; call < 2; call++) expect((await myConversations(server, { token: visitor.visitor_token })).status).toBe(200);
    const limited = await myConversations(server, { token: visitor.visitor_token });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
