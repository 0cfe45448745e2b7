import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type ApiResponse, type TestServer } from '../support/test-server.ts';

/**
 * Bad input (CONTRACT §2, §4): every rejected request gets a clear 4xx with the error body,
 * and nothing of it is stored.
 */
describe('bad input is refused and nothing is stored', () => {
  let server: TestServer;
  let token: string;
  let threadId: string;
  let messagesPath: string;
  let bobId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    token = alice.token;
    bobId = bob.user.id;
    threadId = (await createThread(server, token, { target_user_ids: [bob.user.id] })).id;
    messagesPath = `/chat/threads/${threadId}/messages`;
  });
  afterAll(() => server.close());

  async function lastSeq(): Promise<number> {
    const response = await api(server, 'GET', `/chat/threads/${threadId}`, { token });
    expect(response.status).toBe(200);
    return response.body.last_seq as number;
  }

  /** Runs a request that must be refused, and checks the thread's log did not move. */
  async function refused(request: () => Promise<ApiResponse>, status: number, code: string): Promise<string> {
    const before = await lastSeq();
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ error: { code, message: expect.any(String), retryable: false } });
    expect(response.body.error.message.length).toBeGreaterThan(0);
    expect(await lastSeq()).toBe(before);
    return response.body.error.message as string;
  }

  const post =
    (body: unknown, headers: Record<string, string> = {}) =>
    () =>
      api(server, 'POST', messagesPath, { token, body, headers });

  it('refuses malformed JSON with 400 "not valid JSON"', async () => {
    const message = await refused(post('{"content": "hi", "client_message_id": '), 400, 'client_error');
    expect(message).toMatch(/not valid JSON/);
    expect(await refused(post('{content: hi}'), 400, 'client_error')).toMatch(/not valid JSON/);
  });

  it('refuses wrong types and names the field', async () => {
    expect(await refused(post({ content: 5, client_message_id: 'wrong-type-1' }), 400, 'client_error')).toBe('content must be a string.');
    expect(await refused(post({ content: { text: 'hi' }, client_message_id: 'wrong-type-2' }), 400, 'client_error')).toMatch(/content/);
    expect(await refused(post({ content: 'hi', client_message_id: 42 }), 400, 'client_error')).toBe('client_message_id must be a string.');
    expect(await refused(post({ content: 'hi', client_message_id: 'wrong-type-3', base_seq: 'ten' }), 400, 'client_error')).toMatch(
      /base_seq/,
    );
    expect(await refused(post({ content: 'hi', client_message_id: 'wrong-type-4', mentions: [5] }), 400, 'client_error')).toMatch(
      /mentions/,
    );
    expect(await refused(post(['content', 'hi']), 400, 'client_error')).toBeTruthy();
    // Thread creation: a number is not an initial message (it would otherwise be committed as "5").
    const threadsBefore = (await api(server, 'GET', '/chat/threads?limit=100', { token })).body.threads.length;
    const create = await api(server, 'POST', '/chat/threads', { token, body: { target_user_ids: [], initial_message: 5 } });
    expect(create.status).toBe(400);
    expect(create.body.error).toMatchObject({ code: 'client_error', retryable: false });
    expect(create.body.error.message).toMatch(/initial_message/);
    expect((await api(server, 'GET', '/chat/threads?limit=100', { token })).body.threads.length).toBe(threadsBefore);
  });

  it('refuses a missing client_message_id or content', async () => {
    expect(await refused(post({ content: 'no id' }), 400, 'client_error')).toMatch(/client_message_id/);
    expect(await refused(post({ client_message_id: 'no-content' }), 400, 'client_error')).toMatch(/content/);
    expect(await refused(post({ content: 'empty id', client_message_id: '' }), 400, 'client_error')).toMatch(/client_message_id/);
    expect(await refused(post({ content: 'long id', client_message_id: 'x'.repeat(129) }), 400, 'client_error')).toMatch(
      /client_message_id/,
    );
  });

  it('refuses a body that is not JSON by content type, and an empty JSON body', async () => {
    const text = JSON.stringify(sendBody('as text'));
    expect(await refused(post(text, { 'content-type': 'text/plain' }), 400, 'client_error')).toMatch(/JSON/);
    expect(
      await refused(
        post('content=hi&client_message_id=form', { 'content-type': 'application/x-www-form-urlencoded' }),
        400,
        'client_error',
      ),
    ).toMatch(/JSON/);
    const empty = () =>
      fetch(`${server.url}/api/v1${messagesPath}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      }).then(async (response) => ({ status: response.status, headers: response.headers, body: await response.json() }));
    expect(await refused(empty, 400, 'client_error')).toMatch(/empty|JSON/);
  });

  it('refuses a body over 64 KiB with 413 client_error', async () => {
    const big = sendBody('a'.repeat(70 * 1024));
    const message = await refused(post(big), 413, 'client_error');
    expect(message).toMatch(/64 KiB/);
  });

  it('counts content in code points: 5,000 emoji are accepted, 5,001 are not', async () => {
    const emoji = '😀'; // one code point, two UTF-16 units
    expect(emoji.length).toBe(2);
    const before = await lastSeq();
    const ok = await api(server, 'POST', messagesPath, { token, body: sendBody(emoji.repeat(5000)) });
    expect(ok.status).toBe(201);
    expect(ok.body.message.content).toBe(emoji.repeat(5000));
    expect(ok.body.message.thread_seq).toBe(before + 1);

    expect(await refused(post(sendBody(emoji.repeat(5001))), 400, 'client_error')).toMatch(/content.*5,000|longer/);
    expect(await refused(post(sendBody('a'.repeat(5001))), 400, 'client_error')).toMatch(/content/);
    const exact = await api(server, 'POST', messagesPath, { token, body: sendBody('b'.repeat(5000)) });
    expect(exact.status).toBe(201);
  });

  it('counts a client_message_id in code points, as the socket does: 128 emoji are accepted, 129 are not', async () => {
    // A thread of its own: the log of the shared one is checked message by message below.
    const path = `/chat/threads/${(await createThread(server, token, { target_user_ids: [bobId] })).id}/messages`;
    const ok = await api(server, 'POST', path, { token, body: { content: 'emoji id', client_message_id: '😀'.repeat(128) } });
    expect(ok.status).toBe(201);
    expect(ok.body.message.client_message_id).toBe('😀'.repeat(128));
    const tooLong = await api(server, 'POST', path, { token, body: { content: 'emoji id', client_message_id: '😀'.repeat(129) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('client_error');
    expect(tooLong.body.error.message).toMatch(/client_message_id/);
  });

  it('refuses empty and whitespace-only content', async () => {
    expect(await refused(post(sendBody('')), 400, 'client_error')).toMatch(/content/);
    expect(await refused(post(sendBody('   \n\t  ')), 400, 'client_error')).toMatch(/content/);
    expect(await refused(post(sendBody('\u00a0\u2003')), 400, 'client_error')).toMatch(/content/);
  });

  it('refuses a thread id that is not a UUID with 400', async () => {
    const bad = '/chat/threads/not-a-uuid';
    expect(await refused(() => api(server, 'POST', `${bad}/messages`, { token, body: sendBody('lost') }), 400, 'client_error')).toMatch(
      /id/,
    );
    await refused(() => api(server, 'GET', bad, { token }), 400, 'client_error');
    await refused(() => api(server, 'GET', `${bad}/events`, { token }), 400, 'client_error');
    await refused(() => api(server, 'POST', `${bad}/read`, { token, body: { seq: 1 } }), 400, 'client_error');
  });

  it('answers an unknown route under /api with a 404 not_found JSON body', async () => {
    const message = await refused(() => api(server, 'GET', '/no/such/route', { token }), 404, 'not_found');
    expect(message).toContain('/api/v1/no/such/route');
    await refused(() => api(server, 'DELETE', `/chat/threads/${threadId}`, { token }), 404, 'not_found');
    await refused(() => api(server, 'POST', '/nothing-here', { token, body: { a: 1 } }), 404, 'not_found');
  });

  it('refuses bad query values on the poll', async () => {
    await refused(() => api(server, 'GET', `/chat/threads/${threadId}/events?limit=abc`, { token }), 400, 'client_error');
    await refused(() => api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=-1`, { token }), 400, 'client_error');
  });

  it('still answers afterwards, and the next message continues the log without a hole', async () => {
    const before = await lastSeq();
    const response = await api(server, 'POST', messagesPath, { token, body: sendBody('still here') });
    expect(response.status).toBe(201);
    expect(response.body.message.thread_seq).toBe(before + 1);
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token });
    const seqs = log.body.events.map((event: { thread_seq: number }) => event.thread_seq);
    expect(seqs).toEqual(Array.from({ length: before + 1 }, (_, index) => index + 1));
    // Only the accepted messages are in the log.
    const contents = log.body.events
      .filter((event: { event_type: string }) => event.event_type === 'message_committed')
      .map((event: { content: string }) => event.content.slice(0, 10));
    expect(contents).toEqual(['😀'.repeat(5), 'b'.repeat(10), 'still here']);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

