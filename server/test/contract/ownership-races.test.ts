import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';
import { api, createThread } from '../support/test-server.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';

/** How many identical calls race each other. */
const RACERS = 8;

/**
 * Idempotency of CONTRACT §11 under concurrency: the same change asked for by several calls at
 * once commits once (one event, the others answer 200 with the same state), and a note's
 * `client_message_id` is one note whoever races; repeats are per sender, as in §4. On SQLite
 * and on PostgreSQL.
 */
describeEachStorage('ownership: repeats racing each other', (storageEnv) => {
  const demo = demoSuite(storageEnv);

  const humanThread = () =>
    createThread(demo.server, demo.world.alice.token, { target_user_ids: [demo.world.bob.user.id], title: `race ${randomUUID()}` });
  const race = <T>(call: () => Promise<T>) => Promise.all(Array.from({ length: RACERS }, call));

  it('the same status set by racing calls commits one status_changed; every call answers 200 with the same thread', async () => {
    const thread = await humanThread();
    const answers = await race(() =>
      api(demo.server, 'PUT', `/chat/threads/${thread.id}/status`, { token: demo.world.alice.token, body: { status: 'waiting' } }),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => `${a.body.status} ${a.body.waiting_since} ${a.body.last_seq}`)).size).toBe(1);
    expect((await demo.log(thread.id, thread.last_seq)).map((e) => e.event_type)).toEqual(['status_changed']);
  });

  it('racing take-overs by one user commit one handoff; racing assignments of one person one assignee_changed', async () => {
    const thread = await humanThread();
    const takeovers = await race(() => api(demo.server, 'POST', `/chat/threads/${thread.id}/takeover`, { token: demo.world.bob.token }));
    expect(takeovers.map((a) => a.status)).toEqual(takeovers.map(() => 200));
    const assignments = await race(() =>
      api(demo.server, 'PUT', `/chat/threads/${thread.id}/assignee`, {
        token: demo.world.bob.token,
        body: { assignee_id: `user:${demo.world.alice.user.id}` },
      }),
    );
    expect(assignments.map((a) => a.status)).toEqual(assignments.map(() => 200));
    expect((await demo.log(thread.id, thread.last_seq)).map((e) => e.event_type)).toEqual(['handoff', 'assignee_changed']);
  });

  it('a visitor’s racing handoff-requests commit one escalation and one waiting: one 201, the rest 200', async () => {
    const visitor = await startVisitor(demo.server);
    const before = (await api(demo.server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: demo.world.alice.token })).body.last_seq;
    const answers = await race(() =>
      publicCall(demo.server, 'POST', `${visitor.thread_id}/handoff-request`, { token: visitor.visitor_token }),
    );
    expect(answers.map((a) => a.status).sort((a, b) => a - b)).toEqual([...Array.from({ length: RACERS - 1 }, () => 200), 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await demo.log(visitor.thread_id, before)).map((e) => e.event_type)).toEqual(['escalation_created', 'status_changed']);
  });

  it('racing notes with one client_message_id are one note (one 201, the rest 200 with it); another user’s same id is their own note', async () => {
    const thread = await humanThread();
    const body = { content: 'Checked the order: it shipped.', client_message_id: `note-${randomUUID()}` };
    const answers = await race(() => api(demo.server, 'POST', `/chat/threads/${thread.id}/notes`, { token: demo.world.alice.token, body }));
    expect(answers.map((a) => a.status).sort((a, b) => a - b)).toEqual([...Array.from({ length: RACERS - 1 }, () => 200), 201]);
    expect(new Set(answers.map((a) => a.body.note.id)).size).toBe(1);
    const bobs = await api(demo.server, 'POST', `/chat/threads/${thread.id}/notes`, { token: demo.world.bob.token, body });
    expect(bobs.status).toBe(201);
    expect(bobs.body.note).toMatchObject({ sender_id: `user:${demo.world.bob.user.id}`, thread_seq: thread.last_seq + 2 });
    expect((await demo.log(thread.id, thread.last_seq)).map((e) => [e.event_type, e.sender_id])).toEqual([
      ['note_added', `user:${demo.world.alice.user.id}`],
      ['note_added', `user:${demo.world.bob.user.id}`],
    ]);
  });
});
