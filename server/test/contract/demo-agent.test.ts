import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep, TestSocket, userSocketUrl } from '../support/test-socket.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** How long "nothing happens" is watched for. */
const QUIET_MS = 500;
/** A generous deadline for a whole run (chunks are instant in tests). */
const RUN_TIMEOUT_MS = 10_000;

/**
 * The contract's runtime order (CONTRACT §6) as a pattern over one letter per event type:
 * queued → agent_decisions → run_started → typing → text_delta+ → tool/approval events (text
 * may continue around them) → reply_committed → run_finished → intake_completed.
 */
const LETTER: Record<string, string> = {
  queued: 'Q',
  agent_decisions: 'D',
  run_started: 'S',
  typing: 'T',
  text_delta: 'x',
  tool_call_started: 'a',
  tool_call_completed: 'b',
  approval_pending: 'p',
  approval_resolved: 'r',
  approval_expired: 'e',
  reply_committed: 'R',
  run_finished: 'F',
  intake_completed: 'C',
  intake_failed: '!',
};
const COMPLETED_RUN = /^QDSTx+[xabpre]*RFC$/;
const FAILED_RUN = /^QDSTx*!$/;

function lettersOf(types: string[]): string {
  return types.map((type) => LETTER[type] ?? `<${type}>`).join('');
}

function expectCompletedOrder(types: string[]) {
  expect(lettersOf(types), `runtime order was ${types.join(' → ')}`).toMatch(COMPLETED_RUN);
}

/** The runtime frames of one run, in arrival order. */
function runFrames(socket: TestSocket, runId: string): any[] {
  return socket.frames.filter((frame) => frame.type === 'thread_runtime' && frame.data.run_id === runId);
}

/** Waits for the end (intake_completed or intake_failed) of the run that answers `messageId`; returns its frames. */
async function awaitRun(socket: TestSocket, messageId: string, timeoutMs = RUN_TIMEOUT_MS) {
  const end = await socket.next(
    (frame) =>
      frame.type === 'thread_runtime' &&
      frame.data.in_reply_to === messageId &&
      (frame.data.event_type === 'intake_completed' || frame.data.event_type === 'intake_failed'),
    timeoutMs,
    `the end of the run answering ${messageId}`,
  );
  const runId: string = end.data.run_id;
  const frames = runFrames(socket, runId);
  return { runId, frames, types: frames.map((frame) => frame.data.event_type as string) };
}

function agentMessages(socket: TestSocket, threadId: string, agentSenderId: string): any[] {
  return socket
    .ofType('thread_message')
    .filter((frame) => frame.thread_id === threadId && frame.data.sender_id === agentSenderId)
    .map((frame) => frame.data);
}

async function readLog(server: TestServer, token: string, threadId: string, after = 0): Promise<any[]> {
  const events: any[] = [];
  for (;;) {
    const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    after = events.at(-1)?.thread_seq ?? after;
    if (!page.body.has_more) return events;
  }
}

async function post(server: TestServer, token: string, threadId: string, content: string, extra: Record<string, unknown> = {}) {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
    token,
    body: { ...sendBody(content), ...extra },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message as { id: string; thread_seq: number; sender_id: string; content: string };
}

/** Checks the run's reply: the deltas make exactly the committed message, at the seq that reply_committed names. */
function committedReply(socket: TestSocket, frames: any[], agentSenderId: string) {
  const committed = frames.find((frame) => frame.data.event_type === 'reply_committed');
  expect(committed, 'reply_committed frame').toBeDefined();
  const message = socket
    .ofType('thread_message')
    .map((frame) => frame.data)
    .find((data) => data.id === committed.data.message_id);
  expect(message, 'the committed reply as a thread_message').toBeDefined();
  expect(message.sender_id).toBe(agentSenderId);
  expect(message.role).toBe('agent');
  expect(committed.data.thread_seq).toBe(message.thread_seq);
  const streamed = frames
    .filter((frame) => frame.data.event_type === 'text_delta')
    .map((frame) => frame.data.content as string)
    .join('');
  expect(streamed).toBe(message.content);
  return message as { id: string; thread_seq: number; content: string; base_seq: number };
}

