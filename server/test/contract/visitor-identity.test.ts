import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_TOKEN_TOUCH_INTERVAL_MS } from '../../src/auth/visitor-token-check.ts';
import { hashVisitorToken } from '../../src/auth/visitor-tokens.ts';
import { natsUrl } from '../support/nats.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket } from '../support/test-socket.ts';
import { identityClaims, newEmail, openVisitorSocket, publicCall, resolve, signIdentityToken, startVisitor } from '../support/visitors.ts';

type Session = { token: string; user: { id: string } };

const DAY_MS = 24 * 60 * 60_000;
const INVALID_TOKEN = { code: 4001, reason: 'invalid visitor token' };

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());
const socketOf = (...args: Parameters<typeof openVisitorSocket>): TestSocket => sockets.track(openVisitorSocket(...args));
/** The public socket with the visitor token alone (a verified visitor may have no email label). */
const tokenSocket = (server: TestServer, threadId: string, token: string): TestSocket =>
  sockets.track(TestSocket.open(`${server.wsUrl}/api/v1/chat/ws/public/demo/threads/${threadId}`, { protocols: ['visitor', token] }));

async function newIdentitySecret(server: TestServer, owner: Session): Promise<string> {
  const response = await api(server, 'POST', '/agents/demo/identity-secret', { token: owner.token });
  expect(response.status).toBe(201);
  return response.body.secret as string;
}

/** `DELETE /chat/public/{slug}/visitor-token`: forget this device. */
function forget(server: { url: string }, token?: string) {
  return api(server, 'DELETE', '/chat/public/demo/visitor-token', token ? { token } : {});
}

/** Every way a visitor token reads or writes a thread: history (poll), send, and the user-side SSE stream. */
async function statusesOf(server: TestServer, threadId: string, token: string) {
  const history = await publicCall(server, 'GET', `${threadId}/events?last_thread_seq=0`, { token });
  const send = await publicCall(server, 'POST', `${threadId}/messages`, { token, body: sendBody('still here?') });
  const stream = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await stream.body?.cancel();
  return { history: history.status, send: send.status, stream: stream.status };
}

describe('issue 15.2: a visitor who becomes verified gets a new token; the one before opens nothing (session fixation)', () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
  });
  afterAll(() => server.close());

  it('refuses the planted token on history, send, the socket (an open one closes) and the stream; the new token works', async () => {
    // The attacker starts a conversation and plants its token in the victim's browser, keeping a socket open.
    const planted = await startVisitor(server, { name: 'Planted' });
    const spy = socketOf(server, { threadId: planted.thread_id, email: planted.email, token: planted.visitor_token });
    await spy.ready();

    // The victim signs in on the site: the page passes an identity token beside the planted visitor token.
    const sub = `customer-${randomUUID()}`;
    const upgraded = await resolve(
      server,
      { identity_token: signIdentityToken(secret, identityClaims('demo', sub, { email: 'victim@shop.example', name: 'Victim' })) },
      { token: planted.visitor_token },
    );
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({ thread_id: planted.thread_id, resumed: true, verified: true, email: 'victim@shop.example' });
    expect(upgraded.body.visitor_token).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);
    expect(upgraded.body.visitor_token).not.toBe(planted.visitor_token);
    const fresh = upgraded.body.visitor_token;

    expect(await spy.closed).toEqual(INVALID_TOKEN);
    const victimSent = await publicCall(server, 'POST', `${planted.thread_id}/messages`, {
      token: fresh,
      body: sendBody('my card ends 4242'),
    });
    expect(victimSent.status).toBe(201);

    expect(await statusesOf(server, planted.thread_id, planted.visitor_token)).toEqual({ history: 401, send: 401, stream: 401 });
    const again = socketOf(server, { threadId: planted.thread_id, email: 'victim@shop.example', token: planted.visitor_token });
    expect(await again.closed).toEqual(INVALID_TOKEN);
    expect(again.ofType('ready')).toEqual([]);
    // Resolving with the planted token alone is a stranger: a new visitor, nothing of the verified conversation.
    const stranger = await resolve(server, { email: planted.email }, { token: planted.visitor_token });
    expect(stranger.status).toBe(201);
    expect(stranger.body).toMatchObject({ resumed: false, verified: false });
    expect(stranger.body.thread_id).not.toBe(planted.thread_id);

    const history = await publicCall(server, 'GET', `${planted.thread_id}/events?last_thread_seq=0&limit=200`, { token: fresh });
    expect(history.status).toBe(200);
    expect(history.body.events.map((event: { content: string }) => event.content)).toContain('my card ends 4242');
    const own = socketOf(server, { threadId: planted.thread_id, email: 'victim@shop.example', token: fresh });
    await own.ready();
    expect((await resolve(server, {}, { token: fresh })).body).toMatchObject({ thread_id: planted.thread_id, visitor_token: fresh });
  });

  it('keeps the token when nothing changes who the visitor is: an anonymous resume, or a verified visitor identifying again', async () => {
    const anonymous = await startVisitor(server);
    expect((await resolve(server, {}, { token: anonymous.visitor_token })).body.visitor_token).toBe(anonymous.visitor_token);
    const claims = identityClaims('demo', `same-${randomUUID()}`);
    const verified = await resolve(server, { identity_token: signIdentityToken(secret, claims) });
    const again = await resolve(server, { identity_token: signIdentityToken(secret, claims) }, { token: verified.body.visitor_token });
    expect(again.body).toMatchObject({ thread_id: verified.body.thread_id, visitor_token: verified.body.visitor_token });
  });
});

