/**
 * `ThreadRuntimeClient.subscribe` against the real local server (CONTRACT §15): the agent
 * socket, real SQLite, a real restart of the server on the same database file and port.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../../server/src/dev/postgres-instance.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import type { WebSocketConstructor } from '../connection/websocket-transport.ts';
import { answerEveryMessage } from './answer-every-message.ts';
import { ApiError } from './api-error.ts';
import { ThreadRuntimeClient, type TopicEvent } from './thread-runtime-client.ts';

const ALL = 'events.local.chat.thread.*.*';
/** Deadline for "the server has done it". */
const EVENTUALLY = { timeout: 20_000, interval: 20 };
/** Short reconnect delays, so the restart test does not wait out the default backoff. */
const RECONNECT = { baseMs: 50, capMs: 200 };

type Session = { token: string; user: { id: string } };

/** Reads an iterator in the background into `events`, until it ends; `ended` holds how. */
function collect(iterator: AsyncIterableIterator<TopicEvent>) {
  const events: TopicEvent[] = [];
  const ended = (async () => {
    for await (const item of iterator) events.push(item);
    return 'done' as const;
  })().catch((error: unknown) => error);
  return { events, ended, stop: () => iterator.return?.() };
}

const seqsOf = (events: TopicEvent[], threadId: string) =>
  events.filter((item) => item.event.thread_id === threadId && item.event.thread_seq !== undefined).map((item) => item.event.thread_seq);

const range = (to: number) => Array.from({ length: to }, (_, index) => index + 1);

async function post(server: TestServer, token: string, threadId: string, content: string): Promise<number> {
  const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(sent.status).toBe(201);
  return sent.body.message.thread_seq as number;
}

async function lastSeq(server: TestServer, token: string, threadId: string): Promise<number> {
  const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token });
  expect(log.body.has_more).toBe(false);
  return (log.body.events as { thread_seq: number }[]).at(-1)!.thread_seq;
}

async function agentToken(server: TestServer, owner: Session): Promise<{ id: string; token: string }> {
  const issued = await api(server, 'POST', '/agents/demo/tokens', { token: owner.token });
  expect(issued.status).toBe(201);
  return { id: issued.body.id as string, token: issued.body.token as string };
}

/** A thread of the agent (by its token) with Bob; invocation only, so the demo agent does not answer in it. */
async function agentThread(server: TestServer, token: string, bob: Session): Promise<string> {
  const made = await api(server, 'POST', '/chat/threads', {
    token,
    body: { target_user_ids: [bob.user.id], participation_mode: 'invocation_only' },
  });
  expect(made.status).toBe(201);
  return made.body.id as string;
}

function sdk(server: TestServer | string, token: string) {
  return new ThreadRuntimeClient({
    baseURL: typeof server === 'string' ? server : server.url,
    token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: RECONNECT,
  });
}

