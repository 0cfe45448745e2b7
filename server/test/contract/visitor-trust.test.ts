import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket } from '../support/test-socket.ts';
import {
  identityClaims,
  newEmail,
  openVisitorSocket,
  publicCall,
  resolve,
  signIdentityToken,
  startVisitor,
  type Resolved,
} from '../support/visitors.ts';

type Session = { token: string; user: { id: string } };

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());
const socketOf = (...args: Parameters<typeof openVisitorSocket>): TestSocket => sockets.track(openVisitorSocket(...args));

const ORIGIN_REFUSED = 'This website is not allowed to use this chat.';
const RESOLVE_KEYS = ['email', 'resumed', 'sender_id', 'thread_id', 'verified', 'visitor_token'];

/** The public thread as the agent's owner sees it in the inbox. */
async function ownerView(server: TestServer, owner: Session, threadId: string) {
  const response = await api(server, 'GET', `/chat/threads/${threadId}`, { token: owner.token });
  expect(response.status).toBe(200);
  return response.body;
}

async function setSettings(
  server: TestServer,
  owner: Session,
  settings: { allowed_origins: string[]; require_verified_identity: boolean },
) {
  const response = await api(server, 'PUT', '/agents/demo/settings', { token: owner.token, body: settings });
  expect(response.status).toBe(200);
}

async function newIdentitySecret(server: TestServer, owner: Session): Promise<string> {
  const response = await api(server, 'POST', '/agents/demo/identity-secret', { token: owner.token });
  expect(response.status).toBe(201);
  return response.body.secret as string;
}