describe("issue 15.8: a verified visitor's labels are the identity token's; typed ones are not shown as verified", () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
  });
  afterAll(() => server.close());

  const visitorOf = async (threadId: string) => (await api(server, 'GET', `/chat/threads/${threadId}`, { token: alice.token })).body;

  it('replaces the typed email and name when an anonymous visitor is verified, and a verified visitor cannot rename themselves', async () => {
    const typed = await startVisitor(server, { email: newEmail('typed'), name: 'Jane Typed' });
    const claims = identityClaims('demo', `labels-${randomUUID()}`, { email: 'jane@shop.example', name: 'Jane Verified' });
    const upgraded = await resolve(server, { identity_token: signIdentityToken(secret, claims) }, { token: typed.visitor_token });
    expect(upgraded.status).toBe(200);
    const verifiedView = {
      visitor: { sender_id: typed.sender_id, email: 'jane@shop.example', name: 'Jane Verified', verified: true },
    };
    expect(await visitorOf(typed.thread_id)).toMatchObject(verifiedView);

    const token = upgraded.body.visitor_token;
    const renamed = await resolve(server, { email: newEmail('other'), name: 'Mallory' }, { token });
    expect(renamed.status).toBe(200);
    expect(renamed.body.email).toBe('jane@shop.example');
    const view = await visitorOf(typed.thread_id);
    expect(view).toMatchObject(verifiedView);
    expect(view.participants[0]).toMatchObject({ sender_id: typed.sender_id, name: 'Jane Verified' });
  });

  it('shows no typed label for a verified visitor whose identity token has none', async () => {
    const typed = await startVisitor(server, { email: newEmail('nameless'), name: 'Typed Name' });
    const claims = identityClaims('demo', `bare-${randomUUID()}`);
    const upgraded = await resolve(server, { identity_token: signIdentityToken(secret, claims) }, { token: typed.visitor_token });
    expect(upgraded.body).toMatchObject({ verified: true, email: null });
    const view = await visitorOf(typed.thread_id);
    expect(view.visitor).toEqual({ sender_id: typed.sender_id, email: null, name: null, verified: true });
    expect(view.participants[0]).toMatchObject({ sender_id: typed.sender_id, name: 'Visitor' });

    const onAnotherDevice = await resolve(server, {
      email: newEmail('typed-too'),
      name: 'Typed Again',
      identity_token: signIdentityToken(secret, identityClaims('demo', `new-${randomUUID()}`)),
    });
    expect(onAnotherDevice.status).toBe(201);
    expect((await visitorOf(onAnotherDevice.body.thread_id)).visitor).toMatchObject({ email: null, name: null, verified: true });
  });

  it('keeps typed labels of anonymous visitors, marked unverified', async () => {
    const typed = await startVisitor(server, { email: newEmail('anon'), name: 'Anon Typed' });
    expect((await visitorOf(typed.thread_id)).visitor).toEqual({
      sender_id: typed.sender_id,
      email: typed.email,
      name: 'Anon Typed',
      verified: false,
    });
  });
});

