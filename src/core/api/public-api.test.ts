import { describe, expect, it } from 'vitest';
import { fixtureEventLog, fixtureMessage, FIXTURE_IDS } from '../protocol/fixtures.ts';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, type FakeHandler } from './fake-fetch.ts';
import { createPublicApi, publicThreadSource } from './public-api.ts';

const THREAD = FIXTURE_IDS.thread;
const EMAIL = 'visitor+widget@example.com';
const TOKEN = `vt_${'A'.repeat(43)}`;
const CREDENTIALS = { visitorToken: TOKEN, email: EMAIL };
const SENDER = 'visitor:9c1d6a0e-0000-4000-8000-000000000001';
const RESOLVED = { thread_id: THREAD, resumed: true, sender_id: SENDER, visitor_token: TOKEN, verified: false, email: EMAIL };

function visitor(handler: FakeHandler) {
  const fake = fakeFetch(handler);
  return { api: createPublicApi({ serverUrl: 'http://fake.test', fetch: fake.fetch }), requests: fake.requests };
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (reason: unknown) => reason,
  );

describe('createPublicApi', () => {
  it('reads the agent profile, filling the optional parts', async () => {
    const { api, requests } = visitor(() => json({ slug: 'demo', name: 'Demo' }));
    expect(await api.profile('demo')).toEqual({
      slug: 'demo',
      name: 'Demo',
      avatar_url: null,
      greeting: '',
      theme: {},
      // A seed-only server says nothing of a reply time.
      expected_reply_minutes: null,
    });
    expect(requests[0]?.url.pathname).toBe('/api/v1/chat/public/demo');
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('reads whether the agent needs verified visitors', async () => {
    const { api } = visitor(() => json({ slug: 'demo', name: 'Demo', require_verified_identity: true }));
    expect((await api.profile('demo')).require_verified_identity).toBe(true);
  });

  it('resolves with the stored visitor token as Bearer and sends only the fields that have a value', async () => {
    const { api, requests } = visitor(() => json(RESOLVED));
    expect(await api.resolveThread('demo', { email: EMAIL, name: 'Vera' }, TOKEN)).toEqual(RESOLVED);
    await api.resolveThread('demo', { email: EMAIL, name: null, fresh: true }, TOKEN);
    await api.resolveThread('demo', { identity_token: 'a.b.c', email: null }, null);
    expect(requests.map((request) => request.body)).toEqual([
      { email: EMAIL, name: 'Vera' },
      { email: EMAIL, fresh: true },
      { identity_token: 'a.b.c' },
    ]);
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, null]);
    // The token never goes into a URL.
    expect(requests.every((request) => !request.url.href.includes(TOKEN))).toBe(true);
  });

  it('reads a seed-only answer (no token, verified or email) as such', async () => {
    const { api } = visitor(() => json({ thread_id: THREAD, resumed: false }, 201));
    expect(await api.resolveThread('demo', { email: EMAIL }, null)).toEqual({ thread_id: THREAD, resumed: false });
  });

  it('keeps the identity and origin refusals’ codes', async () => {
    const answers = [
      contractError(401, 'identity_invalid', 'The identity token is not valid.', false),
      contractError(401, 'identity_required', 'This chat needs a verified identity.', false),
      contractError(403, 'forbidden', 'This website is not allowed to use this chat.', false),
      contractError(401, 'unauthorized', 'A visitor token is required.', false),
    ];
    const { api } = visitor(() => answers.shift()!);
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const error = await caught(api.resolveThread('demo', { identity_token: 'a.b.c' }, null));
      expect(error).toBeInstanceOf(ApiError);
      codes.push([(error as ApiError).code, (error as ApiError).status]);
    }
    expect(codes).toEqual([
      ['identity_invalid', 401],
      ['identity_required', 401],
      ['forbidden', 403],
      ['unauthorized', 401],
    ]);
  });

  it('reads history and sends with the token in the Authorization header, never in the URL', async () => {
    const { api, requests } = visitor((request) =>
      request.method === 'POST' ? json({ message: fixtureMessage }, 201) : json({ events: fixtureEventLog.slice(0, 3), has_more: true }),
    );
    expect(await api.pollEvents('demo', THREAD, CREDENTIALS, 0, 3)).toEqual({ events: fixtureEventLog.slice(0, 3), has_more: true });
    expect(await api.sendMessage('demo', THREAD, CREDENTIALS, { content: 'Hi', client_message_id: 'v-1' })).toEqual(fixtureMessage);
    expect(requests[0]?.url.searchParams.get('last_thread_seq')).toBe('0');
    expect(requests[1]?.url.pathname).toBe(`/api/v1/chat/public/demo/threads/${THREAD}/messages`);
    for (const request of requests) {
      expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      // With a token the email (a label, proving nothing) stays out of the URL too.
      expect(request.url.searchParams.has('email')).toBe(false);
      expect(request.url.href).not.toContain(TOKEN);
    }
  });

  it('asks for a person with POST …/handoff-request and the token as Bearer (CONTRACT §11)', async () => {
    const { api, requests } = visitor(() => json({}, 200));
    await api.requestHandoff('demo', THREAD, TOKEN);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url.pathname).toBe(`/api/v1/chat/public/demo/threads/${THREAD}/handoff-request`);
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(requests[0]?.url.href).not.toContain(TOKEN);
    const { api: refusing } = visitor(() => contractError(404, 'not_found', 'The conversation was not found.', false));
    expect(await caught(refusing.requestHandoff('demo', THREAD, TOKEN))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('lists the visitor’s conversations with GET /chat/public/{slug}/threads and the token as Bearer (CONTRACT §7)', async () => {
    const listed = { id: THREAD, status: 'resolved', last_message: null, updated_at: '2026-01-01T12:00:00.000Z' };
    const { api, requests } = visitor(() => json({ threads: [listed] }));
    expect(await api.listThreads('demo', TOKEN)).toEqual({ threads: [listed] });
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url.pathname).toBe('/api/v1/chat/public/demo/threads');
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(requests[0]?.url.href).not.toContain(TOKEN);
    const { api: seedOnly } = visitor(() => contractError(404, 'not_found', 'Not found.', false));
    expect(await caught(seedOnly.listThreads('demo', TOKEN))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('falls back to the seed’s email query when the server issued no token', async () => {
    const { api, requests } = visitor(() => json({ events: [], has_more: false }));
    await api.pollEvents('demo', THREAD, { visitorToken: null, email: EMAIL }, 0);
    expect(requests[0]?.url.searchParams.get('email')).toBe(EMAIL);
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('keeps the email and token out of error messages', async () => {
    const { api } = visitor(() => new Response('nope', { status: 404 }));
    const error = await caught(api.pollEvents('demo', THREAD, CREDENTIALS, 0));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('not_found');
    expect((error as ApiError).message).not.toContain('visitor');
    expect((error as ApiError).message).not.toContain(TOKEN);
  });

  it('passes rate limits through with their wait', async () => {
    const { api } = visitor(() =>
      contractError(429, 'rate_limited', 'Too many messages; try again in 20 s.', true, { 'retry-after': '20' }),
    );
    const error = await caught(api.sendMessage('demo', THREAD, CREDENTIALS, { content: 'Hi', client_message_id: 'v-2' }));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 20_000 });
  });
});

describe('publicThreadSource', () => {
  it('has no lastSeq (the engine pages from 0) and polls and sends as the visitor', async () => {
    const { api, requests } = visitor((request) =>
      request.method === 'POST' ? json({ message: fixtureMessage }, 201) : json({ events: fixtureEventLog, has_more: false }),
    );
    const source = publicThreadSource(api, 'demo', CREDENTIALS);
    expect(await source.lastSeq(THREAD)).toBeNull();
    expect((await source.pollEvents(THREAD, 4, 50)).events).toHaveLength(fixtureEventLog.length);
    expect(await source.sendMessage(THREAD, { content: 'Hi', client_message_id: 'v-3' })).toEqual(fixtureMessage);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.url.searchParams.get('last_thread_seq')).toBe('4');
    expect(requests.every((request) => request.headers.get('authorization') === `Bearer ${TOKEN}`)).toBe(true);
  });
});
