import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { api, createThread, sendBody } from '../support/test-server.ts';
import { SNOOZE_SWEEP_MS } from '../../src/threads/snooze-waker.ts';
import { sleep } from '../support/test-socket.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';

/** Every ownership field of a thread object (CONTRACT §11). */
const OWNERSHIP_KEYS = ['status', 'assignee_id', 'agent_paused', 'waiting_since', 'snoozed_until'];
const FRAME_TIMEOUT_MS = 5_000;

/**
 * Who owns a thread (CONTRACT §11), through the REST API and the user socket: the status and
 * assignee calls, who may make them, their durable events, waiting ended by a user's message,
 * a resolved thread reopened by its visitor, an agent's escalation, and the queues. On SQLite and on
 * PostgreSQL.
 */
describeEachStorage('ownership: status, assignee and queues', (storageEnv) => {
  const demo = demoSuite(storageEnv);

  const setStatus = (token: string, threadId: string, body: unknown) =>
    api(demo.server, 'PUT', `/chat/threads/${threadId}/status`, { token, body });
  const assign = (token: string, threadId: string, assignee: string | null) =>
    api(demo.server, 'PUT', `/chat/threads/${threadId}/assignee`, { token, body: { assignee_id: assignee } });
  const threadOf = async (token: string, threadId: string) => (await api(demo.server, 'GET', `/chat/threads/${threadId}`, { token })).body;
  const aliceAndBob = (title = 'ownership') =>
    createThread(demo.server, demo.world.alice.token, { target_user_ids: [demo.world.bob.user.id], title: `${title} ${randomUUID()}` });

  it('every thread object carries status, assignee_id, agent_paused, waiting_since and snoozed_until: open and nobody’s at first', async () => {
    const thread = await aliceAndBob();
    const fetched = await threadOf(demo.world.alice.token, thread.id);
    expect(fetched).toMatchObject({ status: 'open', assignee_id: null, agent_paused: false, waiting_since: null, snoozed_until: null });
    const listed = (await api(demo.server, 'GET', '/chat/threads?limit=100', { token: demo.world.bob.token })).body.threads.find(
      (t: { id: string }) => t.id === thread.id,
    );
    for (const key of OWNERSHIP_KEYS) expect(Object.keys(listed)).toContain(key);
    expect(Object.keys(thread)).toEqual(expect.arrayContaining(OWNERSHIP_KEYS));
  });

  it('PUT status commits status_changed {status, previous, by} with the change, reaches the other user’s socket; the same status again is 200 with no event', async () => {
    const thread = await aliceAndBob();
    const bobSocket = await demo.connect(demo.world.bob.token);
    const before = Date.now();
    const changed = await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: thread.id, status: 'waiting', snoozed_until: null, last_seq: thread.last_seq + 1 });
    expect(Date.parse(changed.body.waiting_since)).toBeGreaterThanOrEqual(before - 1000);
    const event = (await demo.log(thread.id, thread.last_seq))[0];
    expect(event).toMatchObject({
      thread_seq: thread.last_seq + 1,
      event_type: 'status_changed',
      sender_id: demo.world.alice.user.id && `user:${demo.world.alice.user.id}`,
      data: { status: 'waiting', previous: 'open', by: `user:${demo.world.alice.user.id}` },
    });
    const frame = await bobSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'status_changed',
      FRAME_TIMEOUT_MS,
      'status_changed on Bob’s socket',
    );
    expect(frame.data).toEqual(event);

    const again = await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'waiting', waiting_since: changed.body.waiting_since, last_seq: thread.last_seq + 1 });
    expect(await demo.log(thread.id, thread.last_seq + 1)).toEqual([]);

    const resolved = await setStatus(demo.world.bob.token, thread.id, { status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', waiting_since: null });
    expect((await demo.log(thread.id, thread.last_seq + 1, demo.world.bob.token)).map((e) => e.data)).toEqual([
      { status: 'resolved', previous: 'waiting', by: `user:${demo.world.bob.user.id}` },
    ]);
  });

  it('webhooks and SSE carry the ownership events like any other (signed, with their seq)', async () => {
    const thread = await aliceAndBob();
    const receiver = await Receiver.start();
    try {
      const hook = await api(demo.server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
        token: demo.world.alice.token,
        body: { callback_url: receiver.url },
      });
      expect(hook.status).toBe(201);
      receiver.secret = hook.body.secret;
      const stream = new AbortController();
      const response = await fetch(`${demo.server.url}/api/v1/chat/threads/${thread.id}/events/stream`, {
        headers: { authorization: `Bearer ${demo.world.bob.token}` },
        signal: stream.signal,
      });
      expect(response.status).toBe(200);
      await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
      await assign(demo.world.alice.token, thread.id, `user:${demo.world.bob.user.id}`);
      await waitFor('two deliveries', () => receiver.deliveries.length >= 2);
      expect(receiver.deliveries.map((d) => [d.verified, (d.event as any).event_type, (d.event as any).thread_seq])).toEqual([
        [true, 'status_changed', thread.last_seq + 1],
        [true, 'assignee_changed', thread.last_seq + 2],
      ]);
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('assignee_changed')) text += new TextDecoder().decode((await reader.read()).value);
      stream.abort();
      expect(text).toContain(`id: ${thread.last_seq + 1}\n`);
      expect(text).toContain('"event_type":"status_changed"');
      expect(text).toContain(`id: ${thread.last_seq + 2}\n`);
    } finally {
      await receiver.close();
    }
  });

  it('snoozed needs a future snoozed_until (400 otherwise, nothing committed); the event carries it; snoozed_until goes only with snoozed', async () => {
    const thread = await aliceAndBob();
    const missing = await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      code: 'client_error',
      message: 'snoozed_until is required with status "snoozed": an ISO-8601 time.',
      retryable: false,
    });
    const past = await setStatus(demo.world.alice.token, thread.id, {
      status: 'snoozed',
      snoozed_until: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toBe('snoozed_until must be in the future.');
    const stray = await setStatus(demo.world.alice.token, thread.id, {
      status: 'open',
      snoozed_until: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(stray.status).toBe(400);
    const unknown = await setStatus(demo.world.alice.token, thread.id, { status: 'closed' });
    expect(unknown.status).toBe(400);
    expect(await demo.log(thread.id, thread.last_seq)).toEqual([]);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozed_until: until, waiting_since: null });
    expect((await demo.log(thread.id, thread.last_seq)).map((e) => e.data)).toEqual([
      { status: 'snoozed', previous: 'open', by: `user:${demo.world.alice.user.id}`, snoozed_until: until },
    ]);
  });

  it('who may act: a user who cannot read the thread gets 403, an unknown thread 404, an agent token 403; nothing is committed', async () => {
    const thread = await aliceAndBob();
    const carol = await demo.server.addUser('Carol');
    const outsider = await setStatus(carol.token, thread.id, { status: 'resolved' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('forbidden');
    expect((await assign(carol.token, thread.id, `user:${carol.user.id}`)).status).toBe(403);
    expect((await setStatus(demo.world.alice.token, randomUUID(), { status: 'resolved' })).status).toBe(404);
    expect((await setStatus(demo.world.alice.token, 'not-a-uuid', { status: 'resolved' })).status).toBe(400);
    expect((await setStatus('', thread.id, { status: 'resolved' })).status).toBe(401);

    const issued = await api(demo.server, 'POST', '/agents/demo/tokens', { token: demo.world.alice.token });
    expect(issued.status).toBe(201);
    const welcome = demo.world.welcome.id;
    const byAgent = await setStatus(issued.body.token, welcome, { status: 'resolved' });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error).toEqual({
      code: 'forbidden',
      message: 'Only people who can read the thread change who owns it; agents escalate instead.',
      retryable: false,
    });
    expect(await demo.log(thread.id, thread.last_seq)).toEqual([]);
    expect((await threadOf(demo.world.alice.token, welcome)).status).toBe('open');
  });

  it('PUT assignee commits assignee_changed {assignee_id, previous, by}; an assignee who cannot read the thread is 400; null unassigns; assigning keeps waiting', async () => {
    const thread = await aliceAndBob();
    await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
    const carol = await demo.server.addUser('Carol');
    const refused = await assign(demo.world.alice.token, thread.id, `user:${carol.user.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: 'client_error',
      message: 'The assignee must be a person who can read this thread.',
      retryable: false,
    });
    expect((await assign(demo.world.alice.token, thread.id, `user:${randomUUID()}`)).status).toBe(400);
    expect((await assign(demo.world.alice.token, thread.id, 'bob')).body.error.message).toBe('assignee_id must be "user:<uuid>" or null.');
    expect((await assign(demo.world.alice.token, thread.id, demo.world.demoAgent.sender_id)).status).toBe(400);

    const toBob = await assign(demo.world.alice.token, thread.id, `user:${demo.world.bob.user.id}`);
    expect(toBob.status).toBe(200);
    expect(toBob.body).toMatchObject({ assignee_id: `user:${demo.world.bob.user.id}`, status: 'waiting' });
    const same = await assign(demo.world.alice.token, thread.id, `user:${demo.world.bob.user.id}`);
    expect(same.body.last_seq).toBe(toBob.body.last_seq);
    const none = await assign(demo.world.bob.token, thread.id, null);
    expect(none.body).toMatchObject({ assignee_id: null, status: 'waiting' });
    expect((await demo.log(thread.id, thread.last_seq + 1)).map((e) => [e.event_type, e.sender_id, e.data])).toEqual([
      [
        'assignee_changed',
        `user:${demo.world.alice.user.id}`,
        { assignee_id: `user:${demo.world.bob.user.id}`, previous: null, by: `user:${demo.world.alice.user.id}` },
      ],
      [
        'assignee_changed',
        `user:${demo.world.bob.user.id}`,
        { assignee_id: null, previous: `user:${demo.world.bob.user.id}`, by: `user:${demo.world.bob.user.id}` },
      ],
    ]);
  });

  it('waiting ends when a user posts: status_changed open by that user, right after the message', async () => {
    const thread = await aliceAndBob();
    await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
    const sent = await api(demo.server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: demo.world.bob.token,
      body: sendBody('on it'),
    });
    expect(sent.status).toBe(201);
    const after = await demo.log(thread.id, sent.body.message.thread_seq);
    expect(after.map((e) => [e.event_type, e.data])).toEqual([
      ['status_changed', { status: 'open', previous: 'waiting', by: `user:${demo.world.bob.user.id}` }],
    ]);
    expect(await threadOf(demo.world.alice.token, thread.id)).toMatchObject({ status: 'open', waiting_since: null });
    // An open thread stays as it is.
    const more = await api(demo.server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: demo.world.bob.token,
      body: sendBody('more'),
    });
    expect(await demo.log(thread.id, more.body.message.thread_seq)).toEqual([]);
  });

  it('a user’s message leaves a resolved or snoozed thread as it is: no status_changed, the status unchanged', async () => {
    const thread = await aliceAndBob();
    await setStatus(demo.world.alice.token, thread.id, { status: 'resolved' });
    const sent = await api(demo.server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: demo.world.bob.token,
      body: sendBody('noted'),
    });
    expect(sent.status).toBe(201);
    expect(await demo.log(thread.id, sent.body.message.thread_seq)).toEqual([]);
    expect((await threadOf(demo.world.alice.token, thread.id)).status).toBe('resolved');

    const until = new Date(Date.now() + 3_600_000).toISOString();
    await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: until });
    const later = await api(demo.server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: demo.world.bob.token,
      body: sendBody('later'),
    });
    expect(await demo.log(thread.id, later.body.message.thread_seq)).toEqual([]);
    expect(await threadOf(demo.world.alice.token, thread.id)).toMatchObject({ status: 'snoozed', snoozed_until: until });
  });

  it('a public thread: the agent’s owner acts on it; its visitor’s message reopens it when resolved or snoozed (by system), not when waiting', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    // The agent stays quiet (its replies would reopen the thread too, being a non-user's messages).
    const quiet = await api(demo.server, 'PUT', `/chat/threads/${threadId}/mode`, {
      token: demo.world.alice.token,
      body: { participation_mode: 'invocation_only' },
    });
    expect(quiet.status).toBe(200);
    const resolved = await setStatus(demo.world.alice.token, threadId, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    // Bob does not own the demo agent: he cannot read the visitor's thread.
    expect((await setStatus(demo.world.bob.token, threadId, { status: 'open' })).status).toBe(403);
    const write = (content: string) =>
      publicCall(demo.server, 'POST', `${threadId}/messages`, { token: visitor.visitor_token, body: sendBody(content) });
    const first = await write('hello again');
    expect(first.status).toBe(201);
    const reopened = (await demo.log(threadId, first.body.message.thread_seq)).find((e) => e.event_type === 'status_changed');
    expect(reopened).toMatchObject({ sender_id: 'system', data: { status: 'open', previous: 'resolved', by: 'system' } });

    const until = new Date(Date.now() + 3_600_000).toISOString();
    await setStatus(demo.world.alice.token, threadId, { status: 'snoozed', snoozed_until: until });
    const second = await write('are you there?');
    const woken = (await demo.log(threadId, second.body.message.thread_seq)).find((e) => e.event_type === 'status_changed');
    expect(woken).toMatchObject({ sender_id: 'system', data: { status: 'open', previous: 'snoozed', by: 'system' } });

    await setStatus(demo.world.alice.token, threadId, { status: 'waiting' });
    const third = await write('still waiting');
    expect((await demo.log(threadId, third.body.message.thread_seq)).filter((e) => e.event_type === 'status_changed')).toEqual([]);
    expect((await threadOf(demo.world.alice.token, threadId)).status).toBe('waiting');
  });

  it('a visitor’s handoff-request commits escalation_created {to: human, reason: visitor_request} then waiting (201); a repeat while waiting is 200 and commits nothing', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    const request = (token = visitor.visitor_token) => publicCall(demo.server, 'POST', `${threadId}/handoff-request`, { token });
    const before = (await threadOf(demo.world.alice.token, threadId)).last_seq;
    const first = await request();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ thread_id: threadId, status: 'waiting' });
    const events = await demo.log(threadId, before);
    expect(events.map((e) => [e.thread_seq, e.event_type, e.sender_id, e.data])).toEqual([
      [before + 1, 'escalation_created', visitor.sender_id, { to: 'human', reason: 'visitor_request' }],
      [before + 2, 'status_changed', visitor.sender_id, { status: 'waiting', previous: 'open', by: visitor.sender_id }],
    ]);
    expect(first.body.waiting_since).toBe(events[1].created_at);
    // The visitor sees both in their history.
    const history = await publicCall(demo.server, 'GET', `${threadId}/events?last_thread_seq=${before}`, { token: visitor.visitor_token });
    expect(history.body.events.map((e: { event_type: string }) => e.event_type)).toEqual(['escalation_created', 'status_changed']);

    const again = await request();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await demo.log(threadId, before + 2)).toEqual([]);
    // Without the thread's visitor token: 401; another visitor's token: 404.
    expect((await publicCall(demo.server, 'POST', `${threadId}/handoff-request`)).status).toBe(401);
    const other = await startVisitor(demo.server);
    expect((await request(other.visitor_token)).status).toBe(404);
    // A user's message ends waiting; the visitor can ask again.
    await api(demo.server, 'POST', `/chat/threads/${threadId}/messages`, {
      token: demo.world.alice.token,
      body: sendBody('Hi, Alice here'),
    });
    expect((await threadOf(demo.world.alice.token, threadId)).status).toBe('open');
    expect((await request()).status).toBe(201);
  });

  it('a snoozed thread opens at snoozed_until, by system, once', async () => {
    const thread = await aliceAndBob();
    const bobSocket = await demo.connect(demo.world.bob.token);
    const until = new Date(Date.now() + 1_500).toISOString();
    expect((await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: until })).status).toBe(200);
    const frame = await bobSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.sender_id === 'system',
      FRAME_TIMEOUT_MS,
      'the wake-up',
    );
    expect(frame.data).toMatchObject({ event_type: 'status_changed', data: { status: 'open', previous: 'snoozed', by: 'system' } });
    expect(Date.parse(frame.data.created_at)).toBeGreaterThanOrEqual(Date.parse(until));
    await sleep(2 * SNOOZE_SWEEP_MS);
    expect((await demo.log(thread.id, frame.data.thread_seq)).length).toBe(0);
    expect(await threadOf(demo.world.alice.token, thread.id)).toMatchObject({ status: 'open', snoozed_until: null });
  });

  it('an agent’s escalation_created puts the thread in waiting, by the agent', async () => {
    const thread = await createThread(demo.server, demo.world.alice.token, {
      target_user_ids: [],
      agent_ids: [demo.world.demoAgent.id],
      title: `escalation ${randomUUID()}`,
    });
    const aliceSocket = await demo.connect(demo.world.alice.token);
    await api(demo.server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: demo.world.alice.token,
      body: sendBody('/escalate refund'),
    });
    const frame = await aliceSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'status_changed',
      FRAME_TIMEOUT_MS,
      'status_changed after the escalation',
    );
    expect(frame.data).toMatchObject({ sender_id: demo.world.demoAgent.sender_id, data: { status: 'waiting', previous: 'open' } });
    const log = await demo.log(thread.id, 0);
    const escalation = log.findIndex((e) => e.event_type === 'escalation_created');
    expect(log[escalation + 1]).toMatchObject({ event_type: 'status_changed' });
    expect((await threadOf(demo.world.alice.token, thread.id)).waiting_since).toBe(log[escalation + 1].created_at);
  });

  it('queues: status=waiting lists the longest waiting first and pages with the cursor; assignee=me|none|user:<uuid>, kind; counts for the caller', async () => {
    const dave = await demo.server.addUser('Dave');
    const erin = await demo.server.addUser('Erin');
    const make = () =>
      createThread(demo.server, dave.token, { target_user_ids: [erin.user.id], title: `queue ${randomUUID()}` }).then((t) => t.id);
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await make();
      expect((await setStatus(dave.token, id, { status: 'waiting' })).status).toBe(200);
      waiting.push(id);
    }
    const mine = await make();
    await assign(dave.token, mine, `user:${dave.user.id}`);
    const erins = await make();
    await assign(dave.token, erins, `user:${erin.user.id}`);
    const done = await make();
    await setStatus(dave.token, done, { status: 'resolved' });
    await assign(dave.token, waiting[4]!, `user:${dave.user.id}`);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/chat/threads?status=waiting&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api(demo.server, 'GET', query, { token: dave.token });
      expect(page.status).toBe(200);
      pages.push(...page.body.threads.map((t: { id: string }) => t.id));
      for (const t of page.body.threads) expect(t.status).toBe('waiting');
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(pages).toEqual(waiting);

    const ids = async (query: string, token = dave.token) =>
      (await api(demo.server, 'GET', `/chat/threads?${query}`, { token })).body.threads.map((t: { id: string }) => t.id).sort();
    expect(await ids('assignee=me')).toEqual([mine, waiting[4]].sort());
    expect(await ids('assignee=me', erin.token)).toEqual([erins]);
    expect(await ids(`assignee=user:${erin.user.id}`)).toEqual([erins]);
    expect(await ids('assignee=none&status=waiting')).toEqual(waiting.slice(0, 4).sort());
    expect(await ids('status=resolved')).toEqual([done]);
    expect(await ids('kind=public')).toEqual([]);
    expect((await ids('kind=private')).length).toBe(8);
    expect((await api(demo.server, 'GET', '/chat/threads?assignee=someone', { token: dave.token })).status).toBe(400);
    // A cursor of the activity order is refused by the waiting queue.
    const activity = await api(demo.server, 'GET', '/chat/threads?limit=1', { token: dave.token });
    const mixed = await api(demo.server, 'GET', `/chat/threads?status=waiting&cursor=${activity.body.next_cursor}`, { token: dave.token });
    expect(mixed.status).toBe(400);

    const counts = await api(demo.server, 'GET', '/chat/threads/counts', { token: dave.token });
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({ waiting: 5, mine: 2, unassigned: 4, open: 2, resolved: 1, snoozed: 0 });
    expect((await api(demo.server, 'GET', '/chat/threads/counts', { token: erin.token })).body).toEqual({
      waiting: 5,
      mine: 1,
      unassigned: 4,
      open: 2,
      resolved: 1,
      snoozed: 0,
    });
    expect((await api(demo.server, 'GET', '/chat/threads/counts')).status).toBe(401);
  });
});
