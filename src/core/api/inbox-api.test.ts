import { describe, expect, it } from 'vitest';
import { fixtureEventLog, fixtureMessage, fixtureThread, fixtureUser, FIXTURE_IDS } from '../protocol/fixtures.ts';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, type FakeHandler } from './fake-fetch.ts';
import { createInboxApi, inboxThreadSource } from './inbox-api.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.aW5ib3g.c2ln';
const THREAD = FIXTURE_IDS.thread;

function inbox(handler: FakeHandler) {
  const fake = fakeFetch(handler);
  const invalid: Array<[string, string | null]> = [];
  const api = createInboxApi({
    serverUrl: 'http://fake.test',
    getToken: () => TOKEN,
    fetch: fake.fetch,
    onInvalidItem: (kind, type) => invalid.push([kind, type]),
  });
  return { api, requests: fake.requests, invalid };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createInboxApi', () => {
  it('signs in without sending the old token, and validates the answer', async () => {
    const { api, requests } = inbox(() => json({ token: 'new-token', user: fixtureUser }));
    expect(await api.login('alice@example.com', 'password123')).toEqual({ token: 'new-token', user: fixtureUser });
    expect(requests[0]?.url.pathname).toBe('/api/v1/auth/login');
    expect(requests[0]?.headers.has('authorization')).toBe(false);
    expect(requests[0]?.body).toEqual({ email: 'alice@example.com', password: 'password123' });
  });

  it('fills the [ext] defaults of a thread and keeps what the server sent', async () => {
    const { api } = inbox(() => json({ id: THREAD, something_new: 1 }));
    const thread = await api.getThread(THREAD);
    expect(thread).toMatchObject({
      id: THREAD,
      kind: 'private',
      title: null,
      participants: [],
      read_seq: 0,
      unread_count: 0,
      something_new: 1,
    });
    expect(thread.last_seq).toBeUndefined();
  });

  it('pages threads with the cursor and drops (and reports) a thread that fails its schema', async () => {
    const { api, requests, invalid } = inbox(() => json({ threads: [fixtureThread, { title: 'no id' }], next_cursor: 'c2' }));
    const page = await api.listThreads({ limit: 20, cursor: 'c1' });
    expect(page).toEqual({ threads: [fixtureThread], next_cursor: 'c2' });
    expect(requests[0]?.url.search).toBe('?limit=20&cursor=c1');
    expect(invalid).toEqual([['thread', null]]);
  });

  it('polls the log with last_thread_seq and limit, dropping an invalid event but keeping the rest', async () => {
    const broken = { event_type: 'message_committed', content: 'private words' };
    const { api, requests, invalid } = inbox(() => json({ events: [fixtureEventLog[0], broken, fixtureEventLog[1]], has_more: true }));
    const page = await api.pollEvents(THREAD, 0, 2);
    expect(page).toEqual({ events: [fixtureEventLog[0], fixtureEventLog[1]], has_more: true });
    expect(requests[0]?.url.pathname).toBe(`/api/v1/chat/threads/${THREAD}/events`);
    expect(requests[0]?.url.search).toBe('?last_thread_seq=0&limit=2');
    expect(invalid).toEqual([['event', 'message_committed']]);
  });

  it('rejects a poll page whose envelope is wrong with invalid_response', async () => {
    const { api } = inbox(() => json({ events: 'none' }));
    expect(await rejection(api.pollEvents(THREAD, 0))).toMatchObject({ code: 'invalid_response', retryable: true });
  });

  it('sends a message and accepts the wrapped ({message}) and the bare answer', async () => {
    let wrap = true;
    const { api, requests } = inbox(() => json(wrap ? { message: fixtureMessage } : fixtureMessage, 201));
    const body = { content: 'Hello', client_message_id: 'c-1', mentions: [] };
    expect(await api.sendMessage(THREAD, body)).toEqual(fixtureMessage);
    wrap = false;
    expect(await api.sendMessage(THREAD, body)).toEqual(fixtureMessage);
    expect(requests[0]?.body).toEqual(body);
  });

  it('marks read, sets the mode, decides approvals and manages webhooks on the contract paths', async () => {
    const { api, requests } = inbox((request) => {
      const route = `${request.method} ${request.url.pathname.replace(`/api/v1/chat/threads/${THREAD}`, '/T')}`;
      switch (route) {
        case 'POST /T/read':
          return json({ read_seq: 9 });
        case 'PUT /T/mode':
          return json({ ...fixtureThread, participation_mode: 'open' });
        case `POST /T/approvals/${FIXTURE_IDS.approval}`:
          return json({ approval_id: FIXTURE_IDS.approval, status: 'approved', decided_at: '2026-04-09T10:00:07.000Z' });
        case 'POST /T/webhooks':
          return json(
            {
              subscription_id: 's-1',
              thread_id: THREAD,
              callback_url: 'https://hook.test/x',
              active: true,
              created_at: 'now',
              secret: 'whsec_x',
            },
            201,
          );
        case 'DELETE /T/webhooks/s-1':
          return new Response(null, { status: 204 });
      }
      return contractError(404, 'not_found', `no route ${route}`);
    });
    expect(await api.markRead(THREAD, 9)).toBe(9);
    expect((await api.setMode(THREAD, 'open')).participation_mode).toBe('open');
    expect(await api.decideApproval(THREAD, FIXTURE_IDS.approval, 'approve')).toMatchObject({ status: 'approved' });
    expect(await api.registerWebhook(THREAD, 'https://hook.test/x')).toMatchObject({ subscription_id: 's-1', secret: 'whsec_x' });
    expect(await api.removeWebhook(THREAD, 's-1')).toBeUndefined();
    expect(requests.map((request) => request.body)).toEqual([
      { seq: 9 },
      { participation_mode: 'open' },
      { decision: 'approve' },
      { callback_url: 'https://hook.test/x' },
      undefined,
    ]);
  });

  it("lists a thread's webhooks ([ext]) and refuses a list that is not the contract's shape", async () => {
    const listed = {
      subscription_id: 's-1',
      thread_id: THREAD,
      callback_url: 'https://hook.test/x',
      active: false,
      inactive_reason: 'creator_disabled',
      created_by: 'user:u-1',
      created_at: 'now',
    };
    let body: unknown = { webhooks: [listed] };
    const { api, requests } = inbox(() => json(body));
    expect(await api.listWebhooks(THREAD)).toEqual([listed]);
    expect(requests[0]?.url.pathname).toBe(`/api/v1/chat/threads/${THREAD}/webhooks`);
    body = { webhooks: [{ ...listed, active: 'no' }] };
    expect(await api.listWebhooks(THREAD).catch((error: unknown) => error)).toMatchObject({ code: 'invalid_response' });
  });

  it('lists users and agents', async () => {
    const agent = { id: FIXTURE_IDS.agent, sender_id: `agent:${FIXTURE_IDS.agent}`, slug: 'demo', name: 'Demo', avatar_url: null };
    const { api } = inbox((request) =>
      request.url.pathname.endsWith('/users') ? json({ users: [fixtureUser] }) : json({ agents: [agent] }),
    );
    expect(await api.listUsers()).toEqual([fixtureUser]);
    expect(await api.listAgents()).toEqual([agent]);
  });

  it('reads is_owner from the agent list', async () => {
    const agent = {
      id: FIXTURE_IDS.agent,
      sender_id: `agent:${FIXTURE_IDS.agent}`,
      slug: 'demo',
      name: 'Demo',
      avatar_url: null,
      is_owner: true,
    };
    const { api } = inbox(() => json({ agents: [agent] }));
    expect((await api.listAgents())[0]?.is_owner).toBe(true);
  });

  it('escapes ids in paths', async () => {
    const { api, requests } = inbox(() => json(fixtureThread));
    await api.getThread('../../me?x=1');
    expect(requests[0]?.url.pathname).toBe('/api/v1/chat/threads/..%2F..%2Fme%3Fx%3D1');
  });
});

