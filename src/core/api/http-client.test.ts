import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, never, stalledBody, type FakeHandler } from './fake-fetch.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, apiBaseUrl, createHttpClient, parseRetryAfter, parseWith } from './http-client.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl';

function client(handler: FakeHandler, options: { token?: string | null; timeoutMs?: number } = {}) {
  const fake = fakeFetch(handler);
  const http = createHttpClient({
    baseUrl: 'http://fake.test/api/v1',
    getToken: () => (options.token === undefined ? TOKEN : options.token),
    fetch: fake.fetch,
    timeoutMs: options.timeoutMs,
  });
  return { http, requests: fake.requests };
}

/** The rejection of `promise`, which must be an ApiError. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createHttpClient: requests', () => {
  it('sends the bearer token, the query without empty values, and a JSON body', async () => {
    const { http, requests } = client(() => json({ ok: true }, 201));
    const result = await http.request('POST', '/chat/threads', { body: { title: 'x' }, query: { limit: 5, cursor: null, q: undefined } });
    expect(result).toEqual({ ok: true });
    const [sent] = requests;
    expect(sent?.url.pathname).toBe('/api/v1/chat/threads');
    expect(sent?.url.search).toBe('?limit=5');
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(sent?.headers.get('content-type')).toBe('application/json');
    expect(sent?.body).toEqual({ title: 'x' });
  });

  it('sends no authorization without a token, or with auth: false', async () => {
    const anonymous = client(() => json({}), { token: null });
    await anonymous.http.request('GET', '/me');
    const signIn = client(() => json({}));
    await signIn.http.request('POST', '/auth/login', { body: {}, auth: false });
    expect(anonymous.requests[0]?.headers.has('authorization')).toBe(false);
    expect(signIn.requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('resolves a 204 with undefined and a 2xx with the parsed value', async () => {
    const empty = client(() => new Response(null, { status: 204 }));
    expect(await empty.http.request('DELETE', '/x')).toBeUndefined();
    const typed = client(() => json({ read_seq: 4, extra: 1 }));
    const value = await typed.http.request('GET', '/x', { parse: parseWith(v.object({ read_seq: v.number() })) });
    expect(value).toEqual({ read_seq: 4 });
  });

  it('builds the API base from a server URL without doubling slashes', () => {
    expect(apiBaseUrl('http://localhost:8787/')).toBe('http://localhost:8787/api/v1');
    expect(apiBaseUrl('')).toBe('/api/v1');
  });
});

describe('createHttpClient: error mapping', () => {
  it('takes code, message and retryable from the contract error body', async () => {
    const { http } = client(() => contractError(409, 'conflict', 'client_message_id was used for other content.'));
    const error = await failure(http.request('POST', '/x', { body: {} }));
    expect(error).toMatchObject({
      code: 'conflict',
      message: 'client_message_id was used for other content.',
      retryable: false,
      status: 409,
    });
  });

  it.each([
    [400, 'client_error', false],
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [409, 'conflict', false],
    [413, 'client_error', false],
    [418, 'client_error', false],
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [502, 'unavailable', true],
    [503, 'unavailable', true],
    [504, 'unavailable', true],
  ] as const)('maps HTTP %i without a usable body to %s (retryable %s)', async (status, code, retryable) => {
    const { http } = client(() => new Response('<html>Bad Gateway</html>', { status }));
    const error = await failure(http.request('GET', '/x'));
    expect(error).toMatchObject({ code, retryable, status, retryAfterMs: null });
  });

  it('ignores an error body whose code is not one of the contract', async () => {
    const { http } = client(() => json({ error: { code: 'teapot', message: 'short and stout', retryable: false } }, 503));
    const error = await failure(http.request('GET', '/x'));
    expect(error).toMatchObject({ code: 'unavailable', retryable: true, status: 503 });
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    const seconds = client(() => contractError(429, 'rate_limited', 'Too many.', true, { 'retry-after': '7' }));
    expect(await failure(seconds.http.request('POST', '/x'))).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });

    vi.useFakeTimers({ now: Date.parse('2026-04-09T10:00:00Z') });
    const date = client(() => new Response('', { status: 503, headers: { 'retry-after': 'Thu, 09 Apr 2026 10:00:30 GMT' } }));
    expect(await failure(date.http.request('GET', '/x'))).toMatchObject({ code: 'unavailable', retryAfterMs: 30_000 });
  });

  it('parses Retry-After defensively', () => {
    const now = Date.parse('2026-04-09T10:00:00Z');
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Thu, 09 Apr 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-3', now)).toBeNull();
  });

  it('maps a failed fetch to network_error, retryable, whatever it threw', async () => {
    const typeError = client(() => {
      throw new TypeError(`Failed to fetch http://fake.test/?token=${TOKEN}`);
    });
    const odd = client(() => Promise.reject('a string, not an Error'));
    expect(await failure(typeError.http.request('GET', '/x'))).toMatchObject({ code: 'network_error', retryable: true, status: null });
    expect(await failure(odd.http.request('GET', '/x'))).toMatchObject({ code: 'network_error', retryable: true });
  });

  it('refuses a body that cannot be JSON before sending anything', async () => {
    const { http, requests } = client(() => json({}));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await failure(http.request('POST', '/x', { body: cyclic }))).toMatchObject({ code: 'client_error', retryable: false });
    expect(requests).toHaveLength(0);
  });

  it('maps a 2xx that is not JSON, or not the expected shape, to invalid_response (retryable)', async () => {
    const html = client(() => new Response('<html>Sign in to the Wi-Fi</html>', { status: 200 }));
    expect(await failure(html.http.request('GET', '/x', { parse: (body) => body }))).toMatchObject({
      code: 'invalid_response',
      retryable: true,
      status: 200,
    });
    const shape = client(() => json({ threads: [{ id: 'secret-content' }] }));
    const error = await failure(
      shape.http.request('GET', '/x', { parse: parseWith(v.object({ threads: v.array(v.object({ id: v.number() })) })) }),
    );
    expect(error).toMatchObject({ code: 'invalid_response', retryable: true });
    expect(error.message).toContain('threads.0.id');
    expect(error.message).not.toContain('secret-content');
  });

  it('lets the caller recover from a failure, knowing whether the body was the contract one', async () => {
    const seen: Array<[string, boolean]> = [];
    const recover = (error: ApiError, contractBody: boolean) => {
      seen.push([error.code, contractBody]);
      return contractBody ? undefined : { value: 'fallback' };
    };
    const bare = client(() => new Response('Not Found', { status: 404 }));
    expect(await bare.http.request('GET', '/x', { recover })).toBe('fallback');
    const contract = client(() => contractError(404, 'not_found', 'The thread was not found.'));
    expect(await failure(contract.http.request('GET', '/x', { recover }))).toMatchObject({ code: 'not_found' });
    expect(seen).toEqual([
      ['not_found', false],
      ['not_found', true],
    ]);
  });

  it('never puts the token in an error', async () => {
    const responses: Array<() => Response | Promise<Response>> = [
      () => contractError(401, 'unauthorized', 'The token is not valid; sign in again.'),
      () => new Response('denied', { status: 403 }),
      () => Promise.reject(new TypeError(`fetch failed: Bearer ${TOKEN}`)),
      () => new Response(`echo ${TOKEN}`, { status: 200 }),
    ];
    for (const respond of responses) {
      const { http } = client(respond);
      const error = await failure(http.request('GET', '/x', { parse: parseWith(v.object({ a: v.string() })) }));
      expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(TOKEN);
    }
  });
});

describe('createHttpClient: cancellation and timeout', () => {
  it('rejects with aborted (not retryable) when the caller aborts before or during the request', async () => {
    const before = client(() => json({}));
    const aborted = new AbortController();
    aborted.abort();
    expect(await failure(before.http.request('GET', '/x', { signal: aborted.signal }))).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
    expect(before.requests).toHaveLength(0);

    // The fake ignores its signal, like a fetch polyfill might: the client must not hang.
    const during = client(() => never());
    const controller = new AbortController();
    const pending = during.http.request('GET', '/x', { signal: controller.signal });
    controller.abort();
    expect(await failure(pending)).toMatchObject({ code: 'aborted', retryable: false });
    expect(during.requests[0]?.signal?.aborted).toBe(true);
  });

  it('rejects with timeout (retryable) when the server does not answer in time', async () => {
    vi.useFakeTimers();
    const { http, requests } = client(() => never());
    const pending = failure(http.request('GET', '/x'));
    await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(await pending).toMatchObject({ code: 'timeout', retryable: true, status: null });
    expect(requests[0]?.signal?.aborted).toBe(true);
  });

  it('times out a body that stops arriving, after its own timeoutMs', async () => {
    vi.useFakeTimers();
    const { http } = client(() => stalledBody(), { timeoutMs: 2_000 });
    let settled = false;
    const pending = failure(http.request('GET', '/x')).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('leaves a request that answered alone: its timer is gone', async () => {
    vi.useFakeTimers();
    const { http, requests } = client(() => json({ fine: true }));
    expect(await http.request('GET', '/x')).toEqual({ fine: true });
    await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS * 2);
    expect(requests[0]?.signal?.aborted).toBe(false);
  });
});
