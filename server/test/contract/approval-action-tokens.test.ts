import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalPushService } from '../support/push-service.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { sleep } from '../support/test-socket.ts';

/** How often the test polls the thread's log for the agent's approval request. */
const POLL_MS = 25;

type World = Awaited<ReturnType<typeof demoWorld>>;

/** CONTRACT §12: approve from the notification with a one-time action token, and nothing else. */
describeEachStorage('approval action tokens (CONTRACT §12)', (storageEnv) => {
  let server: TestServer;
  let service: LocalPushService;
  let world: World;

  beforeAll(async () => {
    service = await LocalPushService.start();
    // Approvals wait long enough for the test to decide them.
    server = await startTestServer({ ...(await storageEnv()), PUSH_ALLOW_INSECURE_ENDPOINTS: 'true', APPROVAL_TTL_MS: '120000' });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await service?.close();
  });

  /** Asks the demo agent for something that needs approval; resolves with the pending approval's event. */
  async function pendingApproval() {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: sendBody('/approve Quarterly report'),
    });
    expect(sent.status).toBe(201);
    for (;;) {
      const page = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0`, { token: world.alice.token });
      const event = page.body.events.find((item: { event_type: string }) => item.event_type === 'approval_pending');
      if (event)
        return {
          threadId: thread.id,
          seq: event.thread_seq as number,
          approvalId: event.data.approval_id as string,
          expiresAt: event.data.expires_at as string,
        };
      await sleep(POLL_MS);
    }
  }

  /** Pushes the approval to `userId` through the real push service; resolves with the decrypted payload. */
  async function pushedToken(userId: string, token: string, approval: Awaited<ReturnType<typeof pendingApproval>>) {
    const subscription = service.subscribe();
    await api(server, 'POST', '/me/push-subscriptions', { token, body: { endpoint: subscription.endpoint, keys: subscription.keys } });
    const notificationId = randomUUID();
    const outcome = await server.app.context.notifyChannels.push.deliver({
      userId,
      notification: {
        id: notificationId,
        kind: 'approval_pending',
        thread_id: approval.threadId,
        thread_seq: approval.seq,
        title: 'Approval needed',
        body: 'send_email',
        created_at: new Date().toISOString(),
        read_at: null,
      },
      approval: { id: approval.approvalId, expiresAt: approval.expiresAt },
    });
    expect(outcome).toBe('sent');
    const message = service.received.find((item) => item.subscriptionId === subscription.id)!;
    expect(message.urgency).toBe('high');
    return message.payload as { actions: { approval_id: string; action_token: string } };
  }

  const decide = (actionToken: string, decision = 'approve') =>
    api(server, 'POST', '/approvals/decide', { body: { action_token: actionToken, decision } });

  it('the pushed token decides the approval with no other credential (200 {approval}); spent again: 409', async () => {
    const approval = await pendingApproval();
    const payload = await pushedToken(world.bob.user.id, world.bob.token, approval);
    expect(payload.actions.approval_id).toBe(approval.approvalId);
    expect(payload.actions.action_token).toMatch(/^aat_[A-Za-z0-9_-]{43}$/);
    const decided = await decide(payload.actions.action_token);
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual({ approval: { approval_id: approval.approvalId, status: 'approved', decided_at: expect.any(String) } });
    // Decided as Bob, exactly like the thread route: the log says so.
    const page = await api(server, 'GET', `/chat/threads/${approval.threadId}/events?last_thread_seq=${approval.seq}`, {
      token: world.alice.token,
    });
    expect(page.body.events.find((item: { event_type: string }) => item.event_type === 'approval_resolved')).toMatchObject({
      sender_id: `user:${world.bob.user.id}`,
      data: { approval_id: approval.approvalId, decision: 'approve' },
    });
    const again = await decide(payload.actions.action_token, 'reject');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', retryable: false });
  });

  it('a token for an approval decided meanwhile in the inbox: 409, nothing changes', async () => {
    const approval = await pendingApproval();
    const payload = await pushedToken(world.bob.user.id, world.bob.token, approval);
    const inbox = await api(server, 'POST', `/chat/threads/${approval.threadId}/approvals/${approval.approvalId}`, {
      token: world.alice.token,
      body: { decision: 'reject' },
    });
    expect(inbox.status).toBe(200);
    const late = await decide(payload.actions.action_token);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/already rejected/);
  });

  it('an expired token: 410; an unknown one: 401', async () => {
    const approval = await pendingApproval();
    const expired = await server.app.context.notifyChannels.actionTokens.mint(
      world.bob.user.id,
      approval.approvalId,
      new Date(Date.now() - 1_000).toISOString(),
    );
    const gone = await decide(expired);
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({ message: 'This action token has expired with its approval.', retryable: false });
    const unknown = await decide(`aat_${'x'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthorized');
    const malformed = await decide('not-a-token');
    expect(malformed.status).toBe(400);
  });

  it('a user who may not decide it (not in the thread, or disabled) is refused, and the approval stays pending', async () => {
    const approval = await pendingApproval();
    const carol = await server.addUser('Carol');
    const outsider = await server.app.context.notifyChannels.actionTokens.mint(carol.user.id, approval.approvalId, approval.expiresAt);
    const refused = await decide(outsider);
    expect([403, 404]).toContain(refused.status);
    const bobToken = await server.app.context.notifyChannels.actionTokens.mint(world.bob.user.id, approval.approvalId, approval.expiresAt);
    await server.app.context.storage.users.setDisabled(world.bob.user.id, true);
    try {
      const disabled = await decide(bobToken);
      expect(disabled.status).toBe(401);
    } finally {
      await server.app.context.storage.users.setDisabled(world.bob.user.id, false);
    }
    expect((await server.app.context.storage.approvals.get(approval.approvalId))!.status).toBe('pending');
  });
});
