import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_ENDED_MESSAGE } from '../../src/http/authenticate.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string; email: string } };

const DISABLED = 'This account is disabled; ask an administrator to enable it.';
const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());

/** An SSE stream whose text is collected until the server ends it. */
async function openStream(server: TestServer, threadId: string, token: string) {
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let text = '';
  const waiters = new Set<() => void>();
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
      for (const waiter of waiters) waiter();
    }
  })();
  /** Resolves once the stream has carried the text. */
  const until = (part: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!text.includes(part)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return { ended, until, cancel: () => reader.cancel() };
}

async function openReadySocket(server: TestServer, token: string): Promise<TestSocket> {
  const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, token)));
  await socket.ready();
  return socket;
}

describe('a disabled user (issue 10: administration)', () => {
  let server: TestServer;
  let dana: Session;
  let erin: Session;
  let thread: { id: string };

  beforeAll(async () => {
    server = await startTestServer({ DEMO_DATA: 'false' });
    dana = await server.addUser('Dana');
    erin = await server.addUser('Erin');
    thread = await createThread(server, dana.token, { target_user_ids: [erin.user.id] });
  });
  afterAll(() => server.close());
  afterEach(() => server.app.context.storage.users.setDisabled(dana.user.id, false));

  const disableDana = () => server.app.context.storage.users.setDisabled(dana.user.id, true);

  it('cannot sign in: the right password gets 403 saying the account is disabled, a wrong one the usual 401', async () => {
    await disableDana();
    const right = await api(server, 'POST', '/auth/login', { body: { email: dana.user.email, password: 'password123' } });
    expect(right.status).toBe(403);
    expect(right.body).toEqual({ error: { code: 'forbidden', message: DISABLED, retryable: false } });
    const wrong = await api(server, 'POST', '/auth/login', { body: { email: dana.user.email, password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Wrong email or password.');
  });

  it('a token issued before is refused at once on REST with 401, and works again once the user is enabled', async () => {
    expect((await api(server, 'GET', '/me', { token: dana.token })).status).toBe(200);
    await disableDana();
    for (const [method, path, body] of [
      ['GET', '/me', undefined],
      ['GET', '/chat/threads', undefined],
      ['POST', `/chat/threads/${thread.id}/messages`, sendBody('still here?')],
    ] as const) {
      const refused = await api(server, method, path, { token: dana.token, body });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toEqual({ code: 'unauthorized', message: DISABLED, retryable: false });
    }
    const { events } = await server.app.context.storage.log.list(thread.id, 0, 100);
    expect(events.map((event) => event.content)).not.toContain('still here?');
    // Another user is not affected.
    expect((await api(server, 'GET', '/chat/threads', { token: erin.token })).status).toBe(200);

    await server.app.context.storage.users.setDisabled(dana.user.id, false);
    expect((await api(server, 'GET', '/me', { token: dana.token })).body.email).toBe(dana.user.email);
    expect((await server.login(dana.user.email)).user.id).toBe(dana.user.id);
  });

  it('is not offered in the directory of people to start a thread with (GET /users), until enabled', async () => {
    const emails = async () =>
      ((await api(server, 'GET', '/users', { token: erin.token })).body.users as { email: string }[]).map((u) => u.email);
    expect(await emails()).toContain(dana.user.email);
    await disableDana();
    expect(await emails()).toEqual([erin.user.email]);
    await server.app.context.storage.users.setDisabled(dana.user.id, false);
    expect(await emails()).toContain(dana.user.email);
  });

  it('a user socket connect is closed with 4001 "Account disabled."', async () => {
    await disableDana();
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, dana.token)));
    expect(await socket.closed).toEqual({ code: 4001, reason: 'Account disabled.' });
    expect(socket.ofType('ready')).toEqual([]);
  });

  it("the account re-check closes the disabled user's open sockets (4001) and SSE streams, and only theirs", async () => {
    const danaSocket = await openReadySocket(server, dana.token);
    const erinSocket = await openReadySocket(server, erin.token);
    const danaStream = await openStream(server, thread.id, dana.token);
    const erinStream = await openStream(server, thread.id, erin.token);

    await disableDana();
    expect(await server.app.context.accounts.check()).toBe(2);
    expect(await danaSocket.closed).toEqual({ code: 4001, reason: 'Account disabled.' });
    expect(await danaStream.ended).toContain(': stream open');

    // Erin's socket and stream are live: they hear her next message.
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: erin.token, body: sendBody('only Erin') });
    expect(sent.status).toBe(201);
    const frame = await erinSocket.next((f) => f.type === 'thread_message' && f.data?.content === 'only Erin', 5_000, 'her message');
    expect(frame.thread_id).toBe(thread.id);
    expect(erinSocket.isOpen).toBe(true);
    await erinStream.until('only Erin');
    await erinStream.cancel();
    // Nothing left to re-check for Dana: her sessions are gone.
    expect(await server.app.context.accounts.check()).toBe(0);
  });
});