describe('CONTRACT §7: a visitor is whoever holds the visitor token, never whoever knows the email', () => {
  let server: TestServer;
  let alice: Session;
  let victim: Resolved & { email: string };
  let victimSeq: number;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    victim = await startVisitor(server, { name: 'Victor' });
    const sent = await publicCall(server, 'POST', `${victim.thread_id}/messages`, {
      token: victim.visitor_token,
      body: sendBody('my order number is 1234'),
    });
    expect(sent.status).toBe(201);
    victimSeq = sent.body.message.thread_seq;
  });
  afterAll(() => server.close());

  /** The victim's conversation is as they left it: same thread, name, log. */
  async function expectVictimUntouched() {
    const thread = await ownerView(server, alice, victim.thread_id);
    expect(thread.visitor).toEqual({ sender_id: victim.sender_id, name: 'Victor', email: victim.email, verified: false });
    expect(thread.participants[0]).toMatchObject({ sender_id: victim.sender_id, name: 'Victor' });
    const log = await publicCall(server, 'GET', `${victim.thread_id}/events?last_thread_seq=0&limit=200`, { token: victim.visitor_token });
    expect(log.status).toBe(200);
    // Only the victim's own message was ever written under their name.
    const theirs = log.body.events.filter(
      (event: { event_type: string; sender_id: string }) =>
        event.event_type === 'message_committed' && event.sender_id === victim.sender_id,
    );
    expect(theirs.map((event: { content: string }) => event.content)).toEqual(['my order number is 1234']);
    const back = await resolve(server, { email: victim.email }, { token: victim.visitor_token });
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ ...victim, resumed: true, email: victim.email });
  }

  it("gives an attacker with only the victim's email a new, different conversation, not the victim's thread id", async () => {
    const attack = await resolve(server, { email: victim.email });
    expect(attack.status).toBe(201);
    expect(attack.body.resumed).toBe(false);
    expect(attack.body.thread_id).not.toBe(victim.thread_id);
    expect(attack.body.sender_id).not.toBe(victim.sender_id);
    expect(attack.body.visitor_token).not.toBe(victim.visitor_token);
    expect(JSON.stringify(attack.body)).not.toContain(victim.thread_id);
    await expectVictimUntouched();
  });

  it('answers the same way whether an email has chatted before or not', async () => {
    const known = await resolve(server, { email: victim.email });
    const unknown = await resolve(server, { email: newEmail('never-seen') });
    expect([known.status, unknown.status]).toEqual([201, 201]);
    expect(Object.keys(known.body).sort()).toEqual(RESOLVE_KEYS);
    expect(Object.keys(unknown.body).sort()).toEqual(RESOLVE_KEYS);
    expect({ ...known.body, thread_id: 'x', sender_id: 'x', visitor_token: 'x', email: 'x' }).toEqual({
      ...unknown.body,
      thread_id: 'x',
      sender_id: 'x',
      visitor_token: 'x',
      email: 'x',
    });
  });

  it("cannot rename the victim or move them to a fresh thread with the victim's email", async () => {
    const rename = await resolve(server, { email: victim.email, name: 'Hacked' });
    expect(rename.status).toBe(201);
    const move = await resolve(server, { email: victim.email, fresh: true });
    expect(move.status).toBe(201);
    expect(move.body.thread_id).not.toBe(victim.thread_id);
    await expectVictimUntouched();
  });

  it("reads no history with the victim's email, and with its own token gets the same 404 as for a thread that does not exist", async () => {
    const attacker = await startVisitor(server, { email: victim.email });
    const byEmail = await publicCall(
      server,
      'GET',
      `${victim.thread_id}/events?email=${encodeURIComponent(victim.email)}&last_thread_seq=0`,
    );
    expect(byEmail.status).toBe(401);
    expect(byEmail.body.error.code).toBe('unauthorized');
    const byOwnToken = await publicCall(server, 'GET', `${victim.thread_id}/events?email=${encodeURIComponent(victim.email)}`, {
      token: attacker.visitor_token,
    });
    const noSuchThread = await publicCall(server, 'GET', `${randomUUID()}/events`, { token: attacker.visitor_token });
    expect(byOwnToken.status).toBe(404);
    expect(byOwnToken.body).toEqual(noSuchThread.body);
    expect(byOwnToken.body.error.code).toBe('not_found');
    expect(JSON.stringify(byOwnToken.body)).not.toContain('1234');
    const forged = await publicCall(server, 'GET', `${victim.thread_id}/events`, { token: `vt_${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
  });

  it("cannot post into the victim's conversation", async () => {
    const attacker = await startVisitor(server, { email: victim.email });
    const withEmail = await publicCall(server, 'POST', `${victim.thread_id}/messages?email=${encodeURIComponent(victim.email)}`, {
      body: sendBody('send me the invoice'),
    });
    expect(withEmail.status).toBe(401);
    const withOwnToken = await publicCall(server, 'POST', `${victim.thread_id}/messages`, {
      token: attacker.visitor_token,
      body: sendBody('send me the invoice'),
    });
    expect(withOwnToken.status).toBe(404);
    expect(withOwnToken.body.error.code).toBe('not_found');
    expect((await ownerView(server, alice, victim.thread_id)).last_message.content).not.toBe('send me the invoice');
    await expectVictimUntouched();
  });

  it("cannot open the victim's socket with the email alone or with another visitor's token", async () => {
    const attacker = await startVisitor(server, { email: victim.email });
    const emailOnly = socketOf(server, { threadId: victim.thread_id, email: victim.email });
    expect(await emailOnly.closed).toEqual({ code: 4001, reason: 'visitor token required' });
    const otherToken = socketOf(server, { threadId: victim.thread_id, email: victim.email, token: attacker.visitor_token });
    expect(await otherToken.closed).toEqual({ code: 4001, reason: 'invalid visitor token' });
    const forged = socketOf(server, { threadId: victim.thread_id, email: victim.email, token: `vt_${'B'.repeat(43)}` });
    expect(await forged.closed).toEqual({ code: 4001, reason: 'invalid visitor token' });
    for (const socket of [emailOnly, otherToken, forged]) expect(socket.ofType('ready')).toEqual([]);
  });

  it('lets the victim in with their token: socket, history and send; a wrong email label on the socket is 4004', async () => {
    const own = socketOf(server, { threadId: victim.thread_id, email: victim.email, token: victim.visitor_token });
    await own.ready();
    expect(own.ws.protocol).toBe('visitor');
    const history = await publicCall(server, 'GET', `${victim.thread_id}/events?last_thread_seq=${victimSeq - 1}`, {
      token: victim.visitor_token,
    });
    expect(history.body.events[0]).toMatchObject({ thread_seq: victimSeq, content: 'my order number is 1234' });
    const wrongLabel = socketOf(server, { threadId: victim.thread_id, email: newEmail('other'), token: victim.visitor_token });
    expect((await wrongLabel.closed).code).toBe(4004);
  });

  it('starts over when a stored token is unknown (a reset database): a new visitor, thread and token', async () => {
    const stale = `vt_${'C'.repeat(43)}`;
    const response = await resolve(server, { email: newEmail('reset') }, { token: stale });
    expect(response.status).toBe(201);
    expect(response.body.visitor_token).not.toBe(stale);
    expect(response.body.visitor_token).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);
  });

  it("scopes a visitor token to its agent: another agent's endpoints do not know it", async () => {
    const other = await server.app.context.storage.agents.create(
      { id: randomUUID(), slug: 'other-agent', name: 'Other', avatarUrl: null, greeting: 'hi', themeColor: '#000', engine: 'demo' },
      [alice.user.id],
    );
    expect(other.slug).toBe('other-agent');
    const elsewhere = await resolve(server, { email: victim.email }, { slug: 'other-agent', token: victim.visitor_token });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.sender_id).not.toBe(victim.sender_id);
    const history = await publicCall(server, 'GET', `${victim.thread_id}/events`, { slug: 'other-agent', token: victim.visitor_token });
    expect(history.status).toBe(401);
  });
});

describe('CONTRACT §7: identity tokens signed by the website', () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
  });
  afterAll(() => server.close());

  it('resume the same conversation on a second device, each device with its own token, verified; owners see it', async () => {
    const sub = `customer-${randomUUID()}`;
    const claims = identityClaims('demo', sub, { email: 'Carla@Customer.Example', name: 'Carla' });
    const phone = await resolve(server, { email: newEmail('typed'), identity_token: signIdentityToken(secret, claims) });
    expect(phone.status).toBe(201);
    expect(phone.body).toMatchObject({ resumed: false, verified: true, email: 'carla@customer.example' });

    const laptop = await resolve(server, { identity_token: signIdentityToken(secret, { ...claims, email: undefined, name: undefined }) });
    expect(laptop.status).toBe(200);
    expect(laptop.body).toMatchObject({ resumed: true, verified: true, thread_id: phone.body.thread_id, sender_id: phone.body.sender_id });
    expect(laptop.body.visitor_token).not.toBe(phone.body.visitor_token);

    // Each device's token works on its own, also without the identity token.
    for (const token of [phone.body.visitor_token, laptop.body.visitor_token]) {
      expect((await publicCall(server, 'GET', `${phone.body.thread_id}/events`, { token })).status).toBe(200);
      const again = await resolve(server, {}, { token });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ thread_id: phone.body.thread_id, visitor_token: token, verified: true });
      const socket = socketOf(server, { threadId: phone.body.thread_id, email: 'carla@customer.example', token });
      await socket.ready();
    }

    const thread = await ownerView(server, alice, phone.body.thread_id);
    expect(thread.visitor).toEqual({ sender_id: phone.body.sender_id, name: 'Carla', email: 'carla@customer.example', verified: true });
    const list = await api(server, 'GET', '/chat/threads?limit=100', { token: alice.token });
    const listed = list.body.threads.find((item: { id: string }) => item.id === phone.body.thread_id);
    expect(listed.visitor.verified).toBe(true);
    const anonymous = await startVisitor(server);
    expect(list.body.threads.find((item: { id: string }) => item.id === anonymous.thread_id)).toBeUndefined();
    expect((await ownerView(server, alice, anonymous.thread_id)).visitor.verified).toBe(false);
  });

  it('verify an anonymous visitor in place: their token and an identity token keep their thread, now verified, with a new token', async () => {
    const anonymous = await startVisitor(server, { name: 'Anna' });
    const sub = `customer-${randomUUID()}`;
    const identified = await resolve(
      server,
      { identity_token: signIdentityToken(secret, identityClaims('demo', sub)) },
      { token: anonymous.visitor_token },
    );
    expect(identified.status).toBe(200);
    expect(identified.body).toMatchObject({ thread_id: anonymous.thread_id, verified: true });
    // A new token replaces the anonymous one (issue 15: session fixation; see visitor-identity.test.ts).
    expect(identified.body.visitor_token).not.toBe(anonymous.visitor_token);
    // From now on the identity finds this conversation from any device.
    const elsewhere = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', sub)) });
    expect(elsewhere.body).toMatchObject({ thread_id: anonymous.thread_id, resumed: true });
  });

  it('may carry no email at all: resolve answers email null and the socket opens with the token alone', async () => {
    const identified = await resolve(server, {
      identity_token: signIdentityToken(secret, identityClaims('demo', `no-email-${randomUUID()}`)),
    });
    expect(identified.status).toBe(201);
    expect(identified.body).toMatchObject({ email: null, verified: true });
    const url = `${server.wsUrl}/api/v1/chat/ws/public/demo/threads/${identified.body.thread_id}`;
    const socket = sockets.track(TestSocket.open(url, { protocols: ['visitor', identified.body.visitor_token] }));
    await socket.ready();
    const withoutToken = sockets.track(TestSocket.open(url));
    expect((await withoutToken.closed).code).toBe(4000);
  });

  it("never lets one identity's token into another identity's conversation", async () => {
    const first = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', `a-${randomUUID()}`)) });
    const secondSub = `b-${randomUUID()}`;
    const second = await resolve(
      server,
      { identity_token: signIdentityToken(secret, identityClaims('demo', secondSub)) },
      { token: first.body.visitor_token },
    );
    expect(second.status).toBe(201);
    expect(second.body.thread_id).not.toBe(first.body.thread_id);
    expect(second.body.visitor_token).not.toBe(first.body.visitor_token);
    expect((await publicCall(server, 'GET', `${first.body.thread_id}/events`, { token: second.body.visitor_token })).status).toBe(404);
  });

  it('are refused with 401 identity_invalid when forged, expired, too long-lived, for another agent, not HS256, without sub or exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sub = `refused-${randomUUID()}`;
    const good = identityClaims('demo', sub);
    const cases: Array<{ name: string; token: string; message: RegExp }> = [
      { name: 'wrong secret', token: signIdentityToken(`ais_${'x'.repeat(43)}`, good), message: /signature/ },
      { name: 'expired', token: signIdentityToken(secret, { ...good, exp: now - 3600 }), message: /expired/ },
      { name: 'exp over 24 h ahead', token: signIdentityToken(secret, { ...good, exp: now + 25 * 3600 }), message: /24 hours/ },
      { name: 'another audience', token: signIdentityToken(secret, { ...good, aud: 'other-agent' }), message: /aud must be "demo"/ },
      { name: 'alg none', token: signIdentityToken(secret, good, 'none'), message: /./ },
      { name: 'alg HS512', token: signIdentityToken(secret, good, 'HS512'), message: /HS256/ },
      { name: 'no sub', token: signIdentityToken(secret, { ...good, sub: undefined }), message: /sub/ },
      { name: 'no exp', token: signIdentityToken(secret, { ...good, exp: undefined }), message: /exp/ },
      { name: 'not a JWT', token: 'not-a-jwt', message: /not a valid signed JWT/ },
    ];
    for (const { name, token, message } of cases) {
      const response = await resolve(server, { email: newEmail('forger'), identity_token: token });
      expect({ name, status: response.status, code: response.body.error?.code }).toEqual({ name, status: 401, code: 'identity_invalid' });
      expect(response.body.error.message).toMatch(message);
    }
    // Nothing was created for that identity by any of them.
    expect(
      await server.app.context.storage.visitors.byIdentity((await server.app.context.storage.agents.bySlug('demo'))!.id, sub),
    ).toBeUndefined();
    const accepted = await resolve(server, { identity_token: signIdentityToken(secret, { ...good, exp: now + 24 * 3600 }) });
    expect(accepted.status).toBe(201);
  });

  it('signed with the secret before a rotation are refused; visitor tokens already issued keep working', async () => {
    const sub = `rotated-${randomUUID()}`;
    const before = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', sub)) });
    expect(before.status).toBe(201);
    const rotated = await newIdentitySecret(server, alice);
    expect(rotated).not.toBe(secret);
    const old = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', sub)) });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('identity_invalid');
    const fresh = await resolve(server, { identity_token: signIdentityToken(rotated, identityClaims('demo', sub)) });
    expect(fresh.body).toMatchObject({ thread_id: before.body.thread_id, resumed: true });
    expect((await publicCall(server, 'GET', `${before.body.thread_id}/events`, { token: before.body.visitor_token })).status).toBe(200);
    secret = rotated;
  });
});

describe("CONTRACT §7: an agent's allowed websites", () => {
  const SHOP = 'https://shop.example';
  const EVIL = 'https://evil.example';
  let server: TestServer;
  let alice: Session;
  let visitor: Resolved & { email: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    visitor = await startVisitor(server);
    await setSettings(server, alice, { allowed_origins: [SHOP], require_verified_identity: false });
  });
  afterAll(() => server.close());

  it('serve a listed origin on every public call and the socket', async () => {
    expect((await api(server, 'GET', '/chat/public/demo', { headers: { origin: SHOP } })).status).toBe(200);
    const created = await resolve(server, { email: newEmail('shop') }, { origin: SHOP });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBe(SHOP);
    const token = created.body.visitor_token;
    expect((await publicCall(server, 'GET', `${created.body.thread_id}/events`, { token, origin: SHOP })).status).toBe(200);
    expect(
      (await publicCall(server, 'POST', `${created.body.thread_id}/messages`, { token, origin: SHOP, body: sendBody('hi') })).status,
    ).toBe(201);
    const socket = socketOf(server, { threadId: created.body.thread_id, email: created.body.email!, token }, { origin: SHOP });
    await socket.ready();
  });

  it('refuse any other origin with 403 forbidden (readable by the page) and the socket with 4001, even with a valid token', async () => {
    const token = visitor.visitor_token;
    const calls = [
      await api(server, 'GET', '/chat/public/demo', { headers: { origin: EVIL } }),
      await resolve(server, { email: newEmail('evil') }, { origin: EVIL }),
      await resolve(server, {}, { origin: EVIL, token }),
      await publicCall(server, 'GET', `${visitor.thread_id}/events`, { token, origin: EVIL }),
      await publicCall(server, 'POST', `${visitor.thread_id}/messages`, { token, origin: EVIL, body: sendBody('hi') }),
    ];
    for (const response of calls) {
      expect(response.status).toBe(403);
      expect(response.body.error).toEqual({ code: 'forbidden', message: ORIGIN_REFUSED, retryable: false });
      expect(response.headers.get('access-control-allow-origin')).toBe(EVIL);
    }
    const socket = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token }, { origin: EVIL });
    expect(await socket.closed).toEqual({ code: 4001, reason: 'origin not allowed' });
  });

  it('judge a request without Origin (no browser page) by its credentials alone', async () => {
    const created = await resolve(server, { email: newEmail('server-side') });
    expect(created.status).toBe(201);
    expect((await publicCall(server, 'GET', `${visitor.thread_id}/events`, { token: visitor.visitor_token })).status).toBe(200);
    expect((await publicCall(server, 'GET', `${visitor.thread_id}/events`)).status).toBe(401);
    const socket = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await socket.ready();
  });

  it('close an open socket from a website that is no longer listed, and keep the listed ones', async () => {
    await setSettings(server, alice, { allowed_origins: [], require_verified_identity: false });
    const other = await startVisitor(server);
    const fromEvil = socketOf(
      server,
      { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token },
      { origin: EVIL },
    );
    const fromShop = socketOf(server, { threadId: other.thread_id, email: other.email, token: other.visitor_token }, { origin: SHOP });
    await Promise.all([fromEvil.ready(), fromShop.ready()]);
    await setSettings(server, alice, { allowed_origins: [SHOP], require_verified_identity: false });
    expect(await fromEvil.closed).toEqual({ code: 4001, reason: 'origin not allowed' });
    fromShop.send({ type: 'ping' });
    expect(await fromShop.nextOfType('pong')).toEqual({ type: 'pong' });
  });

  it('allow every origin again when the list is emptied', async () => {
    await setSettings(server, alice, { allowed_origins: [], require_verified_identity: false });
    expect((await resolve(server, { email: newEmail('anywhere') }, { origin: EVIL })).status).toBe(201);
    const socket = socketOf(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }, { origin: EVIL });
    await socket.ready();
  });
});

describe('CONTRACT §7: require_verified_identity', () => {
  let server: TestServer;
  let alice: Session;
  let secret: string;
  let anonymous: Resolved & { email: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    secret = await newIdentitySecret(server, alice);
    anonymous = await startVisitor(server);
    await setSettings(server, alice, { allowed_origins: [], require_verified_identity: true });
  });
  afterAll(() => server.close());

  it('is announced in the public profile', async () => {
    const profile = await api(server, 'GET', '/chat/public/demo');
    expect(profile.body.require_verified_identity).toBe(true);
  });

  it('refuses an anonymous resolve and an unverified token with 401 identity_required', async () => {
    const fresh = await resolve(server, { email: newEmail('anon') });
    expect(fresh.status).toBe(401);
    expect(fresh.body.error.code).toBe('identity_required');
    const returning = await resolve(server, { email: anonymous.email }, { token: anonymous.visitor_token });
    expect(returning.status).toBe(401);
    expect(returning.body.error.code).toBe('identity_required');
  });

  it('refuses history, send and the socket of an unverified visitor', async () => {
    const token = anonymous.visitor_token;
    for (const response of [
      await publicCall(server, 'GET', `${anonymous.thread_id}/events`, { token }),
      await publicCall(server, 'POST', `${anonymous.thread_id}/messages`, { token, body: sendBody('let me in') }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('identity_required');
    }
    const socket = socketOf(server, { threadId: anonymous.thread_id, email: anonymous.email, token });
    expect(await socket.closed).toEqual({ code: 4001, reason: 'identity required' });
  });

  it('closes the open socket of an unverified visitor when it is switched on, and keeps the verified ones', async () => {
    await setSettings(server, alice, { allowed_origins: [], require_verified_identity: false });
    const unverified = await startVisitor(server);
    const verified = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', `kept-${randomUUID()}`)) });
    const open = socketOf(server, { threadId: unverified.thread_id, email: unverified.email, token: unverified.visitor_token });
    const kept = socketOf(server, { threadId: verified.body.thread_id, email: newEmail('kept'), token: verified.body.visitor_token });
    await Promise.all([open.ready(), kept.ready()]);
    await setSettings(server, alice, { allowed_origins: [], require_verified_identity: true });
    expect(await open.closed).toEqual({ code: 4001, reason: 'identity required' });
    kept.send({ type: 'ping' });
    expect(await kept.nextOfType('pong')).toEqual({ type: 'pong' });
  });

  it('serves a visitor verified by an identity token, also an earlier anonymous one who identifies', async () => {
    const verified = await resolve(server, {
      identity_token: signIdentityToken(secret, identityClaims('demo', `v-${randomUUID()}`, { email: 'vip@customer.example' })),
    });
    expect(verified.status).toBe(201);
    const token = verified.body.visitor_token;
    expect((await publicCall(server, 'POST', `${verified.body.thread_id}/messages`, { token, body: sendBody('hello') })).status).toBe(201);
    expect((await publicCall(server, 'GET', `${verified.body.thread_id}/events`, { token })).status).toBe(200);
    const socket = socketOf(server, { threadId: verified.body.thread_id, email: 'vip@customer.example', token });
    await socket.ready();

    const upgraded = await resolve(
      server,
      { identity_token: signIdentityToken(secret, identityClaims('demo', `u-${randomUUID()}`)) },
      { token: anonymous.visitor_token },
    );
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({ thread_id: anonymous.thread_id, verified: true });
    expect((await publicCall(server, 'GET', `${anonymous.thread_id}/events`, { token: upgraded.body.visitor_token })).status).toBe(200);
  });
});
