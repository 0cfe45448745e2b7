/**
 * The API clients against the real local server (CONTRACT §1–§5, §7, §8, seed 000/001):
 * real HTTP, real SQLite, the demo agent. Errors must arrive as ApiError with the code
 * the contract names.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import { signIdentityToken } from '../../../server/test/support/visitors.ts';
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
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
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
  for (let more = true; more;) {
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
    const thread = await agent.createThread({
      target_user_ids: [aliceId],
      participation_mode: 'invocation_only',
      initial_message: 'Hello!',
    });
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
    // An agent cannot remove a person's webhook; the person (anyone reading the thread) can.
    expect(await rejection(agent.removeWebhook(thread.id, subscription.subscription_id))).toMatchObject({ code: 'forbidden', status: 403 });
    await aliceRuntime.removeWebhook(thread.id, subscription.subscription_id);
    expect(await rejection(aliceRuntime.removeWebhook(thread.id, subscription.subscription_id))).toMatchObject({ code: 'not_found' });
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
  const newEmail = () => `visitor-${randomUUID()}@example.com`;

  /** Alice (an owner of the demo agent) on the owner endpoints. */
  async function owner() {
    const session = await alice.login('alice@example.com', 'password123');
    return createHttpClient({ baseUrl: apiBaseUrl(server.url), getToken: () => session.token });
  }

  it('reads the profile; the visitor token resumes, the email alone does not', async () => {
    const api = publicApi();
    expect(await api.profile('demo')).toMatchObject({ slug: 'demo', require_verified_identity: false });
    const email = newEmail();
    const first = await api.resolveThread('demo', { email, name: 'Vera' }, null);
    expect(first).toMatchObject({ resumed: false, verified: false, email });
    expect(first.sender_id).toMatch(/^visitor:[0-9a-f-]{36}$/);
    expect(first.visitor_token).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);
    // The same browser (its token): the same thread and token.
    expect(await api.resolveThread('demo', { email }, first.visitor_token!)).toEqual({ ...first, resumed: true });
    // Anyone else who knows the email: a new visitor and thread, nothing of Vera's.
    const stranger = await api.resolveThread('demo', { email: email.toUpperCase() }, null);
    expect(stranger.thread_id).not.toBe(first.thread_id);
    expect(stranger.visitor_token).not.toBe(first.visitor_token);
    expect(stranger.resumed).toBe(false);
  });

  it('sends idempotently and reads the history with the token; no token or another visitor’s token reads nothing', async () => {
    const api = publicApi();
    const email = newEmail();
    const { thread_id: threadId, visitor_token: token } = await api.resolveThread('demo', { email }, null);
    const credentials = { visitorToken: token!, email };
    const body = { content: 'Hi, is anyone there?', client_message_id: randomUUID() };
    const sent = await api.sendMessage('demo', threadId, credentials, body);
    expect(await api.sendMessage('demo', threadId, credentials, body)).toEqual(sent);
    expect(sent.sender_id).toMatch(/^visitor:/);
    const history = await api.pollEvents('demo', threadId, credentials, 0, 200);
    expect(history.events.filter((event) => event.data?.client_message_id === body.client_message_id)).toHaveLength(1);

    // The email (what an attacker may know) without the token: refused.
    expect(await rejection(api.pollEvents('demo', threadId, { visitorToken: null, email }, 0))).toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(
      await rejection(api.sendMessage('demo', threadId, { visitorToken: null, email }, { content: 'x', client_message_id: randomUUID() })),
    ).toMatchObject({
      code: 'unauthorized',
    });
    // Another visitor's valid token: not found, as for a thread that does not exist.
    const other = await api.resolveThread('demo', { email: newEmail() }, null);
    expect(await rejection(api.pollEvents('demo', threadId, { visitorToken: other.visitor_token!, email }, 0))).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(await rejection(api.profile('no-such-agent'))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('reads a private note of the team as a hidden placeholder: valid, dense, nothing of the note (CONTRACT §11)', async () => {
    const invalid: unknown[] = [];
    const api = createPublicApi({ serverUrl: server.url, onInvalidItem: (item) => invalid.push(item) });
    const email = newEmail();
    const { thread_id: threadId, visitor_token: token } = await api.resolveThread('demo', { email }, null);
    const credentials = { visitorToken: token!, email };
    const before = await api.pollEvents('demo', threadId, credentials, 0, 200);
    const note = await (
      await owner()
    ).request<{ note: { thread_seq: number } }>('POST', `/chat/threads/${threadId}/notes`, {
      body: { content: 'VIP: refund without asking', client_message_id: randomUUID() },
    });
    expect(note.note.thread_seq).toBe(before.events.length + 1);
    const history = await api.pollEvents('demo', threadId, credentials, 0, 200);
    expect(invalid).toEqual([]);
    expect(history.events.map((event) => event.thread_seq)).toEqual(history.events.map((_, index) => index + 1));
    expect(history.events.at(-1)).toEqual({
      thread_id: threadId,
      thread_seq: note.note.thread_seq,
      event_type: 'hidden',
      created_at: expect.any(String),
    });
    expect(JSON.stringify(history)).not.toContain('VIP');
  });

  it('"fresh" opens a new thread for the same visitor and token', async () => {
    const api = publicApi();
    const email = newEmail();
    const first = await api.resolveThread('demo', { email }, null);
    const fresh = await api.resolveThread('demo', { email, fresh: true }, first.visitor_token!);
    expect(fresh).toMatchObject({ resumed: false, visitor_token: first.visitor_token, sender_id: first.sender_id });
    expect(fresh.thread_id).not.toBe(first.thread_id);
    expect((await api.resolveThread('demo', { email }, first.visitor_token!)).thread_id).toBe(fresh.thread_id);
  });

  it('an identity token resumes the same conversation on a new device; a forged one is identity_invalid; require_verified_identity is identity_required', async () => {
    const ownerApi = await owner();
    const { secret } = await ownerApi.request<{ secret: string }>('POST', '/agents/demo/identity-secret');
    const api = publicApi();
    const sub = `customer-${randomUUID()}`;
    const identity = () =>
      signIdentityToken(secret, { aud: 'demo', sub, email: 'ida@example.com', name: 'Ida', exp: Math.floor(Date.now() / 1000) + 600 });

    const laptop = await api.resolveThread('demo', { identity_token: identity() }, null);
    expect(laptop).toMatchObject({ resumed: false, verified: true });
    const phone = await api.resolveThread('demo', { identity_token: identity() }, null);
    expect(phone).toMatchObject({ thread_id: laptop.thread_id, resumed: true, verified: true, sender_id: laptop.sender_id });
    expect(phone.visitor_token).not.toBe(laptop.visitor_token);

    const forged = signIdentityToken('ais_not-the-secret', { aud: 'demo', sub, exp: Math.floor(Date.now() / 1000) + 600 });
    expect(await rejection(api.resolveThread('demo', { identity_token: forged }, null))).toMatchObject({
      code: 'identity_invalid',
      status: 401,
    });

    const settings = await ownerApi.request<{ allowed_origins: string[] }>('GET', '/agents/demo/settings');
    await ownerApi.request('PUT', '/agents/demo/settings', {
      body: { allowed_origins: settings.allowed_origins, require_verified_identity: true },
    });
    try {
      expect((await api.profile('demo')).require_verified_identity).toBe(true);
      expect(await rejection(api.resolveThread('demo', { email: newEmail() }, null))).toMatchObject({
        code: 'identity_required',
        status: 401,
      });
      expect((await api.resolveThread('demo', { identity_token: identity() }, phone.visitor_token!)).thread_id).toBe(laptop.thread_id);
    } finally {
      await ownerApi.request('PUT', '/agents/demo/settings', {
        body: { allowed_origins: settings.allowed_origins, require_verified_identity: false },
      });
    }
  });

  it('a website outside the allowed origins is refused (403 forbidden) on every public call', async () => {
    const ownerApi = await owner();
    const email = newEmail();
    const created = await publicApi().resolveThread('demo', { email }, null);
    const fromSite = (origin: string) =>
      createPublicApi({
        serverUrl: server.url,
        fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), origin } }),
      });
    await ownerApi.request('PUT', '/agents/demo/settings', {
      body: { allowed_origins: ['https://shop.example'], require_verified_identity: false },
    });
    try {
      const refused = fromSite('https://evil.example');
      expect(await rejection(refused.profile('demo'))).toMatchObject({ code: 'forbidden', status: 403 });
      expect(await rejection(refused.resolveThread('demo', { email }, created.visitor_token!))).toMatchObject({
        code: 'forbidden',
        status: 403,
      });
      expect(
        await rejection(refused.pollEvents('demo', created.thread_id, { visitorToken: created.visitor_token!, email }, 0)),
      ).toMatchObject({ code: 'forbidden' });
      expect(await fromSite('https://shop.example').profile('demo')).toMatchObject({ slug: 'demo' });
    } finally {
      await ownerApi.request('PUT', '/agents/demo/settings', { body: { allowed_origins: [], require_verified_identity: false } });
    }
  });
});