/**
 * A body nested thousands of levels deep would overflow the stack of whatever walks it
 * (validation, the text checks): the body parser refuses it first, on every route.
 */
describe('a JSON body nested deeper than 64 levels is refused with 400, on public and signed-in routes', () => {
  let server: TestServer;
  let closed = false;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    if (!closed) await server.close();
  });

  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const NESTING_MESSAGE = 'The request body nests objects or arrays more than 64 levels deep.';

  function expectNestingRefused(response: ApiResponse) {
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body).toEqual({ error: { code: 'client_error', message: NESTING_MESSAGE, retryable: false } });
  }

  it('answers 12,000 levels with 400 client_error, and 65 levels too, while 64 pass; no stack in the log', async () => {
    // A property no schema names is walked by the text checks, which overflowed the stack.
    const resolveBody = (extra: string) => `{"email":"deep@example.com","name":"Deep","extra":${extra}}`;
    const resolveCall = (extra: string) => api(server, 'POST', '/chat/public/demo/threads', { body: resolveBody(extra) });
    expectNestingRefused(await resolveCall(nested(12_000)));
    expectNestingRefused(await resolveCall(`{"a":${'{"a":'.repeat(9_000)}1${'}'.repeat(9_001)}`));
    expectNestingRefused(await resolveCall(nested(64)));
    // 64 levels in all (the body object and 63 arrays) pass; brackets inside strings are text, not nesting.
    expect((await resolveCall(nested(63))).status).toBe(201);
    expect((await resolveCall(JSON.stringify(`\\"[{${'['.repeat(200)}`))).status).toBe(201);

    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const send = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: alice.token,
      body: `{"client_message_id":"deep-1","content":"hi","mentions":${nested(12_000)}}`,
    });
    expectNestingRefused(send);
    expect((await api(server, 'GET', `/chat/threads/${thread.id}`, { token: alice.token })).body.last_seq).toBe(thread.last_seq);

    await server.close();
    closed = true;
    const log = readFileSync(server.logFile, 'utf8');
    expect(log).not.toMatch(/Maximum call stack|RangeError|"level":50/);
  });
});

