import { readFileSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemResolver, type Resolver } from '../../src/webhooks/address-guard.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** A public address (documentation ranges are refused, so a real one): nothing is ever sent to it here. */
const PUBLIC_IP = '93.184.216.34';
/** How long "nothing arrives" is watched for. */
const QUIET_MS = 300;

/**
 * A DNS of our own: names ending in `.test` answer what the test says, and may change their
 * answer between two lookups (DNS rebinding). Other names go to the system resolver.
 */
class FakeDns {
  readonly answers = new Map<string, () => LookupAddress[]>();
  readonly asked: string[] = [];
  readonly resolve: Resolver = async (hostname) => {
    this.asked.push(hostname);
    const answer = this.answers.get(hostname);
    if (answer) return answer();
    if (hostname.endsWith('.test')) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return systemResolver(hostname);
  };

  set(name: string, ...addresses: string[]): void {
    this.answers.set(name, () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }

  /** The first lookup answers `first`, every later one `then`. */
  rebind(name: string, first: string, then: string): void {
    let calls = 0;
    this.answers.set(name, () => [{ address: calls++ === 0 ? first : then, family: 4 }]);
  }
}

async function register(server: TestServer, token: string, threadId: string, callbackUrl: string) {
  return api(server, 'POST', `/chat/threads/${threadId}/webhooks`, { token, body: { callback_url: callbackUrl } });
}

describe('webhook targets with private networks refused (the default; CONTRACT §8)', () => {
  let server: TestServer;
  let world: World;
  const dns = new FakeDns();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }, { resolveHost: dns.resolve });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  const humanThread = () => createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });

  it('refuses IP literals of every non-public kind, in every spelling, with 400 and a clear message', async () => {
    const thread = await humanThread();
    const cases: [string, RegExp][] = [
      ['http://127.0.0.1:8787/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
      ['http://0x7f.1/', /127\.0\.0\.1 is a loopback address/],
      ['http://017700000001/', /127\.0\.0\.1 is a loopback address/],
      ['http://127.1/', /127\.0\.0\.1 is a loopback address/],
      ['http://[::1]/', /::1 is a loopback address/],
      ['http://[::ffff:127.0.0.1]/', /loopback address/],
      ['http://[0:0:0:0:0:ffff:7f00:1]/', /loopback address/],
      ['https://[::ffff:a9fe:a9fe]/', /link-local address/],
      ['http://0.0.0.0/', /unspecified address/],
      ['http://[::]/', /unspecified address/],
      ['http://10.0.0.1/', /private address/],
      ['http://172.16.5.4/', /private address/],
      ['http://192.168.0.1/', /private address/],
      ['http://169.254.169.254/latest/meta-data/', /link-local address/],
      ['http://100.64.0.1/', /CGNAT/],
      ['http://[fd00::1]/', /unique-local address/],
      ['http://[fe80::1]/', /link-local address/],
      ['http://224.0.0.1/', /multicast address/],
      ['http://255.255.255.255/', /broadcast address/],
      ['http://240.0.0.1/', /reserved address/],
    ];
    for (const [url, reason] of cases) {
      const response = await register(server, world.alice.token, thread.id, url);
      expect(response.status, url).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(response.body.error.message, url).toMatch(reason);
      expect(response.body.error.message).toMatch(/callback_url is refused: .*WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
    }
  });

  it('refuses IPv6 literals that embed a refused IPv4 address (SIIT, NAT64, 6to4, ISATAP) or hide one (Teredo)', async () => {
    const thread = await humanThread();
    const cases: [string, RegExp][] = [
      ['http://[::ffff:0:127.0.0.1]/hook', /::ffff:0:7f00:1 is a reserved address/],
      ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', /2001:0:4136:e378:8000:63bf:3fff:fdd2 is a reserved address/],
      ['http://[::127.0.0.1]/hook', /reserved address/],
      ['http://[64:ff9b::10.0.0.1]/hook', /private address/],
      ['http://[64:ff9b:1::8.8.8.8]/hook', /reserved address/],
      ['http://[2002:7f00:1::1]/hook', /loopback address/],
      ['http://[2606:4700::5efe:169.254.169.254]/hook', /link-local address/],
    ];
    for (const [url, reason] of cases) {
      const response = await register(server, world.alice.token, thread.id, url);
      expect(response.status, url).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(response.body.error.message, url).toMatch(reason);
    }
    expect((await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.alice.token })).status).toBe(200);
  });

  it('refuses names that resolve inside: localhost, a private name, a name with one bad address among good ones', async () => {
    const thread = await humanThread();
    const target = await Receiver.start();
    receivers.push(target);
    dns.set('intranet.test', '10.1.2.3');
    dns.set('mixed.test', PUBLIC_IP, '192.168.1.9');
    dns.set('v6.test', 'fd12::9');
    const cases: [string, RegExp][] = [
      [`http://localhost:${target.port}/hook`, /"localhost" resolves to (127\.0\.0\.1|::1) is a loopback address/],
      ['http://intranet.test/hook', /"intranet\.test" resolves to 10\.1\.2\.3 is a private address/],
      ['https://mixed.test/hook', /"mixed\.test" resolves to 192\.168\.1\.9 is a private address/],
      ['http://v6.test/hook', /unique-local/],
      ['http://nowhere.test/hook', /"nowhere\.test" could not be resolved/],
    ];
    for (const [url, reason] of cases) {
      const response = await register(server, world.alice.token, thread.id, url);
      expect(response.status, url).toBe(400);
      expect(response.body.error.code).toBe('client_error');
      expect(response.body.error.message, url).toMatch(reason);
    }
    // Nothing was stored: a message reaches no receiver.
    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('hi') })).status,
    ).toBe(201);
    await sleep(QUIET_MS);
    expect(target.deliveries).toEqual([]);
  });

  it('accepts public hosts: a public IP literal and a name that resolves to one', async () => {
    const thread = await humanThread();
    dns.set('hooks.example.test', PUBLIC_IP);
    for (const url of [`http://${PUBLIC_IP}/hook`, 'https://hooks.example.test/hook']) {
      const response = await register(server, world.alice.token, thread.id, url);
      expect(response.status, url).toBe(201);
      expect(response.body.callback_url).toBe(url);
    }
  });

  it('checks again when connecting: a name rebound to 127.0.0.1 after registration gets nothing, and every refused try counts', async () => {
    const thread = await humanThread();
    const target = await Receiver.start();
    receivers.push(target);
    dns.rebind('rebind.test', PUBLIC_IP, '127.0.0.1');
    const response = await register(server, world.alice.token, thread.id, `http://rebind.test:${target.port}/hook`);
    expect(response.status).toBe(201);
    const subscriptionId = response.body.subscription_id as string;

    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('secret') })).status,
    ).toBe(201);
    // Five refused tries, then the subscription is turned off like any failing one.
    await waitFor(
      'the subscription to turn inactive',
      async () => (await server.app.context.storage.webhooks.get(subscriptionId))?.active === false,
    );
    expect(target.deliveries).toEqual([]);
    // The name was looked up at registration and once per try.
    expect(dns.asked.filter((name) => name === 'rebind.test')).toHaveLength(6);

    await server.close();
    const log = readFileSync(server.logFile, 'utf8');
    const refusals = log.split('\n').filter((line) => line.includes('webhook delivery failed') && line.includes(subscriptionId));
    expect(refusals).toHaveLength(5);
    for (const line of refusals)
      expect(JSON.parse(line).problem).toBe(
        'refused: "rebind.test" resolves to 127.0.0.1 is a loopback address, which webhooks may not reach',
      );
  });
});

