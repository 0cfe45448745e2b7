/**
 * The API clients against the real local server (CONTRACT §1–§5, §7, §8, seed 000/001):
 * real HTTP, real SQLite, the demo agent. Errors must arrive as ApiError with the code
 * the contract names.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { ApiError } from './api-error.ts';
import { apiBaseUrl, createHttpClient, parseWith } from './http-client.ts';
import { createInboxApi, inboxThreadSource, type InboxApi } from './inbox-api.ts';
import { createPublicApi } from './public-api.ts';
import { ThreadRuntimeClient, pollThreadEvents } from './thread-runtime-client.ts';

/** Deadline for "the server has done it" (the demo agent streams instantly in tests). */
const EVENTUALLY = { timeout: 10_000, interval: 20 };
/** Poll interval of the SDK loop in these tests: short, so the test is quick. */
const POLL_INTERVAL_MS = 25;

let server: TestServer;
let alice: InboxApi;
let bob: InboxApi;
let aliceId: string;
let bobId: string;

/** The rejection of `promise`, which must be an ApiError. */
async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(() => new Error('expected a rejection'), (reason: unknown) => reason);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function signIn(email: string): Promise<{ api: InboxApi; id: string }> {
  let token: string | null = null;
  const api = createInboxApi({ serverUrl: server.url, getToken: () => token });
  const session = await api.login(email, 'password123');
  token = session.token;
  return { api, id: session.user.id };
}

/** Every event of a thread, read page by page. */
async function wholeLog(api: InboxApi, threadId: string): Promise<InboundEvent[]> {
  const events: InboundEvent[] = [];
  for (let more = true; more; ) {
    const page = await api.pollEvents(threadId, events.at(-1)?.thread_seq ?? 0, 200);
    events.push(...page.events);
    more = page.has_more;
  }
  return events;
}

beforeAll(async () => {
  server = await startTestServer();
  ({ api: alice, id: aliceId } = await signIn('alice@example.com'));
  ({ api: bob, id: bobId } = await signIn('bob@example.com'));
});
afterAll(() => server.close());

