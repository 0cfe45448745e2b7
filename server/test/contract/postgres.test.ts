import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { freePort } from '../../src/dev/postgres-instance.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, demoWorld, sendBody, startTestServer } from '../support/test-server.ts';
import { withDataKey } from '../support/data-key.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Given in DATABASE_URL; the test server trusts local connections, so any password works. */
const PASSWORD = 'pg-pass-never-printed';
/** How long the real server may take to print its banner or its error. */
const START_TIMEOUT_MS = 45_000;

/** The tests sign in as the seeded demo users, which a deployment (DATABASE_URL) does not get unless asked for. */
const DEMO_DATA = 'true';

async function databaseUrlWithPassword(): Promise<string> {
  const url = new URL(await freshDatabase());
  url.password = PASSWORD;
  return url.toString();
}

/** Runs `server/src/main.ts` until it prints `until` (then stops it with SIGTERM) or exits; returns its output and exit code. */
function runMain(env: NodeJS.ProcessEnv, until: string | null): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: withDataKey({ ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', STATIC_DIR: '/nonexistent-static-dir', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not finish in ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (until !== null && output.includes(until)) child.kill('SIGTERM');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describePostgres('the server on PostgreSQL (DATABASE_URL)', () => {
  it('keeps threads and the log across a restart on the same database, and seqs continue', async () => {
    const DATABASE_URL = await databaseUrlWithPassword();
    const first = await startTestServer({ DATABASE_URL, DEMO_DATA });
    const { alice, bob } = await demoWorld(first);
    const thread = await createThread(first, alice.token, { target_user_ids: [bob.user.id], title: 'Kept' });
    for (const text of ['one', 'two', 'three']) {
      const sent = await api(first, 'POST', `/chat/threads/${thread.id}/messages`, { token: alice.token, body: sendBody(text) });
      expect(sent.status).toBe(201);
    }
    const retry = sendBody('retried');
    const created = await api(first, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: retry });
    const repeated = await api(first, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: retry });
    expect([created.status, repeated.status]).toEqual([201, 200]);
    expect(repeated.body.message).toEqual(created.body.message);
    const before = await api(first, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0&limit=200`, { token: alice.token });
    expect(before.status).toBe(200);
    expect(before.body.events.map((event: { thread_seq: number; content: string | null }) => [event.thread_seq, event.content])).toEqual([
      [1, null],
      [2, null],
      [3, 'one'],
      [4, 'two'],
      [5, 'three'],
      [6, 'retried'],
    ]);
    await first.close();

    const second = await startTestServer({ DATABASE_URL, DEMO_DATA });
    const aliceAgain = await second.login('alice@example.com');
    const after = await api(second, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0&limit=200`, { token: aliceAgain.token });
    expect(after.body.events).toEqual(before.body.events);
    const threads = await api(second, 'GET', '/chat/threads', { token: aliceAgain.token });
    expect(threads.body.threads.map((item: { title: string }) => item.title).sort()).toEqual(['Kept', 'Welcome']);
    const next = await api(second, 'POST', `/chat/threads/${thread.id}/messages`, { token: aliceAgain.token, body: sendBody('after') });
    expect(next.body.message.thread_seq).toBe(7);
    // Seeding ran once: the restart found users and added none.
    const users = await api(second, 'GET', '/users', { token: aliceAgain.token });
    expect(users.body.users.map((user: { name: string }) => user.name)).toEqual(['Alice', 'Bob']);
    await second.close();
    for (const server of [first, second]) expect(readFileSync(server.logFile, 'utf8')).not.toContain(PASSWORD);
  });

  it('prints the database without its password in the banner of the real server', async () => {
    const DATABASE_URL = await databaseUrlWithPassword();
    const { output, code } = await runMain({ DATABASE_URL, DEMO_DATA, PORT: '0', JWT_SECRET: randomUUID() }, 'Demo agent:');
    expect(output).toContain(`Database:     ${DATABASE_URL.replace(PASSWORD, '***')}`);
    expect(output).not.toContain(PASSWORD);
    // It took the SIGTERM sent right after the banner as a graceful stop.
    expect(code).toBe(0);
  });

  it('says in words when DATABASE_URL is wrong or the database cannot be reached, without the password', async () => {
    const wrong = await runMain({ DATABASE_URL: `mysql://root:${PASSWORD}@db/ama2`, PORT: '0' }, null);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain('Configuration error: DATABASE_URL must be a postgres:// or postgresql:// URL');
    const closedPort = await freePort();
    const unreachable = await runMain({ DATABASE_URL: `postgres://ama2:${PASSWORD}@127.0.0.1:${closedPort}/ama2`, PORT: '0' }, null);
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toContain(
      `Could not start: Could not open the PostgreSQL database postgres://ama2:***@127.0.0.1:${closedPort}/ama2:`,
    );
    for (const run of [wrong, unreachable]) expect(run.output).not.toContain(PASSWORD);
  });
});