/**
 * Lone surrogates (an unpaired half of a UTF-16 pair, JSON "\ud800") cannot be stored as
 * UTF-8: SQLite would keep U+FFFD instead, so the stored text would differ from what was sent
 * and a retry would look like different content (409). They are refused up front.
 */
describe('text with lone surrogates is refused (400), well-formed text is stored as sent', () => {
  let server: TestServer;
  let token: string;
  let bobId: string;
  let threadId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    token = alice.token;
    bobId = bob.user.id;
    threadId = (await createThread(server, token, { target_user_ids: [bobId] })).id;
  });
  afterAll(() => server.close());

  const LONE = ['\ud800', 'abc\udfff', '\udc00\ud83d', 'ok 😀 then \ud83d'];

  function expectRefused(response: ApiResponse, field: string) {
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
    expect(response.body.error.message).toContain(field);
    expect(response.body.error.message).toMatch(/unpaired surrogate/);
  }

  it('refuses them in message content; the log does not move', async () => {
    const before = (await api(server, 'GET', `/chat/threads/${threadId}`, { token })).body.last_seq;
    for (const content of LONE) {
      // JSON.stringify writes a lone surrogate as the escape \udXXX, exactly as an attacker would.
      expect(JSON.stringify(content)).toMatch(/\\ud[89a-f]/);
      expectRefused(await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) }), 'content');
    }
    expect((await api(server, 'GET', `/chat/threads/${threadId}`, { token })).body.last_seq).toBe(before);
  });

  it("refuses them in a new thread's title and initial message, and in a visitor's name and content", async () => {
    expectRefused(await api(server, 'POST', '/chat/threads', { token, body: { target_user_ids: [bobId], title: 'Plan \ud800' } }), 'title');
    expectRefused(
      await api(server, 'POST', '/chat/threads', { token, body: { target_user_ids: [bobId], initial_message: 'hi \udc00' } }),
      'initial_message',
    );
    expectRefused(
      await api(server, 'POST', '/chat/public/demo/threads', { body: { email: 'surrogate@example.com', name: 'Eve \ud800' } }),
      'name',
    );
    const visitor = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: 'surrogate@example.com' } });
    expect(visitor.status).toBe(201);
    expectRefused(
      await api(server, 'POST', `/chat/public/demo/threads/${visitor.body.thread_id}/messages`, {
        body: sendBody('help \ud800'),
        headers: visitor.body.visitor_token ? { authorization: `Bearer ${visitor.body.visitor_token}` } : {},
      }),
      'content',
    );
  });

  it('stores well-formed text (astral characters, surrogate pairs) exactly as sent; a retry is 200 with the same message', async () => {
    const content = 'pairs are fine: 😀 𝄞 \ud83d\ude00 — 中文';
    const body = sendBody(content);
    const first = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body });
    expect(first.status).toBe(201);
    expect(first.body.message.content).toBe(content);
    const retry = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body });
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${first.body.message.thread_seq - 1}`, {
      token,
    });
    expect(log.body.events[0].content).toBe(content);
  });
});
