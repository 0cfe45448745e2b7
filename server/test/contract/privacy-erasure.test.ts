import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bytesKeys } from '../../src/attachments/attachment-bytes.ts';
import { download, pdf, visitorUpload, type Uploaded } from '../support/attachments.ts';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, publicCall, resolve, startVisitor, type Resolved } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** A word no other test writes: found in the database only while the visitor is. */
/** A checkpoint the server's reads kept from completing is tried again this often, this many times. */
const CHECKPOINT_ATTEMPTS = 20;
const CHECKPOINT_RETRY_MS = 100;

const marker = () => `zq${randomBytes(8).toString('hex')}`;

describeEachFileStorage('privacy: find, export and erase a visitor (CONTRACT §14)', (storageEnv) => {
  let server: TestServer;
  let world: World;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  /** A visitor who wrote the marker, sent a PDF, and whose thread has a note by Alice. */
  async function visitorWithData(word: string, email = `${word}@customer.example`) {
    const visitor = await startVisitor(server, { email, name: `Name ${word}` });
    const file = await visitorUpload(server, visitor.thread_id, 'order.pdf', pdf(), visitor.visitor_token);
    expect(file.status, JSON.stringify(file.body)).toBe(201);
    const uploaded = file.body as Uploaded;
    const sent = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: { client_message_id: randomUUID(), content: `my order ${word}`, attachment_ids: [uploaded.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const note = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: world.alice.token,
      body: { client_message_id: randomUUID(), content: `note about ${word}` },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const found = await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: world.alice.token });
    const visitorId = found.body.visitors[0].id as string;
    return { ...visitor, visitorId, file: uploaded };
  }

  it('finds a visitor by email (any case), sub or thread, for owners only', async () => {
    const word = marker();
    const visitor = await visitorWithData(word);
    const byEmail = await api(server, 'GET', `/agents/demo/visitors?email=${encodeURIComponent(visitor.email.toUpperCase())}`, {
      token: world.alice.token,
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.visitors).toEqual([
      {
        id: visitor.visitorId,
        sender_id: `visitor:${visitor.visitorId}`,
        email: visitor.email,
        name: `Name ${word}`,
        verified: false,
        sub: null,
        created_at: expect.any(String),
        last_seen_at: expect.any(String),
        thread_ids: [visitor.thread_id],
      },
    ]);
    expect(visitor.sender_id).toBe(`visitor:${visitor.visitorId}`);
    const nobody = await api(server, 'GET', `/agents/demo/visitors?email=nobody-${word}@customer.example`, { token: world.alice.token });
    expect(nobody.body).toEqual({ visitors: [] });

    const noQuery = await api(server, 'GET', '/agents/demo/visitors', { token: world.alice.token });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.error.message).toBe('Say whom to find: give email, sub or thread_id.');
    // Bob does not own the demo agent: refused, whatever he asks.
    const notOwner = await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: world.bob.token });
    expect(notOwner.status).toBe(403);
    expect((await api(server, 'GET', `/agents/demo/visitors/${visitor.visitorId}/export`, { token: world.bob.token })).status).toBe(403);
    expect((await api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: world.bob.token })).status).toBe(403);
    expect((await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`)).status).toBe(401);
    expect((await api(server, 'GET', `/agents/nope/visitors?thread_id=${visitor.thread_id}`, { token: world.alice.token })).status).toBe(
      404,
    );
    // An id that is no visitor of this agent is not found.
    expect((await api(server, 'GET', `/agents/demo/visitors/${randomUUID()}/export`, { token: world.alice.token })).status).toBe(404);
    expect((await api(server, 'DELETE', `/agents/demo/visitors/${randomUUID()}`, { token: world.alice.token })).status).toBe(404);
  });

  it('exports the visitor, every event a user reads (notes included) and the attachments with their download paths', async () => {
    const word = marker();
    const visitor = await visitorWithData(word);
    // The log as a user reads it now (the demo agent may still be answering: the export can only have more).
    const poll = await api(server, 'GET', `/chat/threads/${visitor.thread_id}/events?last_thread_seq=0&limit=200`, {
      token: world.alice.token,
    });
    const response = await fetch(`${server.url}/api/v1/agents/demo/visitors/${visitor.visitorId}/export`, {
      headers: { authorization: `Bearer ${world.alice.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="visitor-${visitor.visitorId}.json"`);
    const document = (await response.json()) as {
      visitor: { id: string; email: string; thread_ids: string[] };
      threads: { id: string; events: { thread_seq: number; event_type: string; content: string | null }[]; attachments: unknown[] }[];
    };
    expect(document.visitor).toMatchObject({ id: visitor.visitorId, email: visitor.email, thread_ids: [visitor.thread_id] });
    expect(document.threads.map((thread) => thread.id)).toEqual([visitor.thread_id]);
    const [thread] = document.threads;
    // The whole log, dense, as the poll shows it to a user.
    expect(thread!.events.slice(0, poll.body.events.length)).toEqual(poll.body.events);
    expect(thread!.events.map((event) => event.thread_seq)).toEqual(thread!.events.map((_, index) => index + 1));
    expect(thread!.events.filter((event) => event.event_type === 'message_committed').map((event) => event.content)).toContain(
      `my order ${word}`,
    );
    expect(thread!.events.find((event) => event.event_type === 'note_added')).toBeDefined();
    expect(thread!.attachments).toEqual([
      {
        id: visitor.file.id,
        name: 'order.pdf',
        content_type: 'application/pdf',
        size: visitor.file.size,
        sha256: visitor.file.sha256,
        message_id: expect.any(String),
        created_at: visitor.file.created_at,
        download_path: `/chat/threads/${visitor.thread_id}/attachments/${visitor.file.id}`,
      },
    ]);
  });

  it('erases a visitor: thread_deleted reaches webhooks and sockets first, then every path is 404 or 401', async () => {
    const word = marker();
    const visitor = await visitorWithData(word);
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const subscribed = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const aliceSocket = TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token));
    await aliceSocket.ready();
    const visitorSocket = openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await visitorSocket.ready();
    const searchBefore = await api(server, 'GET', `/chat/search?q=${word}`, { token: world.alice.token });
    expect(searchBefore.body.results.length).toBeGreaterThan(0);

    const erased = await api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: world.alice.token });
    expect(erased.status, JSON.stringify(erased.body)).toBe(204);

    const frame = await aliceSocket.next(
      (candidate) => candidate.type === 'thread_event' && candidate.data.event_type === 'thread_deleted',
    );
    expect(frame).toMatchObject({
      thread_id: visitor.thread_id,
      data: { event_type: 'thread_deleted', sender_id: `user:${world.alice.user.id}`, data: { reason: 'erased_by_owner' } },
    });
    await aliceSocket.close();
    await visitorSocket.closed;
    await waitFor('the webhook delivery', () => receiver.deliveries.some((delivery) => delivery.event?.event_type === 'thread_deleted'));
    const delivered = receiver.deliveries.find((delivery) => delivery.event?.event_type === 'thread_deleted')!;
    expect(delivered.event).toMatchObject({ thread_id: visitor.thread_id, data: { reason: 'erased_by_owner' } });

    await expectGone(visitor);
  });

  it('erases myself: DELETE /chat/public/{slug}/me with the visitor token, then the token is 401', async () => {
    const word = marker();
    const visitor = await visitorWithData(word);
    expect((await api(server, 'DELETE', '/chat/public/demo/me')).status).toBe(401);
    const erased = await api(server, 'DELETE', '/chat/public/demo/me', { token: visitor.visitor_token });
    expect(erased.status, JSON.stringify(erased.body)).toBe(204);
    await expectGone(visitor);
    const again = await api(server, 'DELETE', '/chat/public/demo/me', { token: visitor.visitor_token });
    expect(again.status).toBe(401);
  });

  /** Nothing of the visitor is readable by any path, and their files are gone from storage. */
  async function expectGone(visitor: Resolved & { email: string; visitorId: string; file: Uploaded }) {
    const threadId = visitor.thread_id;
    expect((await api(server, 'GET', `/chat/threads/${threadId}`, { token: world.alice.token })).status).toBe(404);
    expect((await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0`, { token: world.alice.token })).status).toBe(404);
    const list = await api(server, 'GET', '/chat/threads?limit=100', { token: world.alice.token });
    expect(list.body.threads.map((thread: { id: string }) => thread.id)).not.toContain(threadId);
    expect((await download(server, `/chat/threads/${threadId}/attachments/${visitor.file.id}`, world.alice.token)).status).toBe(404);
    expect((await publicCall(server, 'GET', `${threadId}/events?last_thread_seq=0`, { token: visitor.visitor_token })).status).toBe(401);
    expect((await api(server, 'GET', '/chat/public/demo/threads', { token: visitor.visitor_token })).status).toBe(401);
    const search = await api(server, 'GET', `/chat/search?q=${visitor.email.split('@')[0]}`, { token: world.alice.token });
    expect(search.body.results).toEqual([]);
    const byEmail = await api(server, 'GET', `/agents/demo/visitors?email=${encodeURIComponent(visitor.email)}`, {
      token: world.alice.token,
    });
    expect(byEmail.body).toEqual({ visitors: [] });
    expect((await api(server, 'GET', `/agents/demo/visitors/${visitor.visitorId}/export`, { token: world.alice.token })).status).toBe(404);
    // A resolve presenting the old token is a new visitor, sharing nothing.
    const again = await resolve(server, {}, { token: visitor.visitor_token });
    expect(again.status).toBe(201);
    expect(again.body.thread_id).not.toBe(threadId);
    expect(again.body.sender_id).not.toBe(visitor.sender_id);
    expect(again.body.resumed).toBe(false);
    // The bytes: rows in PostgreSQL, and files in the folder (beside the SQLite file, or shared with PostgreSQL).
    const storage = server.app.context.storage;
    expect(await storage.attachments.get(visitor.file.id)).toBeUndefined();
    if (storage.attachmentBytes) {
      for (const key of Object.values(bytesKeys(visitor.file.id))) expect(await storage.attachmentBytes.read(key)).toBeNull();
    }
    if (!storage.attachmentBytes || server.config.attachments.dirSet) {
      const dir = server.config.attachments.dir;
      expect(readdirSync(dir).filter((name) => name.startsWith(visitor.file.id))).toEqual([]);
    }
  }

  it('leaves no copy of what was erased in the SQLite file or its WAL after a checkpoint (secure_delete)', async (context) => {
    if (server.app.context.storage.attachmentBytes) context.skip();
    const word = marker();
    const visitor = await visitorWithData(word);
    const path = server.config.databasePath;
    const checkpointed = async () => {
      const db = new Database(path);
      try {
        // The server's connection may hold an older snapshot a moment (busy: 1): only a whole
        // checkpoint leaves the WAL empty, else old frames would still hold what was erased.
        for (let attempt = 1; ; attempt++) {
          const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
          if (result!.busy === 0) break;
          if (attempt === CHECKPOINT_ATTEMPTS) throw new Error(`The WAL could not be checkpointed: ${JSON.stringify(result)}`);
          await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_RETRY_MS));
        }
      } finally {
        db.close();
      }
      const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
      return Buffer.concat([readFileSync(path), wal]);
    };
    expect((await checkpointed()).includes(word)).toBe(true);
    expect((await api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: world.alice.token })).status).toBe(204);
    const bytes = await checkpointed();
    expect(bytes.includes(word)).toBe(false);
    expect(bytes.includes(visitor.email)).toBe(false);
  });
});
