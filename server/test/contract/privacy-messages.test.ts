import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { download, pdf, visitorUpload, type Uploaded } from '../support/attachments.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, createThread, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** A word no other test writes. */
const marker = () => `zq${randomBytes(8).toString('hex')}`;

describeEachStorage('privacy: deleting one message (CONTRACT §14)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(() => server?.close());

  /**
   * Rows of the message (its message row, its event, notifications quoting it) that still hold
   * the word, read from the database itself, not through the server. The demo agent's answer
   * quotes the visitor: that is another message, not counted.
   */
  async function rowsHolding(threadId: string, seq: number, word: string): Promise<number> {
    const pattern = `%${word}%`;
    if (server.config.databaseUrl) {
      const sql = postgres(server.config.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ n: number }[]>`
          SELECT ((SELECT count(*) FROM messages WHERE thread_id = ${threadId} AND thread_seq = ${seq}
                     AND (content LIKE ${pattern} OR mentions::text LIKE ${pattern})) +
                  (SELECT count(*) FROM events WHERE thread_id = ${threadId} AND thread_seq = ${seq}
                     AND (content LIKE ${pattern} OR data::text LIKE ${pattern})) +
                  (SELECT count(*) FROM notifications WHERE thread_id = ${threadId} AND thread_seq = ${seq}
                     AND body LIKE ${pattern}))::int AS n`;
        return row!.n;
      } finally {
        await sql.end();
      }
    }
    const db = new Database(server.config.databasePath, { readonly: true });
    try {
      const statement = db.prepare(
        `SELECT (SELECT count(*) FROM messages WHERE thread_id = @threadId AND thread_seq = @seq
                   AND (content LIKE @pattern OR mentions LIKE @pattern)) +
                (SELECT count(*) FROM events WHERE thread_id = @threadId AND thread_seq = @seq
                   AND (content LIKE @pattern OR data LIKE @pattern)) +
                (SELECT count(*) FROM notifications WHERE thread_id = @threadId AND thread_seq = @seq AND body LIKE @pattern)`,
      );
      return statement.pluck().get({ threadId, seq, pattern }) as number;
    } finally {
      db.close();
    }
  }

  const poll = async (threadId: string) =>
    (await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token: world.alice.token })).body
      .events as { thread_seq: number; event_type: string; content: string | null; sender_id: string; data: Record<string, unknown> }[];

  it('lets a visitor delete their own message: content, mentions and files erased, the log dense, search blind to it', async () => {
    const word = marker();
    const visitor = await startVisitor(server, {});
    const file = (await visitorUpload(server, visitor.thread_id, 'order.pdf', pdf(), visitor.visitor_token)).body as Uploaded;
    const sent = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: { client_message_id: randomUUID(), content: `my card is ${word}`, attachment_ids: [file.id] },
    });
    expect(sent.status).toBe(201);
    const messageId = sent.body.message.id as string;
    const seq = sent.body.message.thread_seq as number;
    expect(await rowsHolding(visitor.thread_id, seq, word)).toBeGreaterThan(0);
    // Search hits of this very message (the demo agent's answer may quote the word: another message).
    const hitsOfIt = async () =>
      ((await api(server, 'GET', `/chat/search?q=${word}`, { token: world.alice.token })).body.results as { thread_seq: number }[]).filter(
        (result) => result.thread_seq === seq,
      );
    expect(await hitsOfIt()).toHaveLength(1);

    const deleted = await publicCall(server, 'DELETE', `${visitor.thread_id}/messages/${messageId}`, { token: visitor.visitor_token });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);

    const events = await poll(visitor.thread_id);
    expect(events.map((event) => event.thread_seq)).toEqual(events.map((_, index) => index + 1));
    const original = events.find((event) => event.thread_seq === seq)!;
    expect(original).toMatchObject({
      event_type: 'message_committed',
      content: '',
      data: { message_id: messageId, deleted: true, mentions: [] },
    });
    expect(original.data.attachments).toBeUndefined();
    const erasure = events.find((event) => event.event_type === 'message_deleted')!;
    expect(erasure).toMatchObject({ sender_id: visitor.sender_id, data: { message_id: messageId, by: visitor.sender_id } });
    expect(erasure.thread_seq).toBeGreaterThan(seq);

    expect(await rowsHolding(visitor.thread_id, seq, word)).toBe(0);
    expect(await hitsOfIt()).toEqual([]);
    expect((await download(server, `/chat/threads/${visitor.thread_id}/attachments/${file.id}`, world.alice.token)).status).toBe(404);
    // The visitor's own history shows it deleted too.
    const mine = await publicCall(server, 'GET', `${visitor.thread_id}/events?last_thread_seq=${seq - 1}&limit=1`, {
      token: visitor.visitor_token,
    });
    expect(mine.body.events[0]).toMatchObject({ content: '', data: { deleted: true } });

    // Deleting it again commits nothing more.
    const lastSeq = events.at(-1)!.thread_seq;
    const again = await publicCall(server, 'DELETE', `${visitor.thread_id}/messages/${messageId}`, { token: visitor.visitor_token });
    expect(again.status).toBe(204);
    const after = await poll(visitor.thread_id);
    expect(after.filter((event) => event.event_type === 'message_deleted')).toHaveLength(1);
    expect(after.filter((event) => event.thread_seq > lastSeq && event.event_type === 'message_deleted')).toEqual([]);
  });

  it("refuses a visitor another sender's message (404) and lets the agent's owner delete the visitor's", async () => {
    const visitor = await startVisitor(server, {});
    const sent = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: { client_message_id: randomUUID(), content: 'hello' },
    });
    // The demo agent answers: a message that is not the visitor's.
    const agentMessage = async () =>
      (await poll(visitor.thread_id)).find((event) => event.event_type === 'message_committed' && event.sender_id.startsWith('agent:'));
    await waitFor("the demo agent's answer", async () => (await agentMessage()) !== undefined);
    const answer = (await agentMessage())!;
    const other = await publicCall(server, 'DELETE', `${visitor.thread_id}/messages/${answer.data.message_id as string}`, {
      token: visitor.visitor_token,
    });
    expect(other.status).toBe(404);
    expect(
      (await publicCall(server, 'DELETE', `${visitor.thread_id}/messages/${randomUUID()}`, { token: visitor.visitor_token })).status,
    ).toBe(404);
    // Bob reads no visitor thread of the demo agent: he does not even see it.
    const bob = await api(server, 'DELETE', `/chat/threads/${visitor.thread_id}/messages/${sent.body.message.id as string}`, {
      token: world.bob.token,
    });
    expect(bob.status).toBe(403);
    const owner = await api(server, 'DELETE', `/chat/threads/${visitor.thread_id}/messages/${sent.body.message.id as string}`, {
      token: world.alice.token,
    });
    expect(owner.status).toBe(204);
    const erasure = (await poll(visitor.thread_id)).find((event) => event.event_type === 'message_deleted')!;
    expect(erasure.data).toEqual({ message_id: sent.body.message.id, by: `user:${world.alice.user.id}` });
  });

  it("lets users delete their own messages only: another participant's is 403, an unknown one 404", async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: { client_message_id: randomUUID(), content: 'from alice' },
    });
    const messageId = sent.body.message.id as string;
    const byBob = await api(server, 'DELETE', `/chat/threads/${thread.id}/messages/${messageId}`, { token: world.bob.token });
    expect(byBob.status).toBe(403);
    expect(byBob.body.error.message).toBe("Only the message's author or an owner of the thread's agent can delete it.");
    expect((await api(server, 'DELETE', `/chat/threads/${thread.id}/messages/${randomUUID()}`, { token: world.alice.token })).status).toBe(
      404,
    );
    expect((await api(server, 'DELETE', `/chat/threads/${thread.id}/messages/${messageId}`)).status).toBe(401);
    const byAlice = await api(server, 'DELETE', `/chat/threads/${thread.id}/messages/${messageId}`, { token: world.alice.token });
    expect(byAlice.status).toBe(204);
    const events = await poll(thread.id);
    expect(events.at(-1)).toMatchObject({
      event_type: 'message_deleted',
      data: { message_id: messageId, by: `user:${world.alice.user.id}` },
    });
    const listed = await api(server, 'GET', '/chat/threads?limit=100', { token: world.bob.token });
    const preview = listed.body.threads.find((candidate: { id: string }) => candidate.id === thread.id);
    expect(JSON.stringify(preview)).not.toContain('from alice');
  });

  it('leaves no copy of a deleted message in the SQLite file or its WAL after a checkpoint: not in the search index either', async (context) => {
    if (server.config.databaseUrl) context.skip();
    const word = marker();
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: { client_message_id: randomUUID(), content: `the door code is ${word}` },
    });
    expect(sent.status).toBe(201);
    // A later message: the deleted one is not the thread's preview, only the search index and the log hold its words.
    const later = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: { client_message_id: randomUUID(), content: 'see you tomorrow' },
    });
    expect(later.status).toBe(201);
    const path = server.config.databasePath;
    const checkpointed = () => {
      const db = new Database(path);
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
      return Buffer.concat([readFileSync(path), wal]);
    };
    expect(checkpointed().includes(word)).toBe(true);
    const deleted = await api(server, 'DELETE', `/chat/threads/${thread.id}/messages/${sent.body.message.id as string}`, {
      token: world.alice.token,
    });
    expect(deleted.status).toBe(204);
    expect((await api(server, 'GET', `/chat/search?q=${word}`, { token: world.alice.token })).body.results).toEqual([]);
    expect(checkpointed().includes(word)).toBe(false);
  });
});
