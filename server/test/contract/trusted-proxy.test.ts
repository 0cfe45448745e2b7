import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TcpBalancer } from '../../src/dev/tcp-balancer.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, publicSocketUrl, userSocketUrl } from '../support/test-socket.ts';
import { newEmail } from '../support/visitors.ts';

/**
 * Per-address limits behind a load balancer (issue 15, item 6). Clients connect from
 * addresses of their own in the loopback range (127.0.0.2, 127.0.0.3, …): through the real
 * balancer of `npm run cluster`, the servers see every connection come from 127.0.0.1.
 */

interface Answer {
  status: number;
  body: any;
}

/** A REST call from `localAddress`, on a connection of its own, with extra headers (a spoofed X-Forwarded-For). */
function callFrom(
  base: string,
  localAddress: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const request = http.request(
      `${base}/api/v1${path}`,
      { method, agent: false, localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let raw = '';
        response.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body: raw ? JSON.parse(raw) : null }));
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

const resolveFrom = (base: string, localAddress: string, headers?: Record<string, string>, email = newEmail()) =>
  callFrom(base, localAddress, 'POST', '/chat/public/demo/threads', { email }, headers);
const loginFrom = (base: string, localAddress: string, headers?: Record<string, string>) =>
  callFrom(base, localAddress, 'POST', '/auth/login', { email: 'bob@example.com', password: 'password123' }, headers);

/** A socket from `localAddress`. */
function socketFrom(url: string, localAddress: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}) {
  return new TestSocket(new WebSocket(url, options.protocols ?? [], { localAddress, headers: options.headers ?? {} }));
}

const SPOOF = { 'x-forwarded-for': '10.9.8.7' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: NodeJS.ProcessEnv): Promise<TestServer> {
  const started = await startTestServer(env);
  cleanups.push(() => started.close());
  return started;
}

/** The balancer of `npm run cluster` in front of `servers`; returns its base URL. */
async function balancerFor(servers: TestServer[]): Promise<string> {
  const balancer = new TcpBalancer(servers.map((one) => ({ host: '127.0.0.1', port: Number(new URL(one.url).port) })));
  const port = await balancer.listen(0);
  cleanups.push(() => balancer.close());
  return `http://127.0.0.1:${port}`;
}

