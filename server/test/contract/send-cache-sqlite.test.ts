import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_DISABLED_MESSAGE, SESSION_ENDED_MESSAGE } from '../../src/http/authenticate.ts';
import { runAdminCli, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import { api, sendBody } from '../support/test-server.ts';

const CAROL = 'carol@example.com';
const DAN = 'dan@example.com';
const ERIN = 'erin@example.com';
const USER_PASSWORD = 'a password for the test';
const DAN_NEW_PASSWORD = 'a new password for Dan';

interface Session {
  token: string;
  user: { id: string };
}

/**
 * The send cache on SQLite (SendPathCache): the admin CLI writes the file from another
 * process, which no server hears of; the commit's own check of the sender makes the change
 * hold at once for the next send, though the server had the account and access cached.
 */
describe('the send cache of a real server on SQLite, and the admin CLI writing the same file', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  const admin = (args: string[], input?: string) => runAdminCli(args, env, input);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-send-cache-sqlite-'));
    env = { DATABASE_PATH: join(dir, 'db.sqlite') };
    for (const [email, name] of [
      [CAROL, 'Carol'],
      [DAN, 'Dan'],
      [ERIN, 'Erin'],
    ] as const) {
      const created = await admin(['create-user', '--email', email, '--name', name, '--password-stdin'], `${USER_PASSWORD}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    server = await startServerProcess({ ...env, DEMO_DATA: 'false' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (email: string, password: string): Promise<Session> => {
    const response = await api(server, 'POST', '/auth/login', { body: { email, password } });
    expect(response.status).toBe(200);
    return response.body as Session;
  };
  const newThread = async (owner: Session, other: Session): Promise<string> => {
    const response = await api(server, 'POST', '/chat/threads', { token: owner.token, body: { target_user_ids: [other.user.id] } });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const send = (session: Session, threadId: string, content: string) =>
    api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: session.token, body: sendBody(content) });
  const lastSeq = async (session: Session, threadId: string) =>
    (await api(server, 'GET', `/chat/threads/${threadId}`, { token: session.token })).body.last_seq as number;

  it('a user disabled with npm run admin is refused on their next send, though their sends were cached; enabled again, they post', async () => {
    const carol = await login(CAROL, USER_PASSWORD);
    const erin = await login(ERIN, USER_PASSWORD);
    const threadId = await newThread(carol, erin);
    // Twice: the second send is decided from the cache.
    for (const content of ['one', 'two']) expect((await send(carol, threadId, content)).status).toBe(201);
    const seqBefore = await lastSeq(erin, threadId);

    const disabled = await admin(['disable-user', '--email', CAROL]);
    expect(disabled.code, disabled.stderr).toBe(0);
    const refused = await send(carol, threadId, 'after the disable');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(ACCOUNT_DISABLED_MESSAGE);
    expect(await lastSeq(erin, threadId)).toBe(seqBefore);
    // Others on the thread go on.
    expect((await send(erin, threadId, 'still here')).status).toBe(201);

    const enabled = await admin(['enable-user', '--email', CAROL]);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect((await send(carol, threadId, 'back again')).status).toBe(201);
    expect(await lastSeq(erin, threadId)).toBe(seqBefore + 2);
  });

  it('a password set with npm run admin ends the old token at its next send, though the account was cached; the new one posts', async () => {
    const dan = await login(DAN, USER_PASSWORD);
    const erin = await login(ERIN, USER_PASSWORD);
    const threadId = await newThread(dan, erin);
    for (const content of ['one', 'two']) expect((await send(dan, threadId, content)).status).toBe(201);
    const seqBefore = await lastSeq(erin, threadId);

    const changed = await admin(['set-password', '--email', DAN, '--password-stdin'], `${DAN_NEW_PASSWORD}\n`);
    expect(changed.code, changed.stderr).toBe(0);
    const refused = await send(dan, threadId, 'with the old token');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(SESSION_ENDED_MESSAGE);
    expect(await lastSeq(erin, threadId)).toBe(seqBefore);

    const renewed = await login(DAN, DAN_NEW_PASSWORD);
    expect((await send(renewed, threadId, 'with the new token')).status).toBe(201);
    expect(await lastSeq(erin, threadId)).toBe(seqBefore + 1);
  });
});
