import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli, runAdminInTerminal, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import { api } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/;
const ANA_PASSWORD = 'ana-password-1234';
const BEN_PASSWORD = 'ben typed this at a terminal';

describe('npm run admin against a real server on the same database (issue 10: a deployment is not a demo)', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  const ids: Record<string, string> = {};
  const admin = (args: string[], input?: string) => runAdminCli(args, env, input);
  const login = (email: string, password: string) => api(server, 'POST', '/auth/login', { body: { email, password } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-admin-e2e-'));
    env = { DATABASE_PATH: join(dir, 'db.sqlite') };

    // Users and an agent created before the server ever ran: one password piped in, one typed.
    const ana = await admin(['create-user', '--email', 'Ana@Example.com', '--name', 'Ana Lima', '--password-stdin'], `${ANA_PASSWORD}\n`);
    expect(ana).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(UUID_LINE),
      stderr: 'Created Ana Lima <ana@example.com>; they can sign in now.\n',
    });
    ids.ana = ana.stdout.trim();
    const ben = await runAdminInTerminal(['create-user', '--email', 'ben@example.com', '--name', 'Ben'], env, [
      { prompt: 'New password (at least 12 characters; it is not shown): ', type: `${BEN_PASSWORD}\r` },
      { prompt: 'Repeat the password: ', type: `${BEN_PASSWORD}\r` },
    ]);
    expect(ben.code).toBe(0);
    // Nothing typed is echoed.
    expect(ben.output).not.toContain(BEN_PASSWORD);
    ids.ben = /[0-9a-f-]{36}/.exec(ben.output)![0];
    const agent = await admin([
      'create-agent',
      '--slug',
      'support',
      '--name',
      'Support',
      '--owner',
      'ana@example.com',
      '--owner',
      'BEN@example.com',
      '--greeting',
      'Hello from support',
      '--theme-color',
      '#ABCDEF',
    ]);
    expect(agent).toMatchObject({ code: 0, stdout: expect.stringMatching(UUID_LINE) });
    ids.agent = agent.stdout.trim();

    server = await startServerProcess({ ...env, DEMO_DATA: 'false', ACCOUNT_RECHECK_MS: '200' });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the banner of a database without demo data prints no password and says how to add users; nothing demo was seeded', async () => {
    expect(server.stdout()).toContain('  Add a user:   npm run admin -- create-user --email you@example.com --name "Your Name"');
    expect(server.stdout()).not.toContain('password123');
    expect((await login('alice@example.com', 'password123')).status).toBe(401);
  });

  it('list-users and list-agents print one tab-separated line per row', async () => {
    const users = await admin(['list-users']);
    expect(users.code).toBe(0);
    expect(
      users.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t').slice(0, 4)),
    ).toEqual([
      [ids.ana, 'ana@example.com', 'Ana Lima', 'active'],
      [ids.ben, 'ben@example.com', 'Ben', 'active'],
    ]);
    const agents = await admin(['list-agents']);
    expect(agents).toEqual({ code: 0, stdout: `${ids.agent}\tsupport\tSupport\tdemo\tana@example.com,ben@example.com\n`, stderr: '' });
  });

  it('the users sign in with their passwords; the agent is theirs and public with its greeting and colour', async () => {
    const ana = await login('ana@example.com', ANA_PASSWORD);
    expect(ana.status).toBe(200);
    expect(ana.body.user).toEqual({ id: ids.ana, name: 'Ana Lima', email: 'ana@example.com', avatar_url: null });
    const ben = await login('ben@example.com', BEN_PASSWORD);
    expect(ben.status).toBe(200);
    const agents = await api(server, 'GET', '/agents', { token: ben.body.token });
    expect(agents.body.agents).toEqual([
      { id: ids.agent, sender_id: `agent:${ids.agent}`, slug: 'support', name: 'Support', avatar_url: null, is_owner: true },
    ]);
    const profile = await api(server, 'GET', '/chat/public/support');
    expect(profile.body).toMatchObject({ slug: 'support', greeting: 'Hello from support', theme: { color: '#abcdef' } });
  });

  it('disable-user on the running server: sign-in 403, tokens 401 at once, the open socket closes with 4001; enable-user undoes it', async () => {
    const { body } = await login('ana@example.com', ANA_PASSWORD);
    const socket = TestSocket.open(userSocketUrl(server.url.replace('http', 'ws'), body.token));
    await socket.ready();

    const disabled = await admin(['disable-user', '--email', 'ana@example.com']);
    expect(disabled).toEqual({
      code: 0,
      stdout: 'ana@example.com is disabled.\n',
      stderr: 'Open sessions on running servers close within ACCOUNT_RECHECK_MS (15 s by default).\n',
    });
    expect(await socket.closed).toEqual({ code: 4001, reason: 'Account disabled.' });
    const refused = await login('ana@example.com', ANA_PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('This account is disabled; ask an administrator to enable it.');
    expect((await api(server, 'GET', '/me', { token: body.token })).status).toBe(401);
    expect((await admin(['list-users'])).stdout).toContain(`${ids.ana}\tana@example.com\tAna Lima\tdisabled\t`);
    expect((await admin(['disable-user', '--email', 'ana@example.com'])).stdout).toBe('ana@example.com is already disabled.\n');

    expect(await admin(['enable-user', '--email', 'ana@example.com'])).toEqual({
      code: 0,
      stdout: 'ana@example.com is enabled.\n',
      stderr: '',
    });
    expect((await api(server, 'GET', '/me', { token: body.token })).status).toBe(200);
    expect((await login('ana@example.com', ANA_PASSWORD)).status).toBe(200);
  });

  it('set-password replaces the password: the old one fails, the new one signs in', async () => {
    const changed = await admin(['set-password', '--email', 'ben@example.com', '--password-stdin'], 'a brand new password\r\n');
    expect(changed).toEqual({ code: 0, stdout: 'Password changed for ben@example.com.\n', stderr: '' });
    expect((await login('ben@example.com', BEN_PASSWORD)).status).toBe(401);
    expect((await login('ben@example.com', 'a brand new password')).status).toBe(200);
  });
});
