import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';
import { api, sendBody } from '../support/test-server.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';

/**
 * Who finds what with `GET /chat/search` (CONTRACT §11 "Search"), for notes and messages
 * written through the real routes (`POST …/notes`, the visitor's send): the team that reads
 * the thread finds them, nobody else; visitors and agents do not search. On SQLite and on
 * PostgreSQL.
 */
describeEachStorage('search: who finds notes and a visitor’s words', (storageEnv) => {
  const demo = demoSuite(storageEnv);

  const found = async (token: string, q: string) => {
    const answer = await api(demo.server, 'GET', `/chat/search?q=${encodeURIComponent(q)}`, { token });
    expect(answer.status).toBe(200);
    return answer.body.results as { thread_id: string; thread_seq?: number; event_type: string; sender_id: string | null }[];
  };

  it('a note written through POST …/notes is found by the owners of a visitor’s conversation only; the visitor’s own words likewise', async () => {
    const visitor = await startVisitor(demo.server);
    // The agent stays quiet: its reply would quote the visitor's words.
    const quiet = await api(demo.server, 'PUT', `/chat/threads/${visitor.thread_id}/mode`, {
      token: demo.world.alice.token,
      body: { participation_mode: 'invocation_only' },
    });
    expect(quiet.status).toBe(200);
    const word = `zq${randomUUID().slice(0, 8)}`;
    const said = await publicCall(demo.server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody(`My parcel ${word}x never came`),
    });
    expect(said.status).toBe(201);
    const noted = await api(demo.server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: demo.world.alice.token,
      body: { content: `Refund ${word}y approved by finance`, client_message_id: randomUUID() },
    });
    expect(noted.status).toBe(201);

    expect(await found(demo.world.alice.token, `${word}y`)).toEqual([
      expect.objectContaining({
        thread_id: visitor.thread_id,
        thread_seq: noted.body.note.thread_seq,
        event_type: 'note_added',
        sender_id: `user:${demo.world.alice.user.id}`,
      }),
    ]);
    expect(await found(demo.world.alice.token, `${word}x`)).toEqual([
      expect.objectContaining({ thread_seq: said.body.message.thread_seq, event_type: 'message_committed', sender_id: visitor.sender_id }),
    ]);
    // Bob does not own the demo agent: he reads neither.
    expect(await found(demo.world.bob.token, `${word}y`)).toEqual([]);
    expect(await found(demo.world.bob.token, `${word}x`)).toEqual([]);
  });

  it('visitors (401) and agents (403) do not search', async () => {
    const visitor = await startVisitor(demo.server);
    const asVisitor = await api(demo.server, 'GET', '/chat/search?q=refund', { token: visitor.visitor_token });
    expect(asVisitor.status).toBe(401);
    expect(asVisitor.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), retryable: false } });
    const issued = await api(demo.server, 'POST', '/agents/demo/tokens', { token: demo.world.alice.token });
    expect(issued.status).toBe(201);
    const asAgent = await api(demo.server, 'GET', '/chat/search?q=refund', { token: issued.body.token });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body).toEqual({ error: { code: 'forbidden', message: expect.any(String), retryable: false } });
  });
});