describe('the demo agent and its runtime events (CONTRACT §3, §5, §6, §9)', () => {
  let server: TestServer;
  let world: World;
  let socket: TestSocket;

  beforeAll(async () => {
    server = await startTestServer();
    world = await demoWorld(server);
    socket = TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token));
    await socket.ready();
  });
  afterAll(async () => {
    await socket?.close();
    await server?.close();
  });

  const agentThread = (extra: { participation_mode?: string } = {}) =>
    createThread(server, world.alice.token, {
      target_user_ids: [world.bob.user.id],
      agent_ids: [world.demoAgent.id],
      ...extra,
    });

  it('answers in the Welcome thread with the runtime events in contract order, and deltas that make the reply', async () => {
    const threadId = world.welcome.id;
    const message = await post(server, world.bob.token, threadId, 'Hello agent, how are you?');
    const { runId, frames, types } = await awaitRun(socket, message.id);

    expectCompletedOrder(types);
    expect(types.filter((type) => type === 'text_delta').length).toBeGreaterThan(1);
    for (const frame of frames) {
      expect(frame.thread_id).toBe(threadId);
      expect(frame.data).toMatchObject({ run_id: runId, agent_id: world.demoAgent.sender_id });
    }
    expect(frames.find((frame) => frame.data.event_type === 'agent_decisions').data.decisions).toEqual(['reply']);

    const reply = committedReply(socket, frames, world.demoAgent.sender_id);
    expect(reply.content).toContain('Hello agent, how are you?');
    expect(reply.content).toContain('Hi Bob!');
    expect(reply.base_seq).toBe(message.thread_seq);
    expect(reply.thread_seq).toBeGreaterThan(message.thread_seq);

    // The reply is durable: it is in the poll log at its seq, as a message_committed from the agent.
    const log = await readLog(server, world.alice.token, threadId, message.thread_seq);
    const inLog = log.find((event) => event.thread_seq === reply.thread_seq);
    expect(inLog).toMatchObject({
      event_type: 'message_committed',
      sender_id: world.demoAgent.sender_id,
      content: reply.content,
      data: { message_id: reply.id, role: 'agent' },
    });
    // Ephemeral runtime progress is never in the log.
    expect(log.map((event) => event.event_type)).not.toContain('text_delta');
  });

  it('shows the agent typing while it runs: thread_typing started, then stopped, from the agent', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, 'Are you typing?');
    const { frames } = await awaitRun(socket, message.id);
    const typing = socket
      .ofType('thread_typing')
      .filter((frame) => frame.thread_id === thread.id)
      .map((frame) => frame.data);
    expect(typing).toEqual([
      { sender_id: world.demoAgent.sender_id, status: 'started' },
      { sender_id: world.demoAgent.sender_id, status: 'stopped' },
    ]);
    // started comes no later than the first delta, stopped after the run's end.
    const indexOf = (predicate: (frame: any) => boolean) => socket.frames.findIndex(predicate);
    const started = indexOf((f) => f.type === 'thread_typing' && f.thread_id === thread.id && f.data.status === 'started');
    const stopped = indexOf((f) => f.type === 'thread_typing' && f.thread_id === thread.id && f.data.status === 'stopped');
    const firstDelta = socket.frames.indexOf(frames.find((frame) => frame.data.event_type === 'text_delta'));
    const committed = socket.frames.indexOf(frames.find((frame) => frame.data.event_type === 'reply_committed'));
    expect(started).toBeLessThan(firstDelta);
    expect(stopped).toBeGreaterThan(committed);
  });

  it('honours participation modes: invocation_only answers mentions only, open answers everything', async () => {
    const thread = await agentThread();
    const agent = world.demoAgent.sender_id;

    const modeResponse = await api(server, 'PUT', `/chat/threads/${thread.id}/mode`, {
      token: world.alice.token,
      body: { participation_mode: 'invocation_only' },
    });
    expect(modeResponse.status).toBe(200);
    expect(modeResponse.body.participation_mode).toBe('invocation_only');
    const modeEvent = await socket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'mode_changed',
      5_000,
      'mode_changed',
    );
    expect(modeEvent.data.data).toEqual({ participation_mode: 'invocation_only' });
    const logAfterMode = await readLog(server, world.alice.token, thread.id);
    expect(logAfterMode.at(-1)).toMatchObject({
      event_type: 'mode_changed',
      thread_seq: modeEvent.data.thread_seq,
      sender_id: `user:${world.alice.user.id}`,
      data: { participation_mode: 'invocation_only' },
    });

    // No mention: no run at all.
    const unmentioned = await post(server, world.bob.token, thread.id, 'Nobody asked the agent');
    await sleep(QUIET_MS);
    expect(socket.ofType('thread_runtime').filter((f) => f.thread_id === thread.id)).toEqual([]);
    expect(agentMessages(socket, thread.id, agent)).toEqual([]);
    let log = await readLog(server, world.alice.token, thread.id);
    expect(log.filter((event) => event.sender_id === agent && event.event_type === 'message_committed')).toEqual([]);
    expect(log.at(-1)!.thread_seq).toBe(unmentioned.thread_seq);

    // A mention of someone else does not count either.
    await post(server, world.bob.token, thread.id, 'Alice, over to you', { mentions: [`user:${world.alice.user.id}`] });
    await sleep(QUIET_MS);
    expect(socket.ofType('thread_runtime').filter((f) => f.thread_id === thread.id)).toEqual([]);

    // A mention of the agent gets a reply.
    const mentioned = await post(server, world.bob.token, thread.id, 'Agent, please answer', { mentions: [agent] });
    const mentionedRun = await awaitRun(socket, mentioned.id);
    expectCompletedOrder(mentionedRun.types);
    const reply = committedReply(socket, mentionedRun.frames, agent);
    expect(reply.base_seq).toBe(mentioned.thread_seq);

    // Back to open: every human message is answered, each by exactly one run.
    const reopen = await api(server, 'PUT', `/chat/threads/${thread.id}/mode`, {
      token: world.bob.token,
      body: { participation_mode: 'open' },
    });
    expect(reopen.status).toBe(200);
    expect(reopen.body.participation_mode).toBe('open');
    const fromAlice = await post(server, world.alice.token, thread.id, 'Open again, from Alice');
    const fromBob = await post(server, world.bob.token, thread.id, 'Open again, from Bob');
    const runA = await awaitRun(socket, fromAlice.id);
    const runB = await awaitRun(socket, fromBob.id);
    expectCompletedOrder(runA.types);
    expectCompletedOrder(runB.types);
    committedReply(socket, runA.frames, agent);
    committedReply(socket, runB.frames, agent);

    // Agent messages never start runs: after a quiet while there are exactly 3 runs and 3 replies.
    await sleep(QUIET_MS);
    const queued = socket.ofType('thread_runtime').filter((f) => f.thread_id === thread.id && f.data.event_type === 'queued');
    expect(queued.map((f) => f.data.in_reply_to)).toEqual([mentioned.id, fromAlice.id, fromBob.id]);
    expect(agentMessages(socket, thread.id, agent)).toHaveLength(3);
    log = await readLog(server, world.alice.token, thread.id);
    expect(log.filter((event) => event.event_type === 'mode_changed').map((event) => event.data.participation_mode)).toEqual([
      'invocation_only',
      'open',
    ]);
    expect(log.filter((event) => event.sender_id === agent && event.event_type === 'message_committed')).toHaveLength(3);
  });

  it('never loops: two agents in one thread answer the human once each, never each other', async () => {
    const second = await server.app.context.storage.agents.create(
      {
        id: randomUUID(),
        slug: `echo-${randomUUID().slice(0, 8)}`,
        name: 'Second Demo Agent',
        avatarUrl: null,
        greeting: 'Hi',
        themeColor: '#000000',
        engine: 'demo',
      },
      [world.alice.user.id],
    );
    const thread = await createThread(server, world.alice.token, {
      target_user_ids: [world.bob.user.id],
      agent_ids: [world.demoAgent.id, second.id],
    });
    const message = await post(server, world.alice.token, thread.id, 'Hello both of you');
    await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === thread.id && f.data.sender_id === `agent:${second.id}`,
      RUN_TIMEOUT_MS,
      'the second agent reply',
    );
    await socket.next(
      (f) => f.type === 'thread_message' && f.thread_id === thread.id && f.data.sender_id === world.demoAgent.sender_id,
      RUN_TIMEOUT_MS,
      'the first agent reply',
    );
    await sleep(QUIET_MS);
    const queued = socket.ofType('thread_runtime').filter((f) => f.thread_id === thread.id && f.data.event_type === 'queued');
    expect(queued).toHaveLength(2);
    expect(queued.every((f) => f.data.in_reply_to === message.id)).toBe(true);
    expect(new Set(queued.map((f) => f.data.agent_id))).toEqual(new Set([world.demoAgent.sender_id, `agent:${second.id}`]));
    const log = await readLog(server, world.alice.token, thread.id);
    const messages = log.filter((event) => event.event_type === 'message_committed');
    expect(messages.map((event) => event.sender_id).sort()).toEqual(
      [`user:${world.alice.user.id}`, world.demoAgent.sender_id, `agent:${second.id}`].sort(),
    );
  });

  it('/tool: commits tool_call_started and tool_call_completed, and streams them as runtime frames', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, '/tool open invoices');
    const { runId, frames, types } = await awaitRun(socket, message.id);
    expectCompletedOrder(types);
    expect(types.filter((type) => type === 'tool_call_started' || type === 'tool_call_completed')).toEqual([
      'tool_call_started',
      'tool_call_completed',
    ]);
    expect(frames.find((f) => f.data.event_type === 'agent_decisions').data.decisions).toEqual(['call_tool:lookup', 'reply']);

    const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
    const started = log.filter((event) => event.event_type === 'tool_call_started');
    const completed = log.filter((event) => event.event_type === 'tool_call_completed');
    expect(started).toHaveLength(1);
    expect(completed).toHaveLength(1);
    const toolCallId = started[0].data.tool_call_id;
    expect(typeof toolCallId).toBe('string');
    expect(toolCallId.length).toBeGreaterThan(0);
    expect(started[0]).toMatchObject({
      sender_id: world.demoAgent.sender_id,
      data: { run_id: runId, tool_call_id: toolCallId, tool_name: 'lookup', preview: { query: 'open invoices' } },
    });
    expect(completed[0]).toMatchObject({
      sender_id: world.demoAgent.sender_id,
      data: {
        run_id: runId,
        tool_call_id: toolCallId,
        tool_name: 'lookup',
        preview: { query: 'open invoices' },
        ok: true,
        result_preview: '4 matching records for "open invoices"',
      },
    });
    expect(completed[0].thread_seq).toBe(started[0].thread_seq + 1);

    // The runtime frames carry the same data and the durable seqs.
    const startedFrame = frames.find((f) => f.data.event_type === 'tool_call_started');
    const completedFrame = frames.find((f) => f.data.event_type === 'tool_call_completed');
    expect(startedFrame.data).toMatchObject({ ...started[0].data, thread_seq: started[0].thread_seq });
    expect(completedFrame.data).toMatchObject({ ...completed[0].data, thread_seq: completed[0].thread_seq });
    // …and arrive as durable thread_event frames too.
    const durableTypes = socket
      .ofType('thread_event')
      .filter((f) => f.thread_id === thread.id && f.data.data?.run_id === runId)
      .map((f) => f.data.event_type);
    expect(durableTypes).toEqual(['tool_call_started', 'tool_call_completed']);

    const reply = committedReply(socket, frames, world.demoAgent.sender_id);
    expect(reply.content).toBe('Let me look up **open invoices**. I found 4 matching records for “open invoices”.');
    // The durable order: the question, the tool call, its result, the reply.
    expect(log.map((event) => event.event_type)).toEqual(['tool_call_started', 'tool_call_completed', 'message_committed']);
    expect(log.at(-1)!.thread_seq).toBe(reply.thread_seq);
  });

  describe('/approve', () => {
    async function startApproval(content: string) {
      const thread = await agentThread();
      const message = await post(server, world.alice.token, thread.id, content);
      const pendingFrame = await socket.next(
        (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'approval_pending',
        RUN_TIMEOUT_MS,
        'approval_pending',
      );
      const pending = pendingFrame.data;
      return { thread, message, pending, approvalId: pending.data.approval_id as string };
    }

    it('approve: approval_pending, a 200 decision, approval_resolved, the send_email call, a "sent" reply; a second decision is 409', async () => {
      const { thread, message, pending, approvalId } = await startApproval('/approve Quarterly report');
      expect(pending).toMatchObject({
        event_type: 'approval_pending',
        sender_id: world.demoAgent.sender_id,
        data: { tool_name: 'send_email', preview: { to: 'team@example.com', subject: 'Quarterly report' } },
      });
      expect(approvalId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(pending.data.expires_at))).toBe(false);
      expect(Date.parse(pending.data.expires_at)).toBeGreaterThan(Date.parse(pending.created_at));
      const runId = pending.data.run_id as string;
      // While it waits, the run has not finished and nothing is committed by the agent.
      expect(runFrames(socket, runId).map((f) => f.data.event_type)).not.toContain('reply_committed');

      const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.bob.token,
        body: { decision: 'approve' },
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ approval_id: approvalId, status: 'approved' });

      const { frames, types } = await awaitRun(socket, message.id);
      expectCompletedOrder(types);
      expect(types.filter((type) => type !== 'text_delta').slice(4, -3)).toEqual([
        'approval_pending',
        'approval_resolved',
        'tool_call_started',
        'tool_call_completed',
      ]);
      const reply = committedReply(socket, frames, world.demoAgent.sender_id);
      expect(reply.content).toBe("I'd like to send an email titled “Quarterly report”. Approved, so I sent it.");

      const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual([
        'approval_pending',
        'approval_resolved',
        'tool_call_started',
        'tool_call_completed',
        'message_committed',
      ]);
      expect(log[0]).toMatchObject({ thread_seq: pending.thread_seq, data: { approval_id: approvalId, run_id: runId } });
      expect(log[1]).toMatchObject({
        data: { approval_id: approvalId, run_id: runId, tool_name: 'send_email', decision: 'approve' },
      });
      expect(log[2].data).toMatchObject({ run_id: runId, tool_name: 'send_email' });
      expect(log[3].data).toMatchObject({ run_id: runId, tool_name: 'send_email', ok: true });

      const again = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'reject' },
      });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'conflict', retryable: false });
      const after = await readLog(server, world.alice.token, thread.id, reply.thread_seq);
      expect(after).toEqual([]);
    });

    it('reject: approval_resolved with decision reject and a reply that nothing was sent', async () => {
      const { thread, message, approvalId } = await startApproval('/approve Newsletter');
      const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'reject' },
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ approval_id: approvalId, status: 'rejected' });
      const { frames, types } = await awaitRun(socket, message.id);
      expectCompletedOrder(types);
      expect(types).not.toContain('tool_call_started');
      const reply = committedReply(socket, frames, world.demoAgent.sender_id);
      expect(reply.content).toBe("I'd like to send an email titled “Newsletter”. Rejected, so I did not send anything.");
      const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_resolved', 'message_committed']);
      expect(log[1].data).toMatchObject({ approval_id: approvalId, decision: 'reject' });
    });

    it('refuses bad decisions: unknown approval 404, non-participant 403, bad decision value 400', async () => {
      const { thread, message, approvalId } = await startApproval('/approve Checks');
      const unknown = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${randomUUID()}`, {
        token: world.alice.token,
        body: { decision: 'approve' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
      // An approval of another thread is unknown here too, even to one of its participants.
      const otherThread = await agentThread();
      const elsewhere = await api(server, 'POST', `/chat/threads/${otherThread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'approve' },
      });
      expect(elsewhere.status).toBe(404);

      const stranger = await server.addUser('Mallory');
      const forbidden = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: stranger.token,
        body: { decision: 'approve' },
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('forbidden');

      const badValue = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'maybe' },
      });
      expect(badValue.status).toBe(400);
      expect(badValue.body.error.code).toBe('client_error');
      const missing = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: {},
      });
      expect(missing.status).toBe(400);

      // None of these settled it: it is still pending, and a real decision still works.
      let log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending']);
      const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'reject' },
      });
      expect(decided.status).toBe(200);
      await awaitRun(socket, message.id);
      log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_resolved', 'message_committed']);
    });

    it("only a human participant decides: the agent's own token (and any agent token) gets 403 forbidden, nothing is settled", async () => {
      const { thread, message, approvalId } = await startApproval('/approve Self-approved');
      // The agent that asked, by its external token (issued by its owner Alice).
      const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
      expect(issued.status).toBe(201);
      const agentToken = issued.body.token as string;
      for (const decision of ['approve', 'reject']) {
        const refused = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
          token: agentToken,
          body: { decision },
        });
        expect(refused.status).toBe(403);
        expect(refused.body.error).toMatchObject({ code: 'forbidden', retryable: false });
        expect(refused.body.error.message).toMatch(/only a person/i);
      }
      let log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending']);

      // A person of the thread still decides it.
      const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.bob.token,
        body: { decision: 'reject' },
      });
      expect(decided.status).toBe(200);
      await awaitRun(socket, message.id);
      log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
      expect(log[1]).toMatchObject({ event_type: 'approval_resolved', sender_id: `user:${world.bob.user.id}` });
    });
  });

  it("/approve in a visitor thread: the agent's owner decides; the visitor has no way to (CONTRACT §9)", async () => {
    const email = `approver-${randomUUID().slice(0, 8)}@example.com`;
    const resolved = await api(server, 'POST', '/chat/public/demo/threads', { body: { email } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(201);
    const threadId = resolved.body.thread_id as string;
    const visitorToken = resolved.body.visitor_token as string | undefined;
    const visitorAuth = visitorToken ? { authorization: `Bearer ${visitorToken}` } : undefined;
    // `?email=` for a server before visitor tokens; one with them ignores it.
    const asked = await api(server, 'POST', `/chat/public/demo/threads/${threadId}/messages?email=${encodeURIComponent(email)}`, {
      headers: visitorAuth,
      body: sendBody('/approve Refund'),
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    let approvalId: string | undefined;
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (!approvalId && Date.now() < deadline) {
      const log = await readLog(server, world.alice.token, threadId);
      approvalId = log.find((event) => event.event_type === 'approval_pending')?.data.approval_id;
      if (!approvalId) await sleep(20);
    }
    expect(approvalId, 'approval_pending in the visitor thread').toBeDefined();

    // The public API has no approval call, and the visitor's credentials open no user endpoint.
    const publicCall = await api(server, 'POST', `/chat/public/demo/threads/${threadId}/approvals/${approvalId}`, {
      headers: visitorAuth,
      body: { decision: 'approve' },
    });
    expect(publicCall.status).toBe(404);
    const userCall = await api(server, 'POST', `/chat/threads/${threadId}/approvals/${approvalId}`, {
      headers: visitorAuth,
      body: { decision: 'approve' },
    });
    expect(userCall.status).toBe(401);
    // Bob is no owner of the agent: not his thread.
    const bob = await api(server, 'POST', `/chat/threads/${threadId}/approvals/${approvalId}`, {
      token: world.bob.token,
      body: { decision: 'approve' },
    });
    expect(bob.status).toBe(403);

    const owner = await api(server, 'POST', `/chat/threads/${threadId}/approvals/${approvalId}`, {
      token: world.alice.token,
      body: { decision: 'approve' },
    });
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ approval_id: approvalId, status: 'approved' });
  });

  it('/fail: intake_failed with a retryable error and a durable run_failed, and no reply', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, '/fail please');
    const { runId, frames, types } = await awaitRun(socket, message.id);
    expect(lettersOf(types), `runtime order was ${types.join(' → ')}`).toMatch(FAILED_RUN);
    const failed = frames.at(-1);
    expect(failed.data.event_type).toBe('intake_failed');
    expect(failed.data.error).toEqual({
      code: 'upstream_error',
      message: 'The demo agent failed on purpose (/fail).',
      retryable: true,
    });
    const runFailed = await socket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'run_failed',
      5_000,
      'run_failed',
    );
    expect(runFailed.data.data).toMatchObject({ run_id: runId, error: failed.data.error });

    await sleep(QUIET_MS);
    expect(runFrames(socket, runId).map((f) => f.data.event_type)).not.toContain('reply_committed');
    expect(agentMessages(socket, thread.id, world.demoAgent.sender_id)).toEqual([]);
    const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      event_type: 'run_failed',
      sender_id: world.demoAgent.sender_id,
      thread_seq: message.thread_seq + 1,
      data: { run_id: runId, error: { code: 'upstream_error', retryable: true } },
    });
    expect(typeof log[0].data.error.message).toBe('string');
    // The agent stopped typing.
    const typing = socket.ofType('thread_typing').filter((f) => f.thread_id === thread.id);
    expect(typing.at(-1)?.data).toEqual({ sender_id: world.demoAgent.sender_id, status: 'stopped' });
  });

  it('/escalate: commits escalation_created and still replies', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, '/escalate I need a human');
    const { runId, frames, types } = await awaitRun(socket, message.id);
    expect(types.slice(0, 4)).toEqual(['queued', 'agent_decisions', 'run_started', 'typing']);
    expect(types.slice(-3)).toEqual(['reply_committed', 'run_finished', 'intake_completed']);
    expect(types).toContain('escalation_created');
    const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
    // The escalation puts the thread in the waiting queue (CONTRACT §11).
    expect(log.map((event) => event.event_type)).toEqual(['escalation_created', 'status_changed', 'message_committed']);
    expect(log[0]).toMatchObject({
      sender_id: world.demoAgent.sender_id,
      data: { to: 'human', reason: 'I need a human', run_id: runId },
    });
    expect(log[1]).toMatchObject({ sender_id: world.demoAgent.sender_id, data: { status: 'waiting', previous: 'open' } });
    const reply = committedReply(socket, frames, world.demoAgent.sender_id);
    expect(reply.content).toBe('I have asked a person from the team to join this conversation.');
  });

  it('/long: a long markdown reply of at most 5,000 code points, streamed in many deltas', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, '/long sync');
    const { frames, types } = await awaitRun(socket, message.id);
    expectCompletedOrder(types);
    const reply = committedReply(socket, frames, world.demoAgent.sender_id);
    const codePoints = [...reply.content].length;
    expect(codePoints).toBeGreaterThanOrEqual(2_000);
    expect(codePoints).toBeLessThanOrEqual(5_000);
    expect(reply.content).toMatch(/^#{1,6} \S/m); // a heading
    expect(reply.content).toMatch(/^- \S/m); // a list
    expect(reply.content).toMatch(/^```[a-z]*\n[\s\S]+?\n```$/m); // a fenced code block
    expect(types.filter((type) => type === 'text_delta').length).toBeGreaterThan(50);
  });

  it('/stream N: streams exactly N characters of markdown, then commits a short reply that says how much came', async () => {
    const thread = await agentThread();
    const message = await post(server, world.alice.token, thread.id, '/stream 20000');
    const { frames, types } = await awaitRun(socket, message.id, 30_000);
    expectCompletedOrder(types);
    const streamed = frames
      .filter((frame) => frame.data.event_type === 'text_delta')
      .map((frame) => frame.data.content as string)
      .join('');
    const summary = 'Streamed 20,000 characters of markdown.';
    expect(streamed.endsWith(summary)).toBe(true);
    const markdown = streamed.slice(0, -summary.length);
    expect([...markdown].length).toBe(20_000);
    expect(markdown).toMatch(/^## Section 1\n\n/);
    expect(markdown).toContain('**bold words**');
    expect(markdown).toMatch(/^```ts$/m);
    expect(types.filter((type) => type === 'text_delta').length).toBeGreaterThan(500);

    // The committed reply is only the summary: well within the 5,000-character limit.
    const committed = frames.find((frame) => frame.data.event_type === 'reply_committed');
    const reply = socket
      .ofType('thread_message')
      .map((frame) => frame.data)
      .find((data) => data.id === committed.data.message_id);
    expect(reply.content).toBe(summary);
    const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
    expect(log.map((event) => event.event_type)).toEqual(['message_committed']);
    expect(log[0].content).toBe(summary);
  });

  it('/stream: without N streams 10,000 characters, and never more than 50,000', async () => {
    const thread = await agentThread();
    for (const [command, length] of [
      ['/stream', 10_000],
      ['/stream 999999', 50_000],
    ] as const) {
      const message = await post(server, world.alice.token, thread.id, command);
      const { frames } = await awaitRun(socket, message.id, 30_000);
      const reply = socket
        .ofType('thread_message')
        .map((frame) => frame.data)
        .find((data) => data.id === frames.find((frame) => frame.data.event_type === 'reply_committed').data.message_id);
      expect(reply.content).toBe(`Streamed ${length.toLocaleString('en-US')} characters of markdown.`);
      const streamed = frames
        .filter((frame) => frame.data.event_type === 'text_delta')
        .map((frame) => frame.data.content as string)
        .join('');
      expect([...streamed].length).toBe(length + [...reply.content].length);
    }
  });

  it('answers the runs of one agent in one thread in message order', async () => {
    const thread = await agentThread();
    const sent = await Promise.all([
      post(server, world.alice.token, thread.id, 'first'),
      post(server, world.bob.token, thread.id, 'second'),
      post(server, world.alice.token, thread.id, 'third'),
    ]);
    const ordered = [...sent].sort((a, b) => a.thread_seq - b.thread_seq);
    for (const message of ordered) await awaitRun(socket, message.id);
    const replies = agentMessages(socket, thread.id, world.demoAgent.sender_id);
    expect(replies).toHaveLength(3);
    expect(replies.map((reply) => reply.base_seq)).toEqual(ordered.map((message) => message.thread_seq));
    // In seq order too, and each reply quotes the message it answers.
    const replySeqs = replies.map((reply) => reply.thread_seq);
    expect(replySeqs).toEqual([...replySeqs].sort((a, b) => a - b));
    replies.forEach((reply, index) => expect(reply.content).toContain(`“${ordered[index]!.content}”`));
    // One run at a time: each run ends before the next starts (a waiting run says queued at once).
    const runtime = socket.ofType('thread_runtime').filter((f) => f.thread_id === thread.id);
    const boundaries = runtime
      .filter((f) => f.data.event_type === 'run_started' || f.data.event_type === 'intake_completed')
      .map((f) => `${f.data.event_type}:${f.data.in_reply_to}`);
    expect(boundaries).toEqual(ordered.flatMap((message) => [`run_started:${message.id}`, `intake_completed:${message.id}`]));
  });
});

describe('approvals that nobody answers (APPROVAL_TTL_MS)', () => {
  let server: TestServer;
  let world: World;
  let socket: TestSocket;

  beforeAll(async () => {
    server = await startTestServer({ APPROVAL_TTL_MS: '300' });
    world = await demoWorld(server);
    socket = TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token));
    await socket.ready();
  });
  afterAll(async () => {
    await socket?.close();
    await server?.close();
  });

  it('expires: approval_expired, a reply that nobody answered, and a late decision is 409', async () => {
    const thread = await createThread(server, world.alice.token, {
      target_user_ids: [world.bob.user.id],
      agent_ids: [world.demoAgent.id],
    });
    const message = await post(server, world.alice.token, thread.id, '/approve Late mail');
    const { frames, types } = await awaitRun(socket, message.id);
    expectCompletedOrder(types);
    expect(types).toContain('approval_pending');
    expect(types).toContain('approval_expired');
    expect(types).not.toContain('tool_call_started');
    const reply = committedReply(socket, frames, world.demoAgent.sender_id);
    expect(reply.content).toBe("I'd like to send an email titled “Late mail”. Nobody answered in time, so I did not send anything.");

    const log = await readLog(server, world.alice.token, thread.id, message.thread_seq);
    expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_expired', 'message_committed']);
    const approvalId = log[0].data.approval_id;
    expect(log[1].data).toMatchObject({ approval_id: approvalId, decision: 'expired', run_id: log[0].data.run_id });
    expect(log[1].sender_id).toBe('system');

    const late = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
      token: world.alice.token,
      body: { decision: 'approve' },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('conflict');
    expect(await readLog(server, world.alice.token, thread.id, reply.thread_seq)).toEqual([]);
  });
});

describe('retrying a failed run ([ext] POST …/runs/{run_id}/retry), also after a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-retry-'));
  const env = { DATABASE_PATH: join(dir, 'db.sqlite') };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the failure in the log: a new run answers the same message; the same run again, or one that did not fail, is 409', async () => {
    const first = await startTestServer(env);
    let world = await demoWorld(first);
    const thread = await createThread(first, world.alice.token, { target_user_ids: [], agent_ids: [world.demoAgent.id] });
    let socket = TestSocket.open(userSocketUrl(first.wsUrl, world.alice.token));
    await socket.ready();
    const failing = await post(first, world.alice.token, thread.id, '/fail on purpose');
    const { runId } = await awaitRun(socket, failing.id);
    const fine = await post(first, world.alice.token, thread.id, 'a normal question');
    const { runId: completedRunId } = await awaitRun(socket, fine.id);
    await socket.close();
    await first.close();

    const second = await startTestServer(env, { seed: false });
    try {
      world = await demoWorld(second);
      socket = TestSocket.open(userSocketUrl(second.wsUrl, world.alice.token));
      await socket.ready();
      const retried = await api(second, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: world.alice.token });
      expect(retried.status).toBe(202);
      const retry = await awaitRun(socket, failing.id);
      expect(retry.runId).not.toBe(runId);
      expect(lettersOf(retry.types)).toMatch(FAILED_RUN);
      const log = await readLog(second, world.alice.token, thread.id, fine.thread_seq);
      const failures = log.filter((event) => event.event_type === 'run_failed');
      expect(failures.at(-1).data).toMatchObject({ run_id: retry.runId, message_id: failing.id, error: { retryable: true } });

      const again = await api(second, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: world.alice.token });
      expect(again.status).toBe(409);
      expect(again.body.error).toEqual({
        code: 'conflict',
        message: 'This run cannot be retried: it was already retried.',
        retryable: false,
      });
      const completed = await api(second, 'POST', `/chat/threads/${thread.id}/runs/${completedRunId}/retry`, {
        token: world.alice.token,
      });
      expect(completed.status).toBe(409);
      expect(completed.body.error.message).toBe('This run cannot be retried: it did not fail.');
      // Someone who does not take part in the thread cannot retry its runs.
      const outsider = await second.addUser('Outsider');
      const refused = await api(second, 'POST', `/chat/threads/${thread.id}/runs/${retry.runId}/retry`, { token: outsider.token });
      expect(refused.status).toBe(403);
      await socket.close();
    } finally {
      await second.close();
    }
  });
});