describe('inbox API', () => {
  it('signs in, knows who I am, and lists people, agents and threads', async () => {
    expect(await alice.me()).toMatchObject({ id: aliceId, email: 'alice@example.com' });
    expect((await alice.listUsers()).map((user) => user.id)).toContain(bobId);
    expect((await alice.listAgents()).map((agent) => agent.slug)).toContain('demo');
    const { threads } = await alice.listThreads();
    expect(threads.map((thread) => thread.title)).toContain('Welcome');
  });

  it('refuses a wrong password with unauthorized', async () => {
    const api = createInboxApi({ serverUrl: server.url, getToken: () => null });
    expect(await rejection(api.login('alice@example.com', 'wrong password'))).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('creates threads and pages the list with its cursor', async () => {
    const created = await alice.createThread({ target_user_ids: [bobId], title: `Paging ${randomUUID()}` });
    await alice.createThread({ target_user_ids: [bobId], title: 'Another' });
    expect(created.participants.map((participant) => participant.sender_id)).toContain(`user:${bobId}`);
    const first = await alice.listThreads({ limit: 1 });
    expect(first.threads).toHaveLength(1);
    expect(first.next_cursor).not.toBeNull();
    const second = await alice.listThreads({ limit: 1, cursor: first.next_cursor });
    expect(second.threads[0]?.id).not.toBe(first.threads[0]?.id);
    expect((await bob.getThread(created.id)).title).toBe(created.title);
  });

  it('sends idempotently: the same client_message_id twice is the same message, once in the log', async () => {
    const thread = await alice.createThread({ target_user_ids: [bobId] });
    const body = { content: 'only once', client_message_id: randomUUID() };
    const first = await alice.sendMessage(thread.id, body);
    const again = await alice.sendMessage(thread.id, body);
    expect(again).toEqual(first);
    const copies = (await wholeLog(alice, thread.id)).filter((event) => event.data?.client_message_id === body.client_message_id);
    expect(copies).toHaveLength(1);
    expect(await inboxThreadSource(alice).lastSeq(thread.id)).toBe(first.thread_seq);
  });

  it('polls in pages with has_more, dense from 1', async () => {
    const thread = await alice.createThread({ target_user_ids: [bobId] });
    for (let i = 0; i < 5; i++) await alice.sendMessage(thread.id, { content: `message ${i}`, client_message_id: randomUUID() });
    const lastSeq = (await alice.getThread(thread.id)).last_seq ?? 0;
    const seqs: number[] = [];
    let pages = 0;
    for (let more = true; more; pages++) {
      const page = await alice.pollEvents(thread.id, seqs.at(-1) ?? 0, 2);
      expect(page.events.length).toBeLessThanOrEqual(2);
      seqs.push(...page.events.map((event) => event.thread_seq));
      more = page.has_more;
    }
    expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, index) => index + 1));
    expect(pages).toBe(Math.ceil(lastSeq / 2));
  });

  it('sets the mode, marks read (never backwards) and decides an approval', async () => {
    const demo = (await alice.listAgents()).find((agent) => agent.slug === 'demo');
    const thread = await alice.createThread({ target_user_ids: [bobId], agent_ids: [demo?.id ?? ''] });
    expect((await alice.setMode(thread.id, 'open')).participation_mode).toBe('open');
    const message = await alice.sendMessage(thread.id, { content: '/approve please', client_message_id: randomUUID() });
    expect(await alice.markRead(thread.id, message.thread_seq ?? 0)).toBe(message.thread_seq);
    expect(await alice.markRead(thread.id, 0)).toBe(message.thread_seq);

    const pending = await vi.waitFor(async () => {
      const found = (await wholeLog(alice, thread.id)).find((event) => event.event_type === 'approval_pending');
      if (!found) throw new Error('no approval yet');
      return found;
    }, EVENTUALLY);
    const approvalId = String(pending.data?.approval_id);
    expect(await bob.decideApproval(thread.id, approvalId, 'approve')).toMatchObject({ approval_id: approvalId, status: 'approved' });
    expect(await rejection(alice.decideApproval(thread.id, approvalId, 'reject'))).toMatchObject({ code: 'conflict', status: 409 });
  });

  it('rejects with the contract codes: 401, 403, 404, 409, 400', async () => {
    const stranger = createInboxApi({ serverUrl: server.url, getToken: () => 'not-a-token' });
    const outsider = await server.addUser('Olga');
    const olga = createInboxApi({ serverUrl: server.url, getToken: () => outsider.token });
    const thread = await alice.createThread({ target_user_ids: [bobId] });
    const id = randomUUID();
    await alice.sendMessage(thread.id, { content: 'first', client_message_id: id });

    expect(await rejection(stranger.me())).toMatchObject({ code: 'unauthorized', status: 401, retryable: false });
    expect(await rejection(olga.getThread(thread.id))).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await rejection(alice.getThread(randomUUID()))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await rejection(inboxThreadSource(alice).lastSeq(randomUUID()))).toMatchObject({ code: 'not_found' });
    expect(await rejection(alice.sendMessage(thread.id, { content: 'second', client_message_id: id }))).toMatchObject({
      code: 'conflict',
      status: 409,
    });
    const blank = await rejection(alice.sendMessage(thread.id, { content: '   ', client_message_id: randomUUID() }));
    expect(blank).toMatchObject({ code: 'client_error', status: 400, retryable: false });
    expect(blank.message).toMatch(/content/);
  });
});