describe('ThreadRuntimeClient.subscribe on the local server', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
  });
  afterAll(() => server?.close());

  it('yields the events of the agent’s threads and of one it is added to later, nothing of others; a revoked token ends it with the error', async () => {
    const { id, token } = await agentToken(server, alice);
    const existing = await agentThread(server, token, bob);
    const carol = await server.addUser('Carol');
    const foreign = await createThread(server, bob.token, { target_user_ids: [carol.user.id] });
    const client = sdk(server, token);
    // From 0: the thread's whole log first, so nothing depends on when the server took the subscription.
    const { events, ended } = collect(client.subscribe(ALL, { from: { [existing]: 0 } }));
    const initial = await lastSeq(server, bob.token, existing);
    await vi.waitFor(() => expect(seqsOf(events, existing)).toEqual(range(initial)), EVENTUALLY);
    expect(events[0]).toMatchObject({
      topic: `events.local.chat.thread.participant_joined.${existing}`,
      event: { event_type: 'participant_joined', thread_id: existing, thread_seq: 1 },
    });

    const seq = await post(server, bob.token, existing, 'to the agent');
    await vi.waitFor(() => expect(seqsOf(events, existing)).toEqual(range(seq)), EVENTUALLY);
    expect(events.find((item) => item.event.thread_seq === seq && item.event.thread_id === existing)?.event).toMatchObject({
      event_type: 'message_committed',
      content: 'to the agent',
      sender_id: `user:${bob.user.id}`,
    });

    // Alice adds the agent to a new thread: from its first event on.
    const agents = (await api(server, 'GET', '/agents', { token: alice.token })).body.agents as { slug: string; id: string }[];
    const added = await createThread(server, alice.token, {
      target_user_ids: [bob.user.id],
      agent_ids: [agents.find((agent) => agent.slug === 'demo')!.id],
      participation_mode: 'invocation_only',
    });
    await post(server, bob.token, foreign.id, 'not the agent’s');
    const later = await post(server, bob.token, added.id, 'in the new thread');
    await vi.waitFor(() => expect(seqsOf(events, added.id)).toEqual(range(later)), EVENTUALLY);
    expect(events.filter((item) => item.event.thread_id === foreign.id)).toEqual([]);

    expect((await api(server, 'DELETE', `/agents/demo/tokens/${id}`, { token: alice.token })).status).toBe(204);
    const error = await ended;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'unauthorized', message: 'Agent token revoked.', retryable: false });
  });

  it('runs the README example: the agent answers each of Bob’s messages once, and stops on abort', async () => {
    // The README shows this very function, word for word.
    const source = readFileSync(join(import.meta.dirname, 'answer-every-message.ts'), 'utf8');
    const example = source.slice(source.indexOf('/** Answers each'));
    expect(readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8')).toContain(example.trim());
    const { token } = await agentToken(server, alice);
    const thread = await agentThread(server, token, bob);
    const controller = new AbortController();
    const running = answerEveryMessage(sdk(server, token), controller.signal);
    // The example subscribes without `from`: a message committed before the server took the
    // subscription is not seen, so Bob writes until one is answered.
    const asked: string[] = [];
    await vi.waitFor(
      async () => {
        const content = `question ${asked.length + 1}`;
        asked.push(content);
        await post(server, bob.token, thread, content);
        const log = await api(server, 'GET', `/chat/threads/${thread}/events?last_thread_seq=0&limit=200`, { token: bob.token });
        expect(log.body.events.some((event: { content: string | null }) => event.content?.startsWith('You said: '))).toBe(true);
      },
      { timeout: 20_000, interval: 200 },
    );
    const last = await post(server, bob.token, thread, 'one more');
    const answers = async () => {
      const log = await api(server, 'GET', `/chat/threads/${thread}/events?last_thread_seq=0&limit=200`, { token: bob.token });
      return (log.body.events as { content: string; thread_seq: number; data: { role: string } }[]).filter(
        (event) => event.data.role === 'agent',
      );
    };
    await vi.waitFor(async () => expect((await answers()).at(-1)?.content).toBe('You said: one more'), EVENTUALLY);
    expect((await answers()).at(-1)!.thread_seq).toBeGreaterThan(last);
    const contents = (await answers()).map((event) => event.content);
    // Each answer once, and the answered questions in the order asked.
    expect(new Set(contents).size).toBe(contents.length);
    expect(contents.at(-1)).toBe('You said: one more');
    controller.abort();
    await expect(running).resolves.toBeUndefined();
  });
});

describe('ThreadRuntimeClient.subscribe across a restart of the server', () => {
  const dir = join(tmpdir(), `sdk-topics-${randomUUID()}`);
  // The restarted server must come back on the same port (the client reconnects to the same URL): a free one, found once.
  const env = { DATABASE_PATH: join(dir, 'db.sqlite'), PORT: '' };
  let server: TestServer | null = null;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    env.PORT = process.env.SDK_TOPICS_PORT ?? String(await freePort());
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yields every seq of each thread exactly once, in order, though the server stopped and started on the same database meanwhile', async () => {
    server = await startTestServer(env);
    const alice: Session = await server.login('alice@example.com');
    let bob: Session = await server.login('bob@example.com');
    const { token } = await agentToken(server, alice);
    const threads = [await agentThread(server, token, bob), await agentThread(server, token, bob)];
    const { events, ended, stop } = collect(
      sdk(server.url, token).subscribe(ALL, { from: Object.fromEntries(threads.map((id) => [id, 0])) }),
    );
    const last = new Map<string, number>(threads.map((id) => [id, 1]));
    const commit = async (phase: string, count: number) => {
      for (let index = 0; index < count; index++) {
        const threadId = threads[index % threads.length]!;
        last.set(threadId, await post(server!, bob.token, threadId, `${phase} ${index}`));
      }
    };
    await commit('before', 6);
    await vi.waitFor(() => {
      for (const threadId of threads) expect(seqsOf(events, threadId)).toEqual(range(last.get(threadId)!));
    }, EVENTUALLY);

    // Committed and not yet read by the time the server stops: the socket drops under them.
    await commit('racing the stop', 6);
    await server.close();
    server = await startTestServer(env);
    bob = await server.login('bob@example.com');
    // Committed while the client is reconnecting, or after: replayed with `from`, or live.
    await commit('after the start', 8);
    await vi.waitFor(() => {
      for (const threadId of threads) expect(seqsOf(events, threadId)).toEqual(range(last.get(threadId)!));
    }, EVENTUALLY);
    await commit('live again', 2);
    await vi.waitFor(() => {
      for (const threadId of threads) expect(seqsOf(events, threadId)).toEqual(range(last.get(threadId)!));
    }, EVENTUALLY);
    expect(await Promise.race([ended, Promise.resolve('running' as const)])).toBe('running');
    await stop();
    expect(await ended).toBe('done');
  });
});
