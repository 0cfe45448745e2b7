import { afterEach, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';

describe('DEMO_DATA: a deployment is not a demo', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('with DEMO_DATA=false, a new database has no users, agents or threads, and the demo sign-in fails', async () => {
    server = await startTestServer({ DEMO_DATA: 'false' });
    const { storage } = server.app.context;
    expect(await storage.users.list()).toEqual([]);
    expect(await storage.agents.list()).toEqual([]);
    expect(await storage.agents.bySlug('demo')).toBeUndefined();
    const login = await api(server, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: 'password123' } });
    expect(login.status).toBe(401);
    expect(login.body.error).toMatchObject({ code: 'unauthorized', message: 'Wrong email or password.' });
  });

  it('with DEMO_DATA=true, a new database is seeded with Alice, Bob and the demo agent', async () => {
    server = await startTestServer({ DEMO_DATA: 'true' });
    const { storage } = server.app.context;
    expect((await storage.users.list()).map((user) => user.email)).toEqual(['alice@example.com', 'bob@example.com']);
    expect((await storage.agents.bySlug('demo'))?.engine).toBe('demo');
    const alice = await server.login('alice@example.com');
    expect(alice.user.name).toBe('Alice');
  });
});