describe('webhook targets with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', () => {
  let server: TestServer;
  let world: World;
  const dns = new FakeDns();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, { resolveHost: dns.resolve });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(): Promise<Receiver> {
    const created = await Receiver.start();
    receivers.push(created);
    return created;
  }

  it('delivers through the resolver to a loopback name (the connection goes where the lookup says)', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const target = await receiver();
    dns.set('dev-receiver.test', '127.0.0.1');
    const response = await register(server, world.alice.token, thread.id, `http://dev-receiver.test:${target.port}/hook`);
    expect(response.status).toBe(201);
    target.secret = response.body.secret;
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: sendBody('to the dev box'),
    });
    await waitFor('the delivery', () => target.deliveries.length >= 1);
    expect(target.deliveries[0]!.event.thread_seq).toBe(sent.body.message.thread_seq);
    expect(target.deliveries[0]!.verified).toBe(true);
    expect(target.deliveries[0]!.headers.host).toBe(`dev-receiver.test:${target.port}`);
  });

  it('still refuses unspecified, multicast, broadcast and reserved addresses', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    for (const url of ['http://0.0.0.0/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[::]/', 'http://192.0.2.1/']) {
      expect((await register(server, world.alice.token, thread.id, url)).status, url).toBe(400);
    }
  });

  it('lets only users register: an agent token of a participating agent gets 403', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
    expect(issued.status).toBe(201);
    const target = await receiver();
    const refused = await register(server, issued.body.token, thread.id, target.url);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/Only people taking part.*agent tokens cannot/),
    });
  });

  it('allows at most 10 active subscriptions per thread: the 11th gets 409; a deleted or turned-off one frees a place', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const target = await receiver();
    const ids: string[] = [];
    // Ten at once: the limit holds even when registrations race.
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        register(server, index % 2 ? world.bob.token : world.alice.token, thread.id, `${target.url}?n=${index}`),
      ),
    );
    for (const response of created) {
      expect(response.status).toBe(201);
      ids.push(response.body.subscription_id);
    }
    const eleventh = await register(server, world.alice.token, thread.id, `${target.url}?n=10`);
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toMatchObject({ code: 'conflict', retryable: false });
    expect(eleventh.body.error.message).toMatch(/already has 10 webhooks.*delete one/);
    const racing = await Promise.all([
      register(server, world.alice.token, thread.id, target.url),
      register(server, world.bob.token, thread.id, target.url),
    ]);
    expect(racing.map((response) => response.status)).toEqual([409, 409]);

    // Other threads have their own ten.
    const other = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    expect((await register(server, world.alice.token, other.id, target.url)).status).toBe(201);

    expect((await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${ids[0]}`, { token: world.alice.token })).status).toBe(204);
    const failing = await register(server, world.alice.token, thread.id, `${target.url}?failing=1`);
    expect(failing.status).toBe(201);
    expect((await register(server, world.alice.token, thread.id, target.url)).status).toBe(409);

    // A subscription turned off after failing no longer counts.
    target.respond = (delivery) => (String(delivery.headers['x-ama2-subscription-id']) === failing.body.subscription_id ? 503 : 200);
    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody('count me') })).status,
    ).toBe(201);
    await waitFor(
      'the failing one to turn inactive',
      async () => (await server.app.context.storage.webhooks.get(failing.body.subscription_id))?.active === false,
    );
    expect((await register(server, world.alice.token, thread.id, target.url)).status).toBe(201);
  });
});
