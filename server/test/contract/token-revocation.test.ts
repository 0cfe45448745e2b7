import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { clusterAvailable, signIn, startCluster, type Cluster } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

/** How long a test waits for a stream to end before it calls it still open (a guard, not a measurement). */
const STREAM_END_GUARD_MS = 10_000;
/** A re-check interval no test outlasts: whatever ends a stream in the cluster test is the revocation notice. */
const NO_RECHECK_MS = 60 * 60_000;
/** The re-check interval of the single-process test. */
const FAST_RECHECK_MS = 100;

/** An SSE stream read in the background: what arrived so far, and whether the server ended it. */
interface OpenStream {
  received(): string;
  /** Resolves with everything received when the server ends the stream; rejects if it is still open after the guard. */
  ended(): Promise<string>;
  close(): void;
}

async function openStream(server: { url: string }, threadId: string, token: string): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let text = '';
  const finished = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        text += new TextDecoder().decode(value);
      }
    } catch {
      return false; // closed by the test
    }
  })();
  return {
    received: () => text,
    ended: () =>
      new Promise<string>((resolve, reject) => {
        const guard = setTimeout(() => reject(new Error(`the stream is still open after ${STREAM_END_GUARD_MS} ms`)), STREAM_END_GUARD_MS);
        void finished.then((byServer) => {
          clearTimeout(guard);
          if (byServer) resolve(text);
          else reject(new Error('the stream was closed by the test'));
        });
      }),
    close: () => controller.abort(),
  };
}

/** Issues a token of the demo agent (Alice owns it) and starts a thread with Bob through it. */
async function agentWithThread(server: { url: string }, aliceToken: string, bobId: string) {
  const issued = await api(server, 'POST', '/agents/demo/tokens', { token: aliceToken });
  expect(issued.status).toBe(201);
  const thread = await api(server, 'POST', '/chat/threads', { token: issued.body.token, body: { target_user_ids: [bobId] } });
  expect(thread.status).toBe(201);
  return { tokenId: issued.body.id as string, token: issued.body.token as string, threadId: thread.body.id as string };
}

/**
 * A revoked agent token's SSE streams end on every server process (issue 15, item 5): the
 * process that revokes it tells the others over NATS, and a revocation nobody announced is
 * found by each process's re-check (`ACCOUNT_RECHECK_MS`).
 */
describe.runIf(clusterAvailable)('revoking an agent token across server processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    // Alice, Bob and the demo agent, before the processes start.
    cluster = await startCluster({ processes: 2, env: { ACCOUNT_RECHECK_MS: String(NO_RECHECK_MS) }, prepare: seedDemoData });
    servers = cluster.servers;
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await cluster?.stop();
  });

  const login = (server: ChildServer, email: string) => signIn(server, email, DEMO_PASSWORD);

  it('ends the streams the token opened on the other process at once; other streams there go on', async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const alice = await login(a, 'alice@example.com');
    const bob = await login(b, 'bob@example.com');
    const revoked = await agentWithThread(a, alice.token, bob.user.id);
    const kept = await agentWithThread(a, alice.token, bob.user.id);
    const onB = await openStream(b, revoked.threadId, revoked.token);
    const alsoOnB = await openStream(b, revoked.threadId, revoked.token);
    const otherTokenOnB = await openStream(b, revoked.threadId, kept.token);
    const bobOnB = await openStream(b, revoked.threadId, bob.token);
    streams.push(onB, alsoOnB, otherTokenOnB, bobOnB);
    await expect.poll(() => onB.received().includes('id: 1\n')).toBe(true);

    expect((await api(a, 'DELETE', `/agents/demo/tokens/${revoked.tokenId}`, { token: alice.token })).status).toBe(204);
    for (const stream of [onB, alsoOnB]) expect(await stream.ended()).toContain('id: 1\n');
    const reopened = await fetch(`${b.url}/api/v1/chat/threads/${revoked.threadId}/events/stream`, {
      headers: { authorization: `Bearer ${revoked.token}` },
    });
    expect(reopened.status).toBe(401);

    const sent = await api(a, 'POST', `/chat/threads/${revoked.threadId}/messages`, {
      token: bob.token,
      body: sendBody('after the revoke'),
    });
    expect(sent.status).toBe(201);
    for (const stream of [otherTokenOnB, bobOnB]) {
      await expect.poll(() => stream.received().includes(`id: ${sent.body.message.thread_seq}\n`)).toBe(true);
    }
  });
});

describe('a revocation no process announced ends the streams within ACCOUNT_RECHECK_MS', () => {
  let server: TestServer;
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    server = await startTestServer({ ACCOUNT_RECHECK_MS: String(FAST_RECHECK_MS) });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await server.close();
  });

  it('ends the streams of a token revoked in the database (by another tool), not those of live tokens', async () => {
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const revoked = await agentWithThread(server, alice.token, bob.user.id);
    const kept = await agentWithThread(server, alice.token, bob.user.id);
    const revokedStream = await openStream(server, revoked.threadId, revoked.token);
    const keptStream = await openStream(server, revoked.threadId, kept.token);
    streams.push(revokedStream, keptStream);
    await expect.poll(() => revokedStream.received().includes('id: 1\n')).toBe(true);

    // Straight in the database, as `npm run admin` or a process without NATS would: no server hears of it.
    const agentId = (await server.app.context.storage.agents.bySlug('demo'))!.id;
    expect(await server.app.context.storage.agentSettings.revokeToken(agentId, revoked.tokenId)).toBe(true);
    expect(await revokedStream.ended()).toContain('id: 1\n');

    const sent = await api(server, 'POST', `/chat/threads/${revoked.threadId}/messages`, {
      token: bob.token,
      body: sendBody('still here'),
    });
    expect(sent.status).toBe(201);
    await expect.poll(() => keptStream.received().includes(`id: ${sent.body.message.thread_seq}\n`)).toBe(true);
  });
});