describe('client addresses without TRUST_PROXY', () => {
  it('a client that writes X-Forwarded-For gets no effect: its requests count against its own address', async () => {
    const direct = await server({ RATE_LIMIT_THREADS_PER_MIN: '2', RATE_LIMIT_LOGINS_PER_MIN: '2' });
    for (const spoof of ['10.0.0.1', '10.0.0.2']) {
      expect((await resolveFrom(direct.url, '127.0.0.2', { 'x-forwarded-for': spoof })).status).toBe(201);
      expect((await loginFrom(direct.url, '127.0.0.2', { 'x-forwarded-for': spoof })).status).toBe(200);
    }
    const refused = await resolveFrom(direct.url, '127.0.0.2', { 'x-forwarded-for': '10.0.0.3' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((await loginFrom(direct.url, '127.0.0.2', { 'x-forwarded-for': '10.0.0.3' })).status).toBe(429);
    // Another real address is another client.
    expect((await resolveFrom(direct.url, '127.0.0.3')).status).toBe(201);
  });
});

describe('TRUST_PROXY=1 behind the cluster balancer', () => {
  it('counts public thread creations and sign-ins per client; a spoofed leftmost entry does not escape the limit', async () => {
    const behind = await server({ TRUST_PROXY: '1', RATE_LIMIT_THREADS_PER_MIN: '2', RATE_LIMIT_LOGINS_PER_MIN: '2' });
    const base = await balancerFor([behind]);
    for (let i = 0; i < 2; i++) {
      expect((await resolveFrom(base, '127.0.0.2')).status).toBe(201);
      expect((await loginFrom(base, '127.0.0.2')).status).toBe(200);
    }
    const refused = await resolveFrom(base, '127.0.0.2', SPOOF);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/^Too many new conversations; try again in \d+ s\.$/);
    expect((await loginFrom(base, '127.0.0.2', SPOOF)).status).toBe(429);
    // The second client has its own limits, untouched by the first.
    for (let i = 0; i < 2; i++) {
      expect((await resolveFrom(base, '127.0.0.3')).status).toBe(201);
      expect((await loginFrom(base, '127.0.0.3')).status).toBe(200);
    }
    expect((await resolveFrom(base, '127.0.0.3', SPOOF)).status).toBe(429);
    // The request log names the client beside the peer (the balancer).
    const logged = readFileSync(behind.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"incoming request"') && line.includes('/auth/login'))
      .map((line) => (JSON.parse(line) as { req: { remoteAddress: string; clientAddress?: string } }).req);
    expect(logged.map(({ remoteAddress, clientAddress }) => `${remoteAddress} ${clientAddress}`)).toEqual([
      ...Array<string>(3).fill('127.0.0.1 127.0.0.2'),
      ...Array<string>(2).fill('127.0.0.1 127.0.0.3'),
    ]);
  });

  it('counts public socket connects per client, and logs the client address of user socket upgrades', async () => {
    const behind = await server({ TRUST_PROXY: '1', RATE_LIMIT_SOCKETS_PER_MIN: '2' });
    const base = await balancerFor([behind]);
    const wsBase = base.replace('http', 'ws');
    const connect = (localAddress: string, headers?: Record<string, string>) =>
      socketFrom(publicSocketUrl(wsBase, 'demo', randomUUID(), newEmail()), localAddress, headers ? { headers } : {});
    // Connects count whatever becomes of them: these (no visitor token) end with 4001.
    for (let i = 0; i < 2; i++) expect((await connect('127.0.0.2').closed).code).toBe(4001);
    const limited = connect('127.0.0.2', SPOOF);
    expect((await limited.closed).code).toBe(1013);
    expect(limited.ofType('error').map((frame) => frame.data.code)).toEqual(['rate_limited']);
    for (let i = 0; i < 2; i++) expect((await connect('127.0.0.3').closed).code).toBe(4001);

    const bob = await behind.login('bob@example.com');
    const user = socketFrom(userSocketUrl(wsBase, bob.token), '127.0.0.5');
    await user.ready();
    await user.close();
    const upgrades = readFileSync(behind.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"websocket upgrade"') && line.includes('/ws/user/'))
      .map((line) => JSON.parse(line) as { remoteAddress: string; clientAddress?: string });
    expect(upgrades.map(({ remoteAddress, clientAddress }) => ({ remoteAddress, clientAddress }))).toEqual([
      { remoteAddress: '127.0.0.1', clientAddress: '127.0.0.5' },
    ]);
  });

  it("counts the public socket's message sends per client", async () => {
    const behind = await server({ TRUST_PROXY: '1', RATE_LIMIT_MESSAGES_PER_MIN: '2' });
    const base = await balancerFor([behind]);
    const sendThrough = async (localAddress: string, count: number) => {
      const email = newEmail();
      const visitor = (await resolveFrom(base, localAddress, {}, email)).body as { thread_id: string; visitor_token: string };
      const socket = socketFrom(publicSocketUrl(base.replace('http', 'ws'), 'demo', visitor.thread_id, email), localAddress, {
        protocols: ['visitor', visitor.visitor_token],
        headers: SPOOF,
      });
      await socket.ready();
      const answers: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = randomUUID();
        socket.send({ type: 'send_message', data: { thread_id: visitor.thread_id, content: `hello ${i}`, client_message_id: id } });
        const answer = await socket.next((frame) => ['message_ack', 'error'].includes(frame.type) && frame.data.client_message_id === id);
        answers.push(answer.type === 'error' ? answer.data.code : answer.type);
      }
      await socket.close();
      return answers;
    };
    expect(await sendThrough('127.0.0.2', 3)).toEqual(['message_ack', 'message_ack', 'rate_limited']);
    expect(await sendThrough('127.0.0.3', 2)).toEqual(['message_ack', 'message_ack']);
  });

  it('keys IPv6 clients by /64, with TRUST_PROXY listing the proxy', async () => {
    // The test itself plays the proxy at 127.0.0.1, saying which IPv6 client it forwards.
    const behind = await server({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_THREADS_PER_MIN: '2' });
    const from = (client: string) => resolveFrom(behind.url, '127.0.0.1', { 'x-forwarded-for': client });
    expect((await from('2001:db8:1:2::1')).status).toBe(201);
    expect((await from('2001:db8:1:2:aaaa::2')).status).toBe(201);
    expect((await from('2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await from('2001:db8:1:3::1')).status).toBe(201);
    // A peer that is not the listed proxy is the client, whatever it writes.
    expect((await resolveFrom(behind.url, '127.0.0.2', { 'x-forwarded-for': '2001:db8:9::1' })).status).toBe(201);
  });
});

describePostgres('TRUST_PROXY=1 behind the cluster balancer, two processes on PostgreSQL', () => {
  it('counts each client over both processes; a spoofed leftmost entry does not escape the limit', async () => {
    const env = {
      DATABASE_URL: await freshDatabase(),
      DEMO_DATA: 'true',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      TRUST_PROXY: '1',
      RATE_LIMIT_THREADS_PER_MIN: '3',
    };
    const one = await server(env);
    const two = await server(env);
    const base = await balancerFor([one, two]);
    // Round robin: the three creations of 127.0.0.2 reach both processes.
    for (let i = 0; i < 3; i++) expect((await resolveFrom(base, '127.0.0.2')).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await resolveFrom(base, '127.0.0.2', SPOOF)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await resolveFrom(base, '127.0.0.3')).status).toBe(201);
    expect((await resolveFrom(base, '127.0.0.3')).status).toBe(429);
  });
});
