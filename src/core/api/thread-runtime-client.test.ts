import { describe, expect, it } from 'vitest';
import { fixtureEventLog, fixtureMessage, fixtureThread, FIXTURE_IDS } from '../protocol/fixtures.ts';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, type FakeHandler } from './fake-fetch.ts';
import { ThreadRuntimeClient } from './thread-runtime-client.ts';

const TOKEN = 'ama_eat_0123456789abcdefghij';
const THREAD = FIXTURE_IDS.thread;

function sdk(handler: FakeHandler) {
  const fake = fakeFetch(handler);
  return { client: new ThreadRuntimeClient({ baseURL: 'http://fake.test', token: TOKEN, fetch: fake.fetch }), requests: fake.requests };
}

describe('ThreadRuntimeClient', () => {
  it('creates a thread with the agent token as bearer', async () => {
    const { client, requests } = sdk(() => json(fixtureThread, 201));
    const params = { target_user_ids: [FIXTURE_IDS.bob], participation_mode: 'open' as const, initial_message: 'Hello!' };
    expect(await client.createThread(params)).toEqual(fixtureThread);
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(requests[0]?.url.pathname).toBe('/api/v1/chat/threads');
    expect(requests[0]?.body).toEqual(params);
  });

  it('sends a message with freshness metadata', async () => {
    const { client, requests } = sdk(() => json({ message: fixtureMessage }, 201));
    const message = { content: 'Hello from my agent!', client_message_id: 'a-1', base_seq: 10, latest_seen_seq: 12, mentions: ['user:x'] };
    expect(await client.sendMessage(THREAD, message)).toEqual(fixtureMessage);
    expect(requests[0]?.body).toEqual(message);
  });

  it('polls from 0 by default and from the given seq otherwise', async () => {
    const { client, requests } = sdk(() => json({ events: fixtureEventLog, has_more: false }));
    expect(await client.pollEvents(THREAD)).toEqual({ events: fixtureEventLog, has_more: false });
    await client.pollEvents(THREAD, 10);
    expect(requests.map((request) => request.url.searchParams.get('last_thread_seq'))).toEqual(['0', '10']);
  });

  it('sets the mode, answering the thread, or null when the server answers nothing useful', async () => {
    let answer: Response = json(fixtureThread);
    const { client, requests } = sdk(() => answer);
    expect(await client.setThreadMode(THREAD, { participation_mode: 'invocation_only' })).toEqual(fixtureThread);
    answer = new Response(null, { status: 204 });
    expect(await client.setThreadMode(THREAD, { participation_mode: 'open' })).toBeNull();
    answer = json({ ok: true });
    expect(await client.setThreadMode(THREAD, { participation_mode: 'open' })).toBeNull();
    expect(requests[0]?.body).toEqual({ participation_mode: 'invocation_only' });
  });

  it('registers and removes a webhook', async () => {
    const subscription = {
      subscription_id: 's-1',
      thread_id: THREAD,
      callback_url: 'https://agent.test/hook',
      active: true,
      created_at: 'now',
    };
    const { client, requests } = sdk((request) =>
      request.method === 'POST' ? json(subscription, 201) : new Response(null, { status: 204 }),
    );
    expect(await client.registerWebhook(THREAD, { callback_url: 'https://agent.test/hook' })).toEqual(subscription);
    expect(await client.removeWebhook(THREAD, 's-1')).toBeUndefined();
    expect(requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      `POST /api/v1/chat/threads/${THREAD}/webhooks`,
      `DELETE /api/v1/chat/threads/${THREAD}/webhooks/s-1`,
    ]);
  });

  it('rejects with ApiError and keeps its token out of reach', async () => {
    const { client } = sdk(() => contractError(401, 'unauthorized', 'This agent token is not valid.'));
    const error: unknown = await client.pollEvents(THREAD).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(JSON.stringify(client)).not.toContain(TOKEN);
    expect(Object.values(client).join(' ')).not.toContain(TOKEN);
  });
});
