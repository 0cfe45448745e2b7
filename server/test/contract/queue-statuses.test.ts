import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, createThread, startTestServer, type TestServer } from '../support/test-server.ts';
import { describeEachStorage } from '../support/each-storage.ts';

/** An hour ahead: a snooze that does not wake during the test. */
const SNOOZE_AHEAD_MS = 60 * 60 * 1000;

type User = Awaited<ReturnType<TestServer['addUser']>>;

/**
 * `GET /chat/threads?status=` with a comma list of statuses (CONTRACT §11 [ext]): Mine and
 * Unassigned as the inbox shows them (`status=open,waiting`) list exactly what
 * `GET /chat/threads/counts` counts under `mine` and `unassigned`. On SQLite and on
 * PostgreSQL.
 */
describeEachStorage('queues: status takes a comma list of statuses', (storageEnv) => {
  let server: TestServer;
  let dave: User;
  let erin: User;
  /** Dave's threads by what they are. */
  const threads: Record<string, string> = {};

  const ids = async (query: string) => {
    const page = await api(server, 'GET', `/chat/threads?${query}`, { token: dave.token });
    expect(page.status).toBe(200);
    return page.body.threads.map((thread: { id: string }) => thread.id) as string[];
  };
  const sorted = (...names: string[]) => names.map((name) => threads[name]!).sort();

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    dave = await server.addUser('Dave');
    erin = await server.addUser('Erin');
    const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    const make = async (name: string, status: string | null, assignee: string | null) => {
      const thread = await createThread(server, dave.token, { target_user_ids: [erin.user.id], title: `${name} ${randomUUID()}` });
      if (assignee) {
        const assigned = await api(server, 'PUT', `/chat/threads/${thread.id}/assignee`, {
          token: dave.token,
          body: { assignee_id: assignee },
        });
        expect(assigned.status).toBe(200);
      }
      if (status) {
        const body = status === 'snoozed' ? { status, snoozed_until: until } : { status };
        expect((await api(server, 'PUT', `/chat/threads/${thread.id}/status`, { token: dave.token, body })).status).toBe(200);
      }
      threads[name] = thread.id;
    };
    const me = `user:${dave.user.id}`;
    await make('mine open', null, me);
    await make('mine waiting', 'waiting', me);
    await make('mine resolved', 'resolved', me);
    await make('mine snoozed', 'snoozed', me);
    await make('unassigned open', null, null);
    await make('unassigned waiting', 'waiting', null);
    await make('unassigned resolved', 'resolved', null);
    await make('erin’s waiting', 'waiting', `user:${erin.user.id}`);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('Mine and Unassigned with status=open,waiting list exactly what the counts count', async () => {
    const counts = await api(server, 'GET', '/chat/threads/counts', { token: dave.token });
    expect(counts.body).toEqual({ waiting: 3, mine: 2, unassigned: 2, open: 2, resolved: 2, snoozed: 1 });
    const mine = await ids('assignee=me&status=open,waiting');
    expect(mine.sort()).toEqual(sorted('mine open', 'mine waiting'));
    expect(mine.length).toBe(counts.body.mine);
    const unassigned = await ids('assignee=none&status=open,waiting');
    expect(unassigned.sort()).toEqual(sorted('unassigned open', 'unassigned waiting'));
    expect(unassigned.length).toBe(counts.body.unassigned);
  });

  it('several statuses list newest activity first and page with the cursor; a repeated status counts once; one status still works', async () => {
    const all = await ids('status=waiting,resolved&limit=100');
    expect([...all].sort()).toEqual(sorted('mine waiting', 'mine resolved', 'unassigned waiting', 'unassigned resolved', 'erin’s waiting'));
    // The plain list's order (newest activity first), filtered.
    const plain = await ids('limit=100');
    expect(all).toEqual(plain.filter((id) => all.includes(id)));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await api(
        server,
        'GET',
        `/chat/threads?status=waiting,resolved&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        {
          token: dave.token,
        },
      );
      expect(page.status).toBe(200);
      paged.push(...page.body.threads.map((thread: { id: string }) => thread.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(await ids('status=open,open&assignee=me')).toEqual([threads['mine open']]);
    expect(await ids('status=snoozed')).toEqual([threads['mine snoozed']]);
    expect((await ids('status=waiting')).sort()).toEqual(sorted('mine waiting', 'unassigned waiting', 'erin’s waiting'));
  });

  it('a status list that is not statuses is a 400 in the contract’s shape', async () => {
    for (const status of ['open,bogus', 'open,', ',', '', 'OPEN', 'open, waiting', 'open,waiting,resolved,snoozed,open']) {
      const answer = await api(server, 'GET', `/chat/threads?status=${encodeURIComponent(status)}`, { token: dave.token });
      expect(answer.status, status).toBe(400);
      expect(answer.body, status).toEqual({ error: { code: 'client_error', message: expect.any(String), retryable: false } });
    }
  });
});