describe('the periodic account re-check (ACCOUNT_RECHECK_MS)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DEMO_DATA: 'false', ACCOUNT_RECHECK_MS: '100' });
  });
  afterAll(() => server.close());

  it('closes the socket of a user disabled from outside the server (as `npm run admin` does) without being asked', async () => {
    const fay = await server.addUser('Fay');
    const socket = await openReadySocket(server, fay.token);
    await server.app.context.storage.users.setDisabled(fay.user.id, true);
    expect(await socket.closed).toEqual({ code: 4001, reason: 'Account disabled.' });
  });
});

describe('a password change (`npm run admin -- set-password`) ends the sessions signed in before', () => {
  const NEW_PASSWORD = 'a brand new password';
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DEMO_DATA: 'false', ACCOUNT_RECHECK_MS: '100' });
  });
  afterAll(() => server.close());

  /** The admin command on the server's own database, as an administrator would run it beside it. */
  const setPassword = (email: string) => {
    const { databasePath, databaseUrl } = server.config;
    const settings: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_PATH: databasePath };
    return runAdminCli(['set-password', '--email', email, '--password-stdin'], settings, NEW_PASSWORD);
  };

  it('old tokens get 401 saying why, open sockets close with 4001 and streams end; the new password signs in; others are untouched', async () => {
    const gil = await server.addUser('Gil');
    const hal = await server.addUser('Hal');
    const thread = await createThread(server, gil.token, { target_user_ids: [hal.user.id] });
    const socket = await openReadySocket(server, gil.token);
    const halSocket = await openReadySocket(server, hal.token);
    const stream = await openStream(server, thread.id, gil.token);

    expect(await setPassword(gil.user.email)).toEqual({ code: 0, stdout: `Password changed for ${gil.user.email}.\n`, stderr: '' });
    for (const [method, path, body] of [
      ['GET', '/me', undefined],
      ['POST', `/chat/threads/${thread.id}/messages`, sendBody('with the old token')],
    ] as const) {
      const refused = await api(server, method, path, { token: gil.token, body });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toEqual({ code: 'unauthorized', message: SESSION_ENDED_MESSAGE, retryable: false });
    }
    expect(await socket.closed).toEqual({ code: 4001, reason: 'Password changed.' });
    expect(await stream.ended).toContain(': stream open');
    const late = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, gil.token)));
    expect(await late.closed).toEqual({ code: 4001, reason: 'Password changed.' });

    expect((await api(server, 'POST', '/auth/login', { body: { email: gil.user.email, password: 'password123' } })).status).toBe(401);
    const again = await server.login(gil.user.email, NEW_PASSWORD);
    expect((await api(server, 'GET', '/me', { token: again.token })).status).toBe(200);
    const fresh = await openReadySocket(server, again.token);
    expect(fresh.isOpen).toBe(true);
    // Hal's token and socket go on.
    expect((await api(server, 'GET', '/me', { token: hal.token })).status).toBe(200);
    halSocket.send({ type: 'ping' });
    expect(await halSocket.nextOfType('pong')).toEqual({ type: 'pong' });
  });

  it('tokens signed before session versions existed (no `sv` claim) hold until the first password change', async () => {
    const ida = await server.addUser('Ida');
    const now = Math.floor(Date.now() / 1000);
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(ida.user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 3_600)
      .sign(new TextEncoder().encode(server.config.jwtSecret));
    expect((await api(server, 'GET', '/me', { token: legacy })).status).toBe(200);
    expect((await setPassword(ida.user.email)).code).toBe(0);
    expect((await api(server, 'GET', '/me', { token: legacy })).body.error.message).toBe(SESSION_ENDED_MESSAGE);
  });
});