describe('issue 15.3: DELETE /chat/public/{slug}/visitor-token forgets a device', () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
  });
  afterAll(() => server.close());

  it('revokes the token at once (its open socket closes), keeps the conversation for the owners, and answers 204 again', async () => {
    const visitor = await startVisitor(server, { name: 'Shared Computer' });
    const sent = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody('hello'),
    });
    expect(sent.status).toBe(201);
    const open = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await open.ready();

    const forgotten = await forget(server, visitor.visitor_token);
    expect(forgotten.status).toBe(204);
    expect(forgotten.body).toBeNull();
    expect(await open.closed).toEqual(INVALID_TOKEN);
    expect(await statusesOf(server, visitor.thread_id, visitor.visitor_token)).toEqual({ history: 401, send: 401, stream: 401 });
    const next = await resolve(server, { email: newEmail('next-person') }, { token: visitor.visitor_token });
    expect(next.status).toBe(201);
    expect(next.body.thread_id).not.toBe(visitor.thread_id);

    const inbox = await api(server, 'GET', `/chat/threads/${visitor.thread_id}/events?last_thread_seq=0&limit=200`, { token: alice.token });
    expect(inbox.status).toBe(200);
    expect(inbox.body.events.map((event: { content: string }) => event.content)).toContain('hello');
    expect((await forget(server, visitor.visitor_token)).status).toBe(204);
  });

  it("revokes only this device's token: the same verified visitor on another device goes on", async () => {
    const claims = identityClaims('demo', `two-devices-${randomUUID()}`);
    const phone = await resolve(server, { identity_token: signIdentityToken(secret, claims) });
    const laptop = await resolve(server, { identity_token: signIdentityToken(secret, claims) });
    expect(laptop.body.thread_id).toBe(phone.body.thread_id);
    const onLaptop = tokenSocket(server, laptop.body.thread_id, laptop.body.visitor_token);
    await onLaptop.ready();
    expect((await forget(server, phone.body.visitor_token)).status).toBe(204);
    expect((await publicCall(server, 'GET', `${phone.body.thread_id}/events`, { token: phone.body.visitor_token })).status).toBe(401);
    expect((await publicCall(server, 'GET', `${phone.body.thread_id}/events`, { token: laptop.body.visitor_token })).status).toBe(200);
    onLaptop.send({ type: 'ping' });
    expect(await onLaptop.nextOfType('pong')).toEqual({ type: 'pong' });
  });

  it('needs a visitor token: none or a malformed one is 401 in the contract shape', async () => {
    for (const response of [await forget(server), await forget(server, 'not-a-token')]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ code: 'unauthorized', retryable: false });
      expect(response.body.error.message).toMatch(/Bearer vt_/);
    }
  });

  it('is callable from any website: the CORS preflight allows DELETE', async () => {
    const preflight = await fetch(`${server.url}/api/v1/chat/public/demo/visitor-token`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});

describe('issue 15.3: visitor tokens expire after VISITOR_TOKEN_IDLE_DAYS without use', () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer({ VISITOR_TOKEN_IDLE_DAYS: '30' });
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
  });
  afterAll(() => server.close());

  const lastUse = async (token: string) => {
    const agent = (await server.app.context.storage.agents.bySlug('demo'))!;
    return (await server.app.context.storage.visitors.byToken(agent.id, hashVisitorToken(token)))?.tokenLastUsedAt;
  };
  const setLastUse = (token: string, msAgo: number) =>
    server.app.context.storage.visitors.touchToken(hashVisitorToken(token), new Date(Date.now() - msAgo).toISOString());

  it('refuses a token unused for longer with 401 and a clear message on every path, the socket with 4001', async () => {
    const visitor = await startVisitor(server);
    await setLastUse(visitor.visitor_token, 31 * DAY_MS);
    const expired = /This visitor token has expired \(unused for 30 days\); start a new conversation\./;
    for (const response of [
      await publicCall(server, 'GET', `${visitor.thread_id}/events`, { token: visitor.visitor_token }),
      await publicCall(server, 'POST', `${visitor.thread_id}/messages`, { token: visitor.visitor_token, body: sendBody('hi') }),
      await resolve(server, { email: visitor.email }, { token: visitor.visitor_token }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ code: 'unauthorized', retryable: false });
      expect(response.body.error.message).toMatch(expired);
    }
    const socket = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    expect(await socket.closed).toEqual({ code: 4001, reason: 'visitor token expired' });
  });

  it('lets an identity token in beside an expired visitor token (a new token for this device)', async () => {
    const claims = identityClaims('demo', `idle-${randomUUID()}`);
    const first = await resolve(server, { identity_token: signIdentityToken(secret, claims) });
    await setLastUse(first.body.visitor_token, 31 * DAY_MS);
    const back = await resolve(server, { identity_token: signIdentityToken(secret, claims) }, { token: first.body.visitor_token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ thread_id: first.body.thread_id, verified: true });
    expect(back.body.visitor_token).not.toBe(first.body.visitor_token);
  });

  it('accepts a token used within the idle time, and records its use at most once an hour', async () => {
    const visitor = await startVisitor(server);
    const path = `${visitor.thread_id}/events`;
    await setLastUse(visitor.visitor_token, 29 * DAY_MS);
    const old = await lastUse(visitor.visitor_token);
    expect((await publicCall(server, 'GET', path, { token: visitor.visitor_token })).status).toBe(200);
    // The touch is written after the answer: wait for it to land.
    await expect.poll(() => lastUse(visitor.visitor_token)).not.toBe(old);
    const touched = await lastUse(visitor.visitor_token);
    expect(Date.parse(touched!)).toBeGreaterThan(Date.now() - DAY_MS);

    // Used again within the hour: no write.
    await setLastUse(visitor.visitor_token, VISITOR_TOKEN_TOUCH_INTERVAL_MS / 2);
    const recent = await lastUse(visitor.visitor_token);
    expect((await publicCall(server, 'GET', path, { token: visitor.visitor_token })).status).toBe(200);
    const socket = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await socket.ready();
    expect(await lastUse(visitor.visitor_token)).toBe(recent);
  });
});

