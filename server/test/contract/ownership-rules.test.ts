import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';
import { api, createThread, sendBody } from '../support/test-server.ts';
import { SNOOZE_SWEEP_MS } from '../../src/threads/snooze-waker.ts';
import { readSse, sseEvents } from '../support/sse.ts';
import { sleep } from '../support/test-socket.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

const FRAME_TIMEOUT_MS = 10_000;
/** How far ahead a snooze that must not wake during the test is set. */
const SNOOZE_AHEAD_MS = 60 * 60 * 1000;
/** How far ahead a snooze that the test waits for is set: long enough to set it before it falls due. */
const SHORT_SNOOZE_MS = 2_000;
/** The largest page of the thread list: more threads than any caller here has, so one page is the whole list. */
const WHOLE_LIST = 100;

/**
 * The rules of CONTRACT §11 that ownership.test.ts and takeover.test.ts leave out: who ends
 * `waiting` and who reopens `resolved` or wakes `snoozed` (and who does not), who may call the
 * ownership routes with a visitor's or an agent's credentials, assignees of a visitor's
 * conversation, a paused agent and a user's message without a mention, every change on the
 * other users' sockets and webhooks, and the counts matching the queues after every way a
 * status changes. On SQLite and on PostgreSQL.
 */
describeEachStorage('ownership: the rest of the rules', (storageEnv) => {
  const demo = demoSuite(storageEnv);

  const setStatus = (token: string, threadId: string, body: unknown) =>
    api(demo.server, 'PUT', `/chat/threads/${threadId}/status`, { token, body });
  const assign = (token: string, threadId: string, assignee: string | null) =>
    api(demo.server, 'PUT', `/chat/threads/${threadId}/assignee`, { token, body: { assignee_id: assignee } });
  const post = (token: string, threadId: string, content: string, mentions: string[] = []) =>
    api(demo.server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: { ...sendBody(content), mentions } });
  const threadOf = async (threadId: string) =>
    (await api(demo.server, 'GET', `/chat/threads/${threadId}`, { token: demo.world.alice.token })).body;
  const statusChanges = async (threadId: string, after: number) =>
    (await demo.log(threadId, after)).filter((e) => e.event_type === 'status_changed').map((e) => [e.sender_id, e.data]);
  /** Alice, Bob and the demo agent, which answers only when mentioned: nothing is committed but what the test does. */
  const quietAgentThread = () =>
    createThread(demo.server, demo.world.alice.token, {
      target_user_ids: [demo.world.bob.user.id],
      agent_ids: [demo.world.demoAgent.id],
      participation_mode: 'invocation_only',
      title: `rules ${randomUUID()}`,
    });
  const agentToken = async () => {
    const issued = await api(demo.server, 'POST', '/agents/demo/tokens', { token: demo.world.alice.token });
    expect(issued.status).toBe(201);
    return issued.body.token as string;
  };

  it('resolved: a user’s message leaves it resolved; a message of a participant who is not a user (an agent) reopens it, by system', async () => {
    const thread = await quietAgentThread();
    expect((await setStatus(demo.world.alice.token, thread.id, { status: 'resolved' })).status).toBe(200);
    const byUser = await post(demo.world.bob.token, thread.id, 'one more thing');
    expect(byUser.status).toBe(201);
    expect(await statusChanges(thread.id, byUser.body.message.thread_seq)).toEqual([]);
    expect(await threadOf(thread.id)).toMatchObject({ status: 'resolved' });

    const byAgent = await post(await agentToken(), thread.id, 'A follow-up from the agent');
    expect(byAgent.status).toBe(201);
    expect(byAgent.body.message.sender_id).toBe(demo.world.demoAgent.sender_id);
    expect(await statusChanges(thread.id, byAgent.body.message.thread_seq)).toEqual([
      ['system', { status: 'open', previous: 'resolved', by: 'system' }],
    ]);
    expect(await threadOf(thread.id)).toMatchObject({ status: 'open', waiting_since: null });
  });

  it('snoozed: a user’s message and an agent’s leave it snoozed (only the visitor or the time wakes it)', async () => {
    const thread = await quietAgentThread();
    const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    expect((await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: until })).status).toBe(200);
    const byUser = await post(demo.world.bob.token, thread.id, 'noted');
    expect(byUser.status).toBe(201);
    expect(await statusChanges(thread.id, byUser.body.message.thread_seq)).toEqual([]);
    expect(await threadOf(thread.id)).toMatchObject({ status: 'snoozed', snoozed_until: until });
  });

  it('a snoozed_until beyond the year 9999 (a valid JavaScript date) is a 400 in the contract’s shape, nothing committed; 9999-12-31 is taken', async () => {
    const thread = await quietAgentThread();
    for (const far of ['+010000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z']) {
      const refused = await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: far });
      expect(refused.status, far).toBe(400);
      expect(refused.body).toEqual({
        error: { code: 'client_error', message: 'snoozed_until must be before the year 10000.', retryable: false },
      });
    }
    expect(await demo.log(thread.id, thread.last_seq)).toEqual([]);
    expect(await threadOf(thread.id)).toMatchObject({ status: 'open', snoozed_until: null });
    const latest = '9999-12-31T23:59:59.999Z';
    const taken = await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: latest });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'snoozed', snoozed_until: latest });
  });

  it('a snooze moved later, or ended by another status, does not wake at the old time; one left alone does, once', async () => {
    const aliceSocket = await demo.connect(demo.world.alice.token);
    const [moved, resolved, left] = [await quietAgentThread(), await quietAgentThread(), await quietAgentThread()];
    const due = new Date(Date.now() + SHORT_SNOOZE_MS).toISOString();
    const later = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    for (const thread of [moved, resolved, left]) {
      expect((await setStatus(demo.world.alice.token, thread.id, { status: 'snoozed', snoozed_until: due })).status).toBe(200);
    }
    const resnoozed = await setStatus(demo.world.alice.token, moved.id, { status: 'snoozed', snoozed_until: later });
    expect(resnoozed.body).toMatchObject({ status: 'snoozed', snoozed_until: later });
    expect((await demo.log(moved.id, moved.last_seq)).map((e) => e.data)).toEqual([
      { status: 'snoozed', previous: 'open', by: `user:${demo.world.alice.user.id}`, snoozed_until: due },
      { status: 'snoozed', previous: 'snoozed', by: `user:${demo.world.alice.user.id}`, snoozed_until: later },
    ]);
    expect((await setStatus(demo.world.alice.token, resolved.id, { status: 'resolved' })).body).toMatchObject({ snoozed_until: null });

    await aliceSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === left.id && f.data.sender_id === 'system',
      FRAME_TIMEOUT_MS,
      'the wake-up of the snooze left alone',
    );
    // One more sweep after the old time: whatever would wake has woken.
    await sleep(2 * SNOOZE_SWEEP_MS);
    expect(await statusChanges(left.id, left.last_seq + 1)).toEqual([['system', { status: 'open', previous: 'snoozed', by: 'system' }]]);
    expect(await statusChanges(moved.id, resnoozed.body.last_seq)).toEqual([]);
    expect(await threadOf(moved.id)).toMatchObject({ status: 'snoozed', snoozed_until: later });
    expect(await statusChanges(resolved.id, resolved.last_seq + 2)).toEqual([]);
    expect(await threadOf(resolved.id)).toMatchObject({ status: 'resolved' });
  });

  it('waiting ends when a user posts over the user socket (send_message), as over REST', async () => {
    const thread = await quietAgentThread();
    await setStatus(demo.world.alice.token, thread.id, { status: 'waiting' });
    const bobSocket = await demo.connect(demo.world.bob.token);
    bobSocket.send({ type: 'send_message', data: { thread_id: thread.id, ...sendBody('on it', 'socket-1') } });
    const ack = await bobSocket.next((f) => f.type === 'message_ack', FRAME_TIMEOUT_MS, 'message_ack');
    const changed = await bobSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'status_changed',
      FRAME_TIMEOUT_MS,
      'status_changed after the message',
    );
    expect(changed.data).toMatchObject({
      thread_seq: ack.data.message.thread_seq + 1,
      sender_id: `user:${demo.world.bob.user.id}`,
      data: { status: 'open', previous: 'waiting', by: `user:${demo.world.bob.user.id}` },
    });
    expect(await threadOf(thread.id)).toMatchObject({ status: 'open', waiting_since: null });
  });

  it('waiting ends on a take-over: open, waiting_since null, the taker assigned, one handoff event and no status_changed', async () => {
    const visitor = await startVisitor(demo.server);
    const asked = await publicCall(demo.server, 'POST', `${visitor.thread_id}/handoff-request`, { token: visitor.visitor_token });
    expect(asked.status).toBe(201);
    const before = asked.body.last_seq ?? (await threadOf(visitor.thread_id)).last_seq;
    const taken = await api(demo.server, 'POST', `/chat/threads/${visitor.thread_id}/takeover`, { token: demo.world.alice.token });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({
      status: 'open',
      waiting_since: null,
      assignee_id: `user:${demo.world.alice.user.id}`,
      agent_paused: true,
      last_seq: before + 1,
    });
    expect((await demo.log(visitor.thread_id, before)).map((e) => [e.event_type, e.data])).toEqual([
      ['handoff', { to: `user:${demo.world.alice.user.id}`, name: 'Alice', by: `user:${demo.world.alice.user.id}` }],
    ]);
  });

  it('who may act: a visitor’s token on the users’ ownership routes is 401; an agent token is 403 on every one of them; the visitor’s request takes only a visitor token; nothing is committed', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    const before = (await threadOf(threadId)).last_seq;
    const calls = (token: string) => [
      api(demo.server, 'PUT', `/chat/threads/${threadId}/status`, { token, body: { status: 'resolved' } }),
      api(demo.server, 'PUT', `/chat/threads/${threadId}/assignee`, { token, body: { assignee_id: `user:${demo.world.alice.user.id}` } }),
      api(demo.server, 'POST', `/chat/threads/${threadId}/takeover`, { token }),
      api(demo.server, 'POST', `/chat/threads/${threadId}/handback`, { token }),
      api(demo.server, 'GET', '/chat/threads/counts', { token }),
    ];
    for (const answer of await Promise.all(calls(visitor.visitor_token))) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), retryable: false } });
    }
    for (const answer of await Promise.all(calls(await agentToken()))) {
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: { code: 'forbidden', message: expect.any(String), retryable: false } });
    }
    // The request for a person is the visitor's: a user's or an agent's credentials are no visitor token.
    for (const token of [demo.world.alice.token, await agentToken()]) {
      const asked = await publicCall(demo.server, 'POST', `${threadId}/handoff-request`, { token });
      expect(asked.status).toBe(401);
      expect(asked.body.error).toMatchObject({ code: 'unauthorized', retryable: false });
    }
    expect((await threadOf(threadId)).last_seq).toBe(before);
    expect(await threadOf(threadId)).toMatchObject({ status: 'open', assignee_id: null, agent_paused: false });
  });

  it('a disabled user cannot be assigned (400), though a participant; nothing is committed', async () => {
    const carol = await demo.server.addUser('Carol');
    const thread = await createThread(demo.server, demo.world.alice.token, {
      target_user_ids: [carol.user.id],
      title: `disabled ${randomUUID()}`,
    });
    expect(await demo.server.app.context.storage.users.setDisabled(carol.user.id, true)).toBe(true);
    const refused = await assign(demo.world.alice.token, thread.id, `user:${carol.user.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: 'client_error',
      message: 'The assignee must be a person who can read this thread.',
      retryable: false,
    });
    expect(await demo.log(thread.id, thread.last_seq)).toEqual([]);
  });

  it('a visitor’s conversation is assigned to an owner of its agent, never to another user (400); kind=public lists it for its owners only', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    const toBob = await assign(demo.world.alice.token, threadId, `user:${demo.world.bob.user.id}`);
    expect(toBob.status).toBe(400);
    expect(toBob.body.error).toEqual({
      code: 'client_error',
      message: 'The assignee must be a person who can read this thread.',
      retryable: false,
    });
    const toAlice = await assign(demo.world.alice.token, threadId, `user:${demo.world.alice.user.id}`);
    expect(toAlice.status).toBe(200);
    expect(toAlice.body).toMatchObject({ kind: 'public', assignee_id: `user:${demo.world.alice.user.id}` });
    const listed = async (token: string, query: string) =>
      (await api(demo.server, 'GET', `/chat/threads?${query}&limit=${WHOLE_LIST}`, { token })).body.threads.map(
        (t: { id: string }) => t.id,
      );
    expect(await listed(demo.world.alice.token, 'kind=public')).toContain(threadId);
    expect(await listed(demo.world.alice.token, 'kind=private')).not.toContain(threadId);
    expect(await listed(demo.world.alice.token, 'assignee=me&kind=public')).toContain(threadId);
    expect(await listed(demo.world.bob.token, 'kind=public')).toEqual([]);
  });

  it('while paused, a user’s message without a mention starts no run; the next one that mentions the agent does', async () => {
    const thread = await createThread(demo.server, demo.world.alice.token, {
      target_user_ids: [demo.world.bob.user.id],
      agent_ids: [demo.world.demoAgent.id],
      participation_mode: 'open',
      title: `paused ${randomUUID()}`,
    });
    const socket = await demo.connect(demo.world.alice.token);
    expect((await api(demo.server, 'POST', `/chat/threads/${thread.id}/takeover`, { token: demo.world.alice.token })).status).toBe(200);
    const plain = await post(demo.world.bob.token, thread.id, 'Bob without a mention');
    expect(plain.status).toBe(201);
    const mention = await post(demo.world.bob.token, thread.id, 'Demo, over to you', [demo.world.demoAgent.sender_id]);
    const reply = await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === thread.id && f.data.sender_id === demo.world.demoAgent.sender_id,
      FRAME_TIMEOUT_MS,
      'the agent answers the mention',
    );
    expect(reply.data.base_seq).toBe(mention.body.message.thread_seq);
    const started = socket.frames.filter(
      (f) => f.type === 'thread_runtime' && f.thread_id === thread.id && f.data.event_type === 'run_started',
    );
    expect(started.map((f) => f.data.in_reply_to)).toEqual([mention.body.message.id]);
    expect((await threadOf(thread.id)).agent_paused).toBe(true);
  });

  it('every change reaches the other users’ sockets as thread_event, their SSE streams and the webhooks, in seq order: status, assignee, handoff, handback, note', async () => {
    const thread = await quietAgentThread();
    const receiver = await Receiver.start();
    try {
      const hook = await api(demo.server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
        token: demo.world.alice.token,
        body: { callback_url: receiver.url },
      });
      expect(hook.status).toBe(201);
      receiver.secret = hook.body.secret;
      const bobSocket = await demo.connect(demo.world.bob.token);
      const alice = demo.world.alice.token;
      expect((await setStatus(alice, thread.id, { status: 'waiting' })).status).toBe(200);
      expect((await assign(alice, thread.id, `user:${demo.world.bob.user.id}`)).status).toBe(200);
      expect((await api(demo.server, 'POST', `/chat/threads/${thread.id}/takeover`, { token: alice })).status).toBe(200);
      expect((await api(demo.server, 'POST', `/chat/threads/${thread.id}/handback`, { token: alice })).status).toBe(200);
      const noted = await api(demo.server, 'POST', `/chat/threads/${thread.id}/notes`, {
        token: alice,
        body: { content: 'For the team', client_message_id: randomUUID() },
      });
      expect(noted.status).toBe(201);
      const expected = ['status_changed', 'assignee_changed', 'handoff', 'handback', 'note_added'];
      const log = await demo.log(thread.id, thread.last_seq);
      expect(log.map((e) => [e.thread_seq, e.event_type])).toEqual(expected.map((type, i) => [thread.last_seq + 1 + i, type]));

      const frames = [];
      for (const event of log) {
        frames.push(
          await bobSocket.next(
            (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.thread_seq === event.thread_seq,
            FRAME_TIMEOUT_MS,
            event.event_type,
          ),
        );
      }
      expect(frames.map((f) => f.data)).toEqual(log);
      const sse = await readSse(demo.server, thread.id, demo.world.bob.token, thread.last_seq, '"event_type":"note_added"');
      expect(sseEvents(sse)).toEqual(log);
      await waitFor('five deliveries', () => receiver.accepted.length >= expected.length);
      expect(receiver.accepted.map((d) => [d.verified, d.event])).toEqual(log.map((event) => [true, event]));
    } finally {
      await receiver.close();
    }
  });

  it('the counts always match the queues: after a visitor’s request, an assignment, a user’s reply, a resolve and reopen, a snooze and its wake-ups, an escalation, a take-over', async () => {
    const alice = demo.world.alice.token;
    const aliceSocket = await demo.connect(alice);
    const length = async (query: string) => {
      const page = await api(demo.server, 'GET', `/chat/threads?${query}&limit=${WHOLE_LIST}`, { token: alice });
      expect(page.status).toBe(200);
      expect(page.body.next_cursor).toBeNull();
      return page.body.threads.length as number;
    };
    const checkCounts = async (step: string) => {
      const counts = await api(demo.server, 'GET', '/chat/threads/counts', { token: alice });
      expect(counts.status).toBe(200);
      expect(counts.body, step).toEqual({
        waiting: await length('status=waiting'),
        mine: await length('assignee=me&status=open,waiting'),
        unassigned: await length('assignee=none&status=open,waiting'),
        open: await length('status=open'),
        resolved: await length('status=resolved'),
        snoozed: await length('status=snoozed'),
      });
    };
    const visitor = await startVisitor(demo.server);
    const v = visitor.thread_id;
    const visitorWrites = async (content: string) =>
      expect(
        (await publicCall(demo.server, 'POST', `${v}/messages`, { token: visitor.visitor_token, body: sendBody(content) })).status,
      ).toBe(201);
    // The agent stays quiet: its replies would reopen the conversation too.
    await api(demo.server, 'PUT', `/chat/threads/${v}/mode`, { token: alice, body: { participation_mode: 'invocation_only' } });
    await checkCounts('at first');
    expect((await publicCall(demo.server, 'POST', `${v}/handoff-request`, { token: visitor.visitor_token })).status).toBe(201);
    await checkCounts('after the visitor’s request');
    await assign(alice, v, `user:${demo.world.alice.user.id}`);
    await checkCounts('after the assignment');
    await post(alice, v, 'Hello, Alice here');
    expect((await threadOf(v)).status).toBe('open');
    await checkCounts('after a user’s reply ended waiting');
    await setStatus(alice, v, { status: 'resolved' });
    await checkCounts('after the resolve');
    await visitorWrites('one more question');
    expect((await threadOf(v)).status).toBe('open');
    await checkCounts('after the visitor reopened it');
    await setStatus(alice, v, { status: 'snoozed', snoozed_until: new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString() });
    await checkCounts('after the snooze');
    await visitorWrites('are you there?');
    expect((await threadOf(v)).status).toBe('open');
    await checkCounts('after the visitor woke it');
    const due = new Date(Date.now() + SHORT_SNOOZE_MS).toISOString();
    const snoozed = await setStatus(alice, v, { status: 'snoozed', snoozed_until: due });
    expect(snoozed.status).toBe(200);
    await aliceSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === v && f.data.thread_seq > snoozed.body.last_seq && f.data.sender_id === 'system',
      FRAME_TIMEOUT_MS,
      'the wake-up',
    );
    await checkCounts('after the wake-up');
    await assign(alice, v, null);
    await checkCounts('after the unassignment');

    const escalating = await createThread(demo.server, alice, {
      target_user_ids: [],
      agent_ids: [demo.world.demoAgent.id],
      title: `escalating ${randomUUID()}`,
    });
    await post(alice, escalating.id, '/escalate refund');
    await aliceSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === escalating.id && f.data.event_type === 'status_changed',
      FRAME_TIMEOUT_MS,
      'waiting after the escalation',
    );
    await checkCounts('after the agent’s escalation');
    await api(demo.server, 'POST', `/chat/threads/${escalating.id}/takeover`, { token: alice });
    expect(await threadOf(escalating.id)).toMatchObject({ status: 'open', assignee_id: `user:${demo.world.alice.user.id}` });
    await checkCounts('after the take-over');
  });
});