describe('agent settings (owners)', () => {
  const SETTINGS = {
    allowed_origins: ['https://shop.example.com'],
    require_verified_identity: false,
    identity_secret_set: true,
    identity_secret_created_at: '2026-04-09T10:00:00.000Z',
  };
  const TOKEN_ROW = { id: 't-1', prefix: 'at_AbCdEfGh', created_at: '2026-04-09T10:00:00.000Z', last_used_at: null };

  it('reads, updates, rotates, issues, lists and revokes on the contract paths', async () => {
    const { api, requests } = inbox((request) => {
      const route = `${request.method} ${request.url.pathname}`;
      switch (route) {
        case 'GET /api/v1/agents/demo/settings':
          return json(SETTINGS);
        case 'PUT /api/v1/agents/demo/settings':
          return json({ ...SETTINGS, ...(request.body as object) });
        case 'POST /api/v1/agents/demo/identity-secret':
          return json({ secret: 'ais_secret', created_at: '2026-04-09T11:00:00.000Z' }, 201);
        case 'POST /api/v1/agents/demo/tokens':
          return json(
            { id: 't-1', token: 'at_AbCdEfGhIjKl', prefix: 'at_AbCdEfGh', agent_id: 'a-1', created_at: '2026-04-09T10:00:00.000Z' },
            201,
          );
        case 'GET /api/v1/agents/demo/tokens':
          return json({ tokens: [TOKEN_ROW, { id: 't-2', prefix: 'at_Zz', created_at: 'x' }] });
        case 'DELETE /api/v1/agents/demo/tokens/t-1':
          return new Response(null, { status: 204 });
      }
      return contractError(404, 'not_found', `no route ${route}`);
    });
    // A server without the [ext] reply time, follow-up and retention: read as none, off and forever.
    expect(await api.getAgentSettings('demo')).toEqual({
      ...SETTINGS,
      expected_reply_minutes: null,
      website_url: null,
      email_follow_up: false,
      retention_days: null,
    });
    const update = { allowed_origins: [], require_verified_identity: true };
    expect(await api.updateAgentSettings('demo', update)).toMatchObject(update);
    expect(await api.rotateIdentitySecret('demo')).toEqual({ secret: 'ais_secret', created_at: '2026-04-09T11:00:00.000Z' });
    expect(await api.issueAgentToken('demo')).toMatchObject({ id: 't-1', token: 'at_AbCdEfGhIjKl', prefix: 'at_AbCdEfGh' });
    expect(await api.listAgentTokens('demo')).toEqual([TOKEN_ROW, { id: 't-2', prefix: 'at_Zz', created_at: 'x', last_used_at: null }]);
    expect(await api.revokeAgentToken('demo', 't-1')).toBeUndefined();
    expect(requests[1]?.body).toEqual(update);
    expect(requests.every((request) => request.headers.get('authorization') === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("rejects with the server's own message when refused", async () => {
    const { api } = inbox(() =>
      contractError(400, 'client_error', '"shop.example.com/path" is not a website address: give only https://host.'),
    );
    const error = await rejection(
      api.updateAgentSettings('demo', { allowed_origins: ['shop.example.com/path'], require_verified_identity: false }),
    );
    expect(error).toMatchObject({
      code: 'client_error',
      status: 400,
      message: '"shop.example.com/path" is not a website address: give only https://host.',
    });
    const forbidden = inbox(() => contractError(403, 'forbidden', "Only the agent's owners may change its settings."));
    expect(await rejection(forbidden.api.getAgentSettings('demo'))).toMatchObject({
      code: 'forbidden',
      message: "Only the agent's owners may change its settings.",
    });
  });

  it('rejects an answer of the wrong shape with invalid_response', async () => {
    const calls = {
      settings: (api: ReturnType<typeof inbox>['api']) => api.getAgentSettings('demo'),
      secret: (api: ReturnType<typeof inbox>['api']) => api.rotateIdentitySecret('demo'),
      issue: (api: ReturnType<typeof inbox>['api']) => api.issueAgentToken('demo'),
      list: (api: ReturnType<typeof inbox>['api']) => api.listAgentTokens('demo'),
    };
    const shapes: Array<[keyof typeof calls, unknown]> = [
      [
        'settings',
        { allowed_origins: 'any', require_verified_identity: false, identity_secret_set: false, identity_secret_created_at: null },
      ],
      ['secret', { created_at: 'now' }],
      ['issue', { id: 't-1', prefix: 'at_', created_at: 'now' }],
      ['list', { tokens: [{ prefix: 'no id', created_at: 'now' }] }],
    ];
    for (const [call, body] of shapes) {
      expect(await rejection(calls[call](inbox(() => json(body, 200)).api))).toMatchObject({ code: 'invalid_response' });
    }
  });

  it('escapes the slug and token id in paths', async () => {
    const { api, requests } = inbox(() => new Response(null, { status: 204 }));
    await api.revokeAgentToken('../users', 'a/b');
    expect(requests[0]?.url.pathname).toBe('/api/v1/agents/..%2Fusers/tokens/a%2Fb');
  });
});

describe('inboxThreadSource', () => {
  it('reads lastSeq from the thread', async () => {
    const source = inboxThreadSource(inbox(() => json(fixtureThread)).api);
    expect(await source.lastSeq(THREAD)).toBe(10);
  });

  it('answers null when the server cannot say: no such endpoint (bare 404, 405, 501) or no last_seq', async () => {
    const answers = [
      () => new Response('Not Found', { status: 404 }),
      () => json({ detail: 'Not Found' }, 404),
      () => contractError(405, 'client_error', 'Method not allowed'),
      () => new Response('', { status: 501 }),
      () => json({ id: THREAD }),
    ];
    for (const answer of answers) {
      expect(await inboxThreadSource(inbox(answer).api).lastSeq(THREAD)).toBeNull();
    }
  });

  it('rejects when the thread itself is not found or not ours', async () => {
    const missing = inboxThreadSource(inbox(() => contractError(404, 'not_found', 'The thread was not found.')).api);
    const foreign = inboxThreadSource(inbox(() => contractError(403, 'forbidden', 'You are not a participant of this thread.')).api);
    expect(await rejection(missing.lastSeq(THREAD))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await rejection(foreign.lastSeq(THREAD))).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('polls and sends through the inbox endpoints', async () => {
    const { api, requests } = inbox((request) =>
      request.method === 'POST' ? json({ message: fixtureMessage }, 201) : json({ events: fixtureEventLog, has_more: false }),
    );
    const source = inboxThreadSource(api);
    expect((await source.pollEvents(THREAD, 0, 50)).events).toHaveLength(fixtureEventLog.length);
    expect(await source.sendMessage(THREAD, { content: 'Hi', client_message_id: 'c-9' })).toEqual(fixtureMessage);
    expect(requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      `GET /api/v1/chat/threads/${THREAD}/events`,
      `POST /api/v1/chat/threads/${THREAD}/messages`,
    ]);
  });
});