describe('ThreadRuntimeClient with an agent token', () => {
  let agent: ThreadRuntimeClient;
  /** The same client with Alice's JWT: webhooks are registered by people only (CONTRACT §8). */
  let aliceRuntime: ThreadRuntimeClient;

  beforeAll(async () => {
    // Alice owns the demo agent, so she may issue its external token (`ama_eat_…`).
    const session = await createInboxApi({ serverUrl: server.url, getToken: () => null }).login('alice@example.com', 'password123');
    const http = createHttpClient({ baseUrl: apiBaseUrl(server.url), getToken: () => session.token });
    const issued = await http.request('POST', '/agents/demo/tokens', { parse: parseWith(v.object({ token: v.string() })) });
    agent = new ThreadRuntimeClient({ baseURL: server.url, token: issued.token });
    aliceRuntime = new ThreadRuntimeClient({ baseURL: server.url, token: session.token });
  });

  it('creates a thread, sends, polls, sets the mode and manages a webhook', async () => {
    const thread = await agent.createThread({ target_user_ids: [aliceId], participation_mode: 'invocation_only', initial_message: 'Hello!' });
    expect(thread.participation_mode).toBe('invocation_only');
    const sent = await agent.sendMessage(thread.id, { content: 'From the agent', client_message_id: randomUUID(), base_seq: 1 });
    expect(sent).toMatchObject({ role: 'agent', content: 'From the agent', base_seq: 1 });
    const page = await agent.pollEvents(thread.id);
    expect(page.events.map((event) => event.content)).toContain('From the agent');
    expect((await agent.setThreadMode(thread.id, { participation_mode: 'open' }))?.participation_mode).toBe('open');

    expect(await rejection(agent.registerWebhook(thread.id, { callback_url: 'http://127.0.0.1:9/hook' }))).toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    const subscription = await aliceRuntime.registerWebhook(thread.id, { callback_url: 'http://127.0.0.1:9/hook' });
    expect(subscription).toMatchObject({ thread_id: thread.id, active: true });
    await agent.removeWebhook(thread.id, subscription.subscription_id);
    expect(await rejection(agent.removeWebhook(thread.id, subscription.subscription_id))).toMatchObject({ code: 'not_found' });
  });

  it('is refused with a revoked or made-up token', async () => {
    const fake = new ThreadRuntimeClient({ baseURL: server.url, token: 'ama_eat_made_up_token_123' });
    expect(await rejection(fake.pollEvents(randomUUID()))).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('pollThreadEvents delivers every event once, in order, including later ones, and stops on abort', async () => {
    const thread = await agent.createThread({ target_user_ids: [aliceId] });
    for (let i = 0; i < 5; i++) await agent.sendMessage(thread.id, { content: `before ${i}`, client_message_id: randomUUID() });
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(
      (afterSeq, signal) => agent.pollEvents(thread.id, afterSeq, { limit: 2, signal }),
      (event) => void seen.push(event.thread_seq),
      0,
      { intervalMs: POLL_INTERVAL_MS, signal: controller.signal },
    );
    for (let i = 0; i < 3; i++) await alice.sendMessage(thread.id, { content: `during ${i}`, client_message_id: randomUUID() });
    const lastSeq = (await alice.getThread(thread.id)).last_seq ?? 0;
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(lastSeq), EVENTUALLY);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect(seen).toEqual(Array.from({ length: lastSeq }, (_, index) => index + 1));
  });
});

describe('public (visitor) API', () => {
  const publicApi = () => createPublicApi({ serverUrl: server.url });

  it('reads the profile and resolves the same email to the same thread', async () => {
    const api = publicApi();
    expect(await api.profile('demo')).toMatchObject({ slug: 'demo' });
    const email = `visitor-${randomUUID()}@example.com`;
    const first = await api.resolveThread('demo', email, 'Vera');
    const second = await api.resolveThread('demo', email.toUpperCase());
    expect(first.resumed).toBe(false);
    expect(first.sender_id).toMatch(/^visitor:[0-9a-f-]{36}$/);
    expect(second).toEqual({ thread_id: first.thread_id, resumed: true, sender_id: first.sender_id });
  });

  it('sends idempotently and reads the history, and refuses another email', async () => {
    const api = publicApi();
    const email = `visitor-${randomUUID()}@example.com`;
    const { thread_id: threadId } = await api.resolveThread('demo', email);
    const body = { content: 'Hi, is anyone there?', client_message_id: randomUUID() };
    const sent = await api.sendMessage('demo', threadId, email, body);
    expect(await api.sendMessage('demo', threadId, email, body)).toEqual(sent);
    expect(sent.sender_id).toMatch(/^visitor:/);
    const history = await api.pollEvents('demo', threadId, email, 0, 200);
    expect(history.events.filter((event) => event.data?.client_message_id === body.client_message_id)).toHaveLength(1);
    expect(await rejection(api.pollEvents('demo', threadId, 'someone-else@example.com', 0))).toMatchObject({ code: 'not_found' });
    expect(await rejection(api.profile('no-such-agent'))).toMatchObject({ code: 'not_found', status: 404 });
  });
});
