import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { startVisitor } from '../support/visitors.ts';
import { AUDIT_PAGE_SIZE } from '../../src/routes/privacy-routes.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

describeEachStorage('privacy: the audit log (CONTRACT §14)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    // Webhooks to this machine are allowed (nothing listens: their creation and deletion are what is audited);
    // approvals wait long enough to be decided.
    server = await startTestServer({ ...(await storageEnv()), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', APPROVAL_TTL_MS: '120000' });
    world = await demoWorld(server);
  });
  afterAll(() => server?.close());

  it('records exports, erasures and settings changes by id, newest first, with no email, name or content', async () => {
    const word = `zq${randomBytes(8).toString('hex')}`;
    const visitor = await startVisitor(server, { email: `${word}@customer.example`, name: `Name ${word}` });
    const found = await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: world.alice.token });
    const visitorId = found.body.visitors[0].id as string;
    expect((await api(server, 'GET', `/agents/demo/visitors/${visitorId}/export`, { token: world.alice.token })).status).toBe(200);
    const settings = await api(server, 'PUT', '/agents/demo/settings', {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false, retention_days: 30 },
    });
    expect(settings.status).toBe(200);
    expect((await api(server, 'DELETE', `/agents/demo/visitors/${visitorId}`, { token: world.alice.token })).status).toBe(204);

    const audit = await api(server, 'GET', '/agents/demo/audit', { token: world.alice.token });
    expect(audit.status).toBe(200);
    const actor = `user:${world.alice.user.id}`;
    expect(audit.body.entries.slice(0, 3)).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        actor,
        action: 'visitor.erased',
        target: `visitor:${visitorId}`,
        details: { reason: 'erased_by_owner', thread_ids: [visitor.thread_id] },
        address: expect.any(String),
      },
      expect.objectContaining({ actor, action: 'agent.settings_changed', details: expect.objectContaining({ retention_days: 30 }) }),
      expect.objectContaining({ actor, action: 'visitor.exported', target: `visitor:${visitorId}`, address: expect.any(String) }),
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(word);
    const exports = await api(server, 'GET', '/agents/demo/audit?action=visitor.exported', { token: world.alice.token });
    expect(exports.body.entries.every((entry: { action: string }) => entry.action === 'visitor.exported')).toBe(true);
    expect((await api(server, 'GET', '/agents/demo/audit', { token: world.bob.token })).status).toBe(403);
    await api(server, 'PUT', '/agents/demo/settings', {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false, retention_days: null },
    });
  });

  /** The agent's newest audit entries (as the owner reads them), newest first. */
  async function newest(count: number) {
    const audit = await api(server, 'GET', '/agents/demo/audit', { token: world.alice.token });
    expect(audit.status).toBe(200);
    return audit.body.entries.slice(0, count) as { id: string; actor: string; action: string; target: string; details: unknown }[];
  }

  it('records identity secret rotations and agent tokens issued and revoked, with neither secret nor token', async () => {
    const actor = `user:${world.alice.user.id}`;
    const rotated = await api(server, 'POST', '/agents/demo/identity-secret', { token: world.alice.token });
    expect(rotated.status).toBe(201);
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
    expect(issued.status).toBe(201);
    expect((await api(server, 'DELETE', `/agents/demo/tokens/${issued.body.id}`, { token: world.alice.token })).status).toBe(204);
    // A token that is not there changes nothing, and records nothing.
    expect((await api(server, 'DELETE', `/agents/demo/tokens/${issued.body.id}`, { token: world.alice.token })).status).toBe(404);

    const entries = await newest(3);
    expect(entries).toEqual([
      expect.objectContaining({
        actor,
        action: 'agent.token_revoked',
        target: `agent_token:${issued.body.id}`,
        address: expect.any(String),
      }),
      expect.objectContaining({ actor, action: 'agent.token_issued', target: `agent_token:${issued.body.id}`, details: {} }),
      expect.objectContaining({ actor, action: 'agent.identity_secret_rotated', target: `agent:${world.demoAgent.id}`, details: {} }),
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(rotated.body.secret);
    expect(text).not.toContain(issued.body.token);
    expect(text).not.toContain(issued.body.prefix);
  });

  it('records webhooks created and deleted by id, without their URL or secret', async () => {
    const actor = `user:${world.alice.user.id}`;
    const thread = await createThread(server, world.alice.token, { target_user_ids: [], agent_ids: [world.demoAgent.id], title: 'hooks' });
    const word = `zq${randomBytes(8).toString('hex')}`;
    const created = await api(server, 'POST', `/chat/threads/${thread.id}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: `http://127.0.0.1:9/hook?key=${word}` },
    });
    expect(created.status).toBe(201);
    const id = created.body.subscription_id as string;
    expect((await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${id}`, { token: world.alice.token })).status).toBe(204);

    const entries = await newest(2);
    expect(entries).toEqual([
      expect.objectContaining({ actor, action: 'webhook.deleted', target: `webhook:${id}`, details: { thread_id: thread.id } }),
      expect.objectContaining({ actor, action: 'webhook.created', target: `webhook:${id}`, details: { thread_id: thread.id } }),
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(word);
    expect(text).not.toContain(created.body.secret);
  });

  it('records approvals decided, take-overs and assignments, without the conversation', async () => {
    const actor = `user:${world.alice.user.id}`;
    const word = `zq${randomBytes(8).toString('hex')}`;
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });
    expect(
      (await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: world.alice.token, body: sendBody(`/approve ${word}`) }))
        .status,
    ).toBe(201);
    let approvalId: string | undefined;
    while (!approvalId) {
      const page = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0`, { token: world.alice.token });
      approvalId = page.body.events.find((event: { event_type: string }) => event.event_type === 'approval_pending')?.data.approval_id;
      if (!approvalId) await sleep(25);
    }
    const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
      token: world.alice.token,
      body: { decision: 'reject' },
    });
    expect(decided.status).toBe(200);
    expect((await api(server, 'POST', `/chat/threads/${thread.id}/takeover`, { token: world.alice.token })).status).toBe(200);
    const assigned = await api(server, 'PUT', `/chat/threads/${thread.id}/assignee`, {
      token: world.alice.token,
      body: { assignee_id: `user:${world.bob.user.id}` },
    });
    expect(assigned.status).toBe(200);

    const entries = await newest(3);
    expect(entries).toEqual([
      expect.objectContaining({
        actor,
        action: 'thread.assigned',
        target: `thread:${thread.id}`,
        details: { assignee_id: `user:${world.bob.user.id}` },
      }),
      expect.objectContaining({ actor, action: 'thread.taken_over', target: `thread:${thread.id}`, details: {} }),
      expect.objectContaining({ actor, action: 'approval.decided', target: `approval:${approvalId}`, address: expect.any(String) }),
    ]);
    expect(entries[2]!.details).toEqual(expect.objectContaining({ thread_id: thread.id, decision: 'reject' }));
    expect(JSON.stringify(entries)).not.toContain(word);
  });

  it('records a visitor erasing themselves as the system, naming the visitor by id only', async () => {
    const word = `zq${randomBytes(8).toString('hex')}`;
    const visitor = await startVisitor(server, { email: `${word}@customer.example`, name: `Name ${word}` });
    const found = await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: world.alice.token });
    const visitorId = found.body.visitors[0].id as string;
    expect((await api(server, 'DELETE', '/chat/public/demo/me', { token: visitor.visitor_token })).status).toBe(204);

    const [entry] = await newest(1);
    expect(entry).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actor: 'system',
      action: 'visitor.erased',
      target: `visitor:${visitorId}`,
      details: { reason: 'erased_by_visitor', thread_ids: [visitor.thread_id], requested_by: `visitor:${visitorId}` },
      address: expect.any(String),
    });
    expect(JSON.stringify(entry)).not.toContain(word);
  });

  it('pages newest first with next_cursor, and shows the log to owners only', async () => {
    for (let i = 0; i <= AUDIT_PAGE_SIZE; i++) {
      expect((await api(server, 'POST', '/agents/demo/identity-secret', { token: world.alice.token })).status).toBe(201);
    }
    const first = await api(server, 'GET', '/agents/demo/audit', { token: world.alice.token });
    expect(first.body.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api(server, 'GET', `/agents/demo/audit?cursor=${first.body.next_cursor}`, { token: world.alice.token });
    expect(second.status).toBe(200);
    // The 51st rotation is the second page's first entry: the pages meet with nothing left out or repeated.
    expect(second.body.entries[0].action).toBe('agent.identity_secret_rotated');
    const times = [...first.body.entries, ...second.body.entries].map((entry: { at: string }) => entry.at);
    expect([...times].sort().reverse()).toEqual(times);
    const ids = [...first.body.entries, ...second.body.entries].map((entry: { id: string }) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await api(server, 'GET', '/agents/demo/audit', { token: world.bob.token })).status).toBe(403);
    expect((await api(server, 'GET', '/agents/no-such-agent/audit', { token: world.alice.token })).status).toBe(404);
  });
});
