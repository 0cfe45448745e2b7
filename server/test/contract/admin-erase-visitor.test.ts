import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/storage/seed-demo-data.ts';
import { runAdminCli, runAdminInTerminal, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import {
  expectGoneOn,
  expectWatchersTold,
  visitorWithData,
  watchErasure,
  type Reachable,
  type VisitorWithData,
} from '../support/erasure.ts';
import { api } from '../support/test-server.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

/**
 * CONTRACT §14 and issue 20: `npm run admin -- erase-visitor` on the SQLite file of a running
 * server process. The server hears of it as of an erasure by REST (it erases, through its
 * control socket): its sockets get thread_deleted, the webhooks too, every path is 404/401.
 */
describe('npm run admin -- erase-visitor on one SQLite server process', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  let reachable: Reachable;
  let alice: string;
  const admin = (args: string[]) => runAdminCli(args, env);

  async function start() {
    server = await startServerProcess(env);
    reachable = { url: server.url, wsUrl: server.url.replace('http', 'ws') };
    const login = await api(reachable, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: DEMO_PASSWORD } });
    alice = login.body.token as string;
  }

  /** The visitor's attachment files beside the SQLite file. */
  const filesOf = (visitor: VisitorWithData) => {
    const folder = join(dir, 'attachments');
    return existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith(visitor.file.id)) : [];
  };

  const visitorFound = async (visitor: VisitorWithData) =>
    (await api(reachable, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: alice })).body.visitors.length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-erase-cli-'));
    env = {
      DATABASE_PATH: join(dir, 'db.sqlite'),
      DEMO_DATA: 'true',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
    };
    await start();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks first: without a terminal it needs --yes, at a terminal any answer but "erase" cancels; nothing changes', async () => {
    const visitor = await visitorWithData(reachable, alice);
    const piped = await admin(['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId]);
    expect(piped).toEqual({
      code: 2,
      stdout: '',
      stderr: 'admin: No terminal to confirm at: add --yes to go ahead without being asked.\n',
    });

    const typed = await runAdminInTerminal(['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId], env, [
      { prompt: 'Type "erase" to go ahead: ', type: 'no\r' },
    ]);
    expect(typed.code).toBe(130);
    expect(typed.output).toContain(
      `This erases visitor ${visitor.visitorId} of "demo" and 1 conversation with every message, note and attachment. It cannot be undone.`,
    );
    expect(typed.output).toContain('admin: Cancelled; nothing was changed.');
    expect(typed.output).not.toContain(visitor.email);
    expect(await visitorFound(visitor)).toBe(1);
    expect(filesOf(visitor).length).toBeGreaterThan(0);
  });

  it('bad arguments get one line that says what is wrong, and erase nothing', { timeout: 120_000 }, async () => {
    const visitor = await visitorWithData(reachable, alice);
    const cases: [string[], number, string][] = [
      [
        ['erase-visitor', '--agent', 'demo', '--yes'],
        2,
        'Missing --visitor. Usage: npm run admin -- erase-visitor --agent SLUG --visitor ID [--yes]',
      ],
      [
        ['erase-visitor', '--agent', 'demo', '--visitor', visitor.email, '--yes'],
        2,
        `--visitor "${visitor.email}" is not a visitor id: give the id (a UUID) that the inbox or GET /agents/{slug}/visitors shows.`,
      ],
      [
        ['erase-visitor', '--agent', 'nope', '--visitor', visitor.visitorId, '--yes'],
        1,
        'No agent has the slug "nope"; see npm run admin -- list-agents.',
      ],
    ];
    for (const [args, code, message] of cases) {
      expect({ args, ...(await admin(args)) }).toEqual({ args, code, stdout: '', stderr: `admin: ${message}\n` });
    }
    expect(await visitorFound(visitor)).toBe(1);
  });

  it('erases through the running server: its sockets and the webhook get thread_deleted, then every path is 404 or 401', async () => {
    const visitor = await visitorWithData(reachable, alice);
    const watchers = await watchErasure([reachable], alice, visitor);
    try {
      const erased = await admin(['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId, '--yes']);
      expect(erased).toEqual({
        code: 0,
        stdout: `Erased visitor ${visitor.visitorId} of "demo" and 1 conversation.\n`,
        stderr: 'The running server erased it: its open sockets and the webhooks got thread_deleted.\n',
      });
      // Done means done: before anything else is awaited, the thread is gone.
      expect((await api(reachable, 'GET', `/chat/threads/${visitor.thread_id}`, { token: alice })).status).toBe(404);
      await expectWatchersTold(watchers, visitor, 'system');
    } finally {
      await watchers.close();
    }
    await expectGoneOn(reachable, alice, visitor);
    expect(filesOf(visitor)).toEqual([]);

    const audit = await admin(['audit', '--agent', 'demo']);
    const entries = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((entry) => entry.action === 'visitor.erased')).toEqual([
      expect.objectContaining({
        actor: 'admin',
        target: `visitor:${visitor.visitorId}`,
        details: { reason: 'erased_by_owner', thread_ids: [visitor.thread_id] },
        address: null,
      }),
    ]);
    expect(audit.stdout).not.toContain(visitor.word);

    // Erased already: refused in words, exit 1.
    const again = await admin(['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId, '--yes']);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: `admin: The agent "demo" has no visitor ${visitor.visitorId} (erased already, or another agent's).\n`,
    });
  });

  it('with no server running it erases alone, delivers the webhook itself, and a server started later finds nothing', async () => {
    const visitor = await visitorWithData(reachable, alice);
    const receiver = await Receiver.start();
    try {
      const subscribed = await api(reachable, 'POST', `/chat/threads/${visitor.thread_id}/webhooks`, {
        token: alice,
        body: { callback_url: receiver.url },
      });
      expect(subscribed.status).toBe(201);
      // The webhook caught up with the log, so that the only delivery left is the erasure's.
      await waitFor('the webhook to catch up', async () => {
        const events = await api(reachable, 'GET', `/chat/threads/${visitor.thread_id}/events?last_thread_seq=0&limit=200`, {
          token: alice,
        });
        const last = events.body.events.at(-1)?.thread_seq as number;
        return receiver.deliveries.some((delivery) => delivery.event?.thread_seq === last);
      });
      await server!.stop();
      server = undefined;

      const typed = await runAdminInTerminal(['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId], env, [
        { prompt: 'Type "erase" to go ahead: ', type: 'erase\r' },
      ]);
      expect(typed.code, typed.output).toBe(0);
      expect(typed.output).toContain(`Erased visitor ${visitor.visitorId} of "demo" and 1 conversation.`);
      expect(typed.output).toContain('No server was running: erased by this command, and the webhooks got thread_deleted.');
      expect(typed.output).not.toContain(visitor.email);
      const farewell = receiver.deliveries.find((delivery) => delivery.event?.event_type === 'thread_deleted');
      expect(farewell?.event).toMatchObject({ thread_id: visitor.thread_id, sender_id: 'system', data: { reason: 'erased_by_owner' } });
    } finally {
      await receiver.close();
    }
    expect(filesOf(visitor)).toEqual([]);
    await start();
    await expectGoneOn(reachable, alice, visitor);
  });
});
