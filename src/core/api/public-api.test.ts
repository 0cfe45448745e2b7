import { describe, expect, it } from 'vitest';
import { fixtureEventLog, fixtureMessage, FIXTURE_IDS } from '../protocol/fixtures.ts';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, type FakeHandler } from './fake-fetch.ts';
import { createPublicApi, publicThreadSource } from './public-api.ts';

const THREAD = FIXTURE_IDS.thread;
const EMAIL = 'visitor+widget@example.com';

function visitor(handler: FakeHandler) {
  const fake = fakeFetch(handler);
  return { api: createPublicApi({ serverUrl: 'http://fake.test', fetch: fake.fetch }), requests: fake.requests };
}

describe('createPublicApi', () => {
  it('reads the agent profile, filling the optional parts', async () => {
    const { api, requests } = visitor(() => json({ slug: 'demo', name: 'Demo' }));
    expect(await api.profile('demo')).toEqual({ slug: 'demo', name: 'Demo', avatar_url: null, greeting: '', theme: {} });
    expect(requests[0]?.url.pathname).toBe('/api/v1/chat/public/demo');
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('resolves the visitor thread with email and optional name', async () => {
    const { api, requests } = visitor(() => json({ thread_id: THREAD, resumed: true }));
    expect(await api.resolveThread('demo', EMAIL, 'Vera')).toEqual({ thread_id: THREAD, resumed: true });
    await api.resolveThread('demo', EMAIL);
    expect(requests.map((request) => request.body)).toEqual([{ email: EMAIL, name: 'Vera' }, { email: EMAIL }]);
  });

  it('reads history and sends with the email in the query', async () => {
    const { api, requests } = visitor((request) =>
      request.method === 'POST' ? json({ message: fixtureMessage }, 201) : json({ events: fixtureEventLog.slice(0, 3), has_more: true }),
    );
    expect(await api.pollEvents('demo', THREAD, EMAIL, 0, 3)).toEqual({ events: fixtureEventLog.slice(0, 3), has_more: true });
    expect(await api.sendMessage('demo', THREAD, EMAIL, { content: 'Hi', client_message_id: 'v-1' })).toEqual(fixtureMessage);
    expect(requests[0]?.url.searchParams.get('email')).toBe(EMAIL);
    expect(requests[0]?.url.searchParams.get('last_thread_seq')).toBe('0');
    expect(requests[1]?.url.pathname).toBe(`/api/v1/chat/public/demo/threads/${THREAD}/messages`);
    expect(requests[1]?.url.searchParams.get('email')).toBe(EMAIL);
  });

  it('keeps the email out of error messages', async () => {
    const { api } = visitor(() => new Response('nope', { status: 404 }));
    const error: unknown = await api.pollEvents('demo', THREAD, EMAIL, 0).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('not_found');
    expect((error as ApiError).message).not.toContain('visitor');
  });

  it('passes rate limits through with their wait', async () => {
    const { api } = visitor(() => contractError(429, 'rate_limited', 'Too many messages; try again in 20 s.', true, { 'retry-after': '20' }));
    const error: unknown = await api.sendMessage('demo', THREAD, EMAIL, { content: 'Hi', client_message_id: 'v-2' }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 20_000 });
  });
});

describe('publicThreadSource', () => {
  it('has no lastSeq (the engine pages from 0) and polls and sends as the visitor', async () => {
    const { api, requests } = visitor((request) =>
      request.method === 'POST' ? json({ message: fixtureMessage }, 201) : json({ events: fixtureEventLog, has_more: false }),
    );
    const source = publicThreadSource(api, 'demo', EMAIL);
    expect(await source.lastSeq(THREAD)).toBeNull();
    expect((await source.pollEvents(THREAD, 4, 50)).events).toHaveLength(10);
    expect(await source.sendMessage(THREAD, { content: 'Hi', client_message_id: 'v-3' })).toEqual(fixtureMessage);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.url.searchParams.get('last_thread_seq')).toBe('4');
    expect(requests.every((request) => request.url.searchParams.get('email') === EMAIL)).toBe(true);
  });
});
