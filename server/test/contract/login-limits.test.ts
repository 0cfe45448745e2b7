import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFrom } from '../support/from-address.ts';
import { api, startTestServer, type ApiResponse, type TestServer } from '../support/test-server.ts';

const login = (server: TestServer, email: string, password: string) => api(server, 'POST', '/auth/login', { body: { email, password } });

function expectLimited(response: ApiResponse, words: RegExp, maxSeconds: number): number {
  expect(response.status).toBe(429);
  expect(response.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
  expect(response.body.error.message).toMatch(words);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  return retryAfter;
}

describe('POST /auth/login per account and address: failed attempts (RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '3' });
  });
  afterAll(() => server.close());

  it('never limits a user who signs in right, however often', async () => {
    for (let i = 0; i < 8; i++) expect((await login(server, 'bob@example.com', 'password123')).status).toBe(200);
  });

  it('after 3 failures answers 429 with Retry-After, even to the right password; other accounts are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await login(server, 'alice@example.com', `guess-${i}`)).status).toBe(401);
    expectLimited(
      await login(server, 'alice@example.com', 'guess-3'),
      /^Too many failed sign-ins for this account from this address; try again in \d+ minutes\.$/,
      900,
    );
    // The right password does not get through, or the limit would reveal the hit.
    expectLimited(await login(server, 'ALICE@example.com ', 'password123'), /for this account/, 900);
    expect((await login(server, 'bob@example.com', 'password123')).status).toBe(200);
  });

  it('treats an unknown email exactly like a real account, so the limit does not tell which emails exist', async () => {
    const existing = (await server.addUser('Dora')).user.email;
    const answers: ApiResponse[] = [];
    for (const email of [existing, 'nobody@example.com']) {
      for (let i = 0; i < 3; i++) expect((await login(server, email, `guess-${i}`)).status).toBe(401);
      answers.push(await login(server, email, 'guess-3'));
    }
    for (const answer of answers) expectLimited(answer, /for this account/, 900);
    expect(answers[0]!.body).toEqual(answers[1]!.body);
  });

  it('counts guesses sent all at once: no more than the limit get an answer from the password check', async () => {
    const email = (await server.addUser('Carol')).user.email;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(server, email, `burst-${i}`)));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(7);
  });
});

describe('POST /auth/login: a stranger cannot lock an account, a distributed guesser is still stopped (RATE_LIMIT_LOGIN_FAILURES_PER_HOUR)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '3', RATE_LIMIT_LOGIN_FAILURES_PER_HOUR: '8' });
  });
  afterAll(() => server.close());

  it("stops the attacker's address after 3 failures while the owner signs in from theirs", async () => {
    const attacker = '127.0.0.2';
    for (let i = 0; i < 3; i++) expect((await loginFrom(server, attacker, 'alice@example.com', `guess-${i}`)).status).toBe(401);
    expectLimited(
      await loginFrom(server, attacker, 'alice@example.com', 'guess-3'),
      /^Too many failed sign-ins for this account from this address; try again in \d+ minutes\.$/,
      900,
    );
    expectLimited(await loginFrom(server, attacker, 'alice@example.com', 'password123'), /from this address/, 900);
    // The owner, from another address: signed in, and the token works.
    const owner = await loginFrom(server, '127.0.0.1', 'alice@example.com', 'password123');
    expect(owner.status).toBe(200);
    expect((await api(server, 'GET', '/me', { token: owner.body.token })).body.email).toBe('alice@example.com');
  });

  it('refuses everyone, owner included, once the account has 8 failures in the hour from any addresses', async () => {
    const email = (await server.addUser('Erin')).user.email;
    // Two guesses from each of four addresses: none reaches its own limit of 3.
    for (const address of ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4']) {
      for (let i = 0; i < 2; i++) expect((await loginFrom(server, address, email, `guess-${i}`)).status).toBe(401);
    }
    for (const address of ['127.0.1.5', '127.0.0.1']) {
      expectLimited(
        await loginFrom(server, address, email, 'password123'),
        /^Too many failed sign-ins for this account; try again in \d+ minutes\.$/,
        3_600,
      );
    }
    // Other accounts, from the same addresses, are not affected.
    expect((await loginFrom(server, '127.0.1.1', 'bob@example.com', 'password123')).status).toBe(200);
  });
});

describe('POST /auth/login per client address: every attempt (RATE_LIMIT_LOGINS_PER_MIN)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_LOGINS_PER_MIN: '5' });
  });
  afterAll(() => server.close());

  it('answers the 6th attempt in a minute with 429 and Retry-After, right password or not; other calls still work', async () => {
    const first = await login(server, 'alice@example.com', 'password123');
    expect(first.status).toBe(200);
    expect((await login(server, 'bob@example.com', 'password123')).status).toBe(200);
    expect((await login(server, 'alice@example.com', 'wrong')).status).toBe(401);
    expect((await login(server, 'nobody@example.com', 'wrong')).status).toBe(401);
    expect((await login(server, 'bob@example.com', 'password123')).status).toBe(200);
    expectLimited(
      await login(server, 'bob@example.com', 'password123'),
      /^Too many sign-in attempts from this address; try again in \d+ seconds\.$/,
      60,
    );
    expectLimited(await login(server, 'carol@example.com', 'x'), /from this address/, 60);
    // Signed-in calls are not sign-ins: they go on.
    expect((await api(server, 'GET', '/me', { token: first.body.token })).status).toBe(200);
  });
});