describe.runIf(natsUrl !== null)('issue 15: revoked visitor tokens close their sockets on every process (NATS)', () => {
  let cluster: TestCluster;
  let secret: string;

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 2);
    const alice = await cluster.servers[0]!.login('alice@example.com');
    secret = await newIdentitySecret(cluster.servers[0]!, alice);
  });
  afterAll(() => cluster.close());

  it('closes a socket on one process when the token is replaced or forgotten through another', async () => {
    const [first, second] = cluster.servers as [TestServer, TestServer];
    const planted = await startVisitor(first);
    const elsewhere = socketOf(second, { threadId: planted.thread_id, email: planted.email, token: planted.visitor_token });
    await elsewhere.ready();
    const upgraded = await resolve(
      first,
      { identity_token: signIdentityToken(secret, identityClaims('demo', `cluster-${randomUUID()}`)) },
      { token: planted.visitor_token },
    );
    expect(upgraded.status).toBe(200);
    expect(await elsewhere.closed).toEqual(INVALID_TOKEN);

    const fresh = upgraded.body.visitor_token;
    const onSecond = tokenSocket(second, planted.thread_id, fresh);
    await onSecond.ready();
    expect((await forget(first, fresh)).status).toBe(204);
    expect(await onSecond.closed).toEqual(INVALID_TOKEN);
  });
});
