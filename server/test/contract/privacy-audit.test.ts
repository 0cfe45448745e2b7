import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

describeEachStorage('privacy: the audit log (CONTRACT §14)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
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
        address: null,
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
});
