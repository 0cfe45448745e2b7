import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { TAKEN_OVER_ERROR } from '../../src/agents/agent-runtime.ts';
import { api, createThread, sendBody } from '../support/test-server.ts';
import type { TestSocket } from '../support/test-socket.ts';
import { publicCall, startVisitor } from '../support/visitors.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';

/** Slow enough that a long reply is still streaming when the take-over arrives. */
const CHUNK_MS = 40;
const FRAME_TIMEOUT_MS = 10_000;

/**
 * Take-over and hand-back (CONTRACT §11) on one process: the run in progress stops at once
 * (live `intake_failed`, durable `run_failed` `taken_over`, its approvals expire), the paused
 * agent starts no run by itself but answers a person who mentions it, and hand-back lets it
 * answer again. On SQLite and on PostgreSQL.
 */
describeEachStorage('ownership: take-over and hand-back', (storageEnv) => {
  const demo = demoSuite(storageEnv, { DEMO_AGENT_CHUNK_MS: String(CHUNK_MS) });

  const runtime = (socket: TestSocket, threadId: string, type: string, runId?: string) =>
    socket.next(
      (f) => f.type === 'thread_runtime' && f.thread_id === threadId && f.data.event_type === type && (!runId || f.data.run_id === runId),
      FRAME_TIMEOUT_MS,
      type,
    );
  const send = (threadId: string, content: string, mentions: string[] = []) =>
    api(demo.server, 'POST', `/chat/threads/${threadId}/messages`, {
      token: demo.world.alice.token,
      body: { ...sendBody(content), mentions },
    });
  const takeover = (threadId: string, token = demo.world.alice.token) =>
    api(demo.server, 'POST', `/chat/threads/${threadId}/takeover`, { token });
  const agentThread = () =>
    createThread(demo.server, demo.world.alice.token, {
      target_user_ids: [],
      agent_ids: [demo.world.demoAgent.id],
      title: `takeover ${randomUUID()}`,
    });

  it('a take-over while the agent streams: handoff, the stream ends with intake_failed taken_over, run_failed (not retryable), no reply', async () => {
    const thread = await agentThread();
    const socket = await demo.connect(demo.world.alice.token);
    const sent = await send(thread.id, '/long');
    const message = sent.body.message as { id: string; thread_seq: number };
    const delta = await runtime(socket, thread.id, 'text_delta');
    const runId = delta.data.run_id as string;

    const taken = await takeover(thread.id);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ assignee_id: `user:${demo.world.alice.user.id}`, agent_paused: true, status: 'open' });
    const failed = await runtime(socket, thread.id, 'intake_failed', runId);
    expect(failed.data).toMatchObject({ in_reply_to: message.id, error: TAKEN_OVER_ERROR });
    expect(TAKEN_OVER_ERROR).toEqual({ code: 'taken_over', message: expect.any(String), retryable: false });

    const log = await demo.log(thread.id, message.thread_seq);
    expect(log.map((e) => [e.event_type, e.sender_id, e.data])).toEqual([
      [
        'handoff',
        `user:${demo.world.alice.user.id}`,
        { to: `user:${demo.world.alice.user.id}`, name: 'Alice', by: `user:${demo.world.alice.user.id}` },
      ],
      ['run_failed', demo.world.demoAgent.sender_id, { run_id: runId, message_id: message.id, error: TAKEN_OVER_ERROR }],
    ]);
    // A marker after the take-over: once it is here, nothing of the stopped run follows.
    const marker = await send(thread.id, 'I have it from here');
    await socket.next((f) => f.type === 'thread_message' && f.data.id === marker.body.message.id, FRAME_TIMEOUT_MS, 'marker');
    const failedAt = socket.frames.indexOf(failed);
    expect(socket.frames.slice(failedAt + 1).filter((f) => f.type === 'thread_runtime' && f.data.run_id === runId)).toEqual([]);
    expect((await demo.log(thread.id, message.thread_seq)).filter((e) => e.sender_id === demo.world.demoAgent.sender_id).length).toBe(1);

    const retry = await api(demo.server, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: demo.world.alice.token });
    expect(retry.status).toBe(409);
    // Taking over again changes nothing.
    const again = await takeover(thread.id);
    expect(again.body.last_seq).toBe(marker.body.message.thread_seq);
  });

  it('a take-over also stops the run queued behind the streaming one: neither commits a reply, only a mention starts a run again', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    const socket = await demo.connect(demo.world.alice.token);
    const write = (content: string) =>
      publicCall(demo.server, 'POST', `${threadId}/messages`, { token: visitor.visitor_token, body: sendBody(content) });
    const first = await write('/long');
    expect(first.status).toBe(201);
    const delta = await runtime(socket, threadId, 'text_delta');
    const queuedBehind = await write('and another thing');
    expect(queuedBehind.status).toBe(201);
    const taken = await takeover(threadId);
    expect(taken.status).toBe(200);
    await runtime(socket, threadId, 'intake_failed', delta.data.run_id);

    // A mention after the take-over: its reply is the agent's first and only message since.
    const asked = await send(threadId, 'Demo, the tracking number please', [demo.world.demoAgent.sender_id]);
    const reply = await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === threadId && f.data.sender_id === demo.world.demoAgent.sender_id,
      FRAME_TIMEOUT_MS,
      'the reply to the mention',
    );
    expect(reply.data.base_seq).toBe(asked.body.message.thread_seq);
    const log = await demo.log(threadId, first.body.message.thread_seq);
    expect(
      log.filter((e) => e.event_type === 'message_committed' && e.sender_id === demo.world.demoAgent.sender_id).map((e) => e.thread_seq),
    ).toEqual([reply.data.thread_seq]);
    const started = socket.frames.filter(
      (f) => f.type === 'thread_runtime' && f.thread_id === threadId && f.data.event_type === 'run_started',
    );
    expect(started.map((f) => f.data.in_reply_to)).toEqual([first.body.message.id, asked.body.message.id]);
  });

  it('a take-over while an approval waits: the approval expires, then the run fails taken_over', async () => {
    const thread = await agentThread();
    const socket = await demo.connect(demo.world.alice.token);
    const sent = await send(thread.id, '/approve refund');
    const pending = await socket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'approval_pending',
      FRAME_TIMEOUT_MS,
      'approval_pending',
    );
    expect((await takeover(thread.id)).status).toBe(200);
    const runId = pending.data.data.run_id;
    await runtime(socket, thread.id, 'intake_failed', runId);
    const log = await demo.log(thread.id, pending.data.thread_seq);
    expect(log.map((e) => [e.event_type, e.data.run_id ?? null])).toEqual([
      ['handoff', null],
      ['approval_expired', runId],
      ['run_failed', runId],
    ]);
    expect(log[1].data).toMatchObject({ approval_id: pending.data.data.approval_id, decision: 'expired' });
    const late = await api(demo.server, 'POST', `/chat/threads/${thread.id}/approvals/${pending.data.data.approval_id}`, {
      token: demo.world.alice.token,
      body: { decision: 'approve' },
    });
    expect(late.status).toBe(409);
    expect(sent.status).toBe(201);
  });

  it('while paused the agent answers no visitor, only a person who mentions it; hand-back commits handback and it answers again', async () => {
    const visitor = await startVisitor(demo.server);
    const threadId = visitor.thread_id;
    const socket = await demo.connect(demo.world.alice.token);
    const taken = await takeover(threadId);
    expect(taken.body.agent_paused).toBe(true);
    const write = (content: string) =>
      publicCall(demo.server, 'POST', `${threadId}/messages`, { token: visitor.visitor_token, body: sendBody(content) });
    const quiet = await write('anyone there?');
    expect(quiet.status).toBe(201);
    const asked = await send(threadId, 'Demo, please help', [demo.world.demoAgent.sender_id]);
    const reply = await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === threadId && f.data.sender_id === demo.world.demoAgent.sender_id,
      FRAME_TIMEOUT_MS,
      'the agent answers the mention',
    );
    expect(reply.data.base_seq).toBe(asked.body.message.thread_seq);
    const started = socket.frames.filter(
      (f) => f.type === 'thread_runtime' && f.thread_id === threadId && f.data.event_type === 'run_started',
    );
    expect(started.map((f) => f.data.in_reply_to)).toEqual([asked.body.message.id]);

    const back = await api(demo.server, 'POST', `/chat/threads/${threadId}/handback`, { token: demo.world.alice.token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ agent_paused: false, assignee_id: `user:${demo.world.alice.user.id}` });
    const handback = (await demo.log(threadId, reply.data.thread_seq)).at(-1);
    expect(handback).toMatchObject({ event_type: 'handback', data: { by: `user:${demo.world.alice.user.id}` } });
    const again = await api(demo.server, 'POST', `/chat/threads/${threadId}/handback`, { token: demo.world.alice.token });
    expect(again.body.last_seq).toBe(back.body.last_seq);
    // The visitor sees the hand-over in their history.
    const history = await publicCall(demo.server, 'GET', `${threadId}/events`, { token: visitor.visitor_token });
    expect(history.body.events.map((e: { event_type: string }) => e.event_type)).toEqual(expect.arrayContaining(['handoff', 'handback']));

    const answered = await write('thanks, one more question');
    await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === threadId && f.data.base_seq === answered.body.message.thread_seq,
      FRAME_TIMEOUT_MS,
      'the agent answers the visitor again',
    );
  });

  it('who may take over or hand back: users who read the thread; others 403, agent tokens 403', async () => {
    const thread = await agentThread();
    const carol = await demo.server.addUser('Carol');
    expect((await takeover(thread.id, carol.token)).status).toBe(403);
    expect((await api(demo.server, 'POST', `/chat/threads/${thread.id}/handback`, { token: carol.token })).status).toBe(403);
    expect((await takeover(randomUUID())).status).toBe(404);
    const issued = await api(demo.server, 'POST', '/agents/demo/tokens', { token: demo.world.alice.token });
    expect((await takeover(thread.id, issued.body.token)).status).toBe(403);
    expect((await demo.log(thread.id, thread.last_seq)).map((e) => e.event_type)).toEqual([]);
  });
});
