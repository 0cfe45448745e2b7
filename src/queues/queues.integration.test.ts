/**
 * The inbox's queues against the real local server (CONTRACT §11): what each queue asks
 * `GET /chat/threads` for lists exactly what `GET /chat/threads/counts` counts for it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { createInboxApi, type InboxApi } from '../core/api/inbox-api.ts';
import type { ThreadStatus } from '../core/protocol/model.ts';
import { QUEUE_FILTERS, inQueue } from './queues.ts';

/** An hour ahead: a snooze that does not wake during the test. */
const SNOOZE_AHEAD_MS = 60 * 60 * 1000;

let server: TestServer;
let api: InboxApi;
let self: string;
/** The caller's threads by what they are. */
const threads: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const dave = await server.addUser('Dave');
  const erin = await server.addUser('Erin');
  api = createInboxApi({ serverUrl: server.url, getToken: () => dave.token });
  self = `user:${dave.user.id}`;
  const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
  const make = async (name: string, status: ThreadStatus | null, assignee: string | null) => {
    const thread = await api.createThread({ target_user_ids: [erin.user.id], title: `${name} ${randomUUID()}` });
    if (assignee) await api.setAssignee(thread.id, assignee);
    if (status) await api.setStatus(thread.id, status, status === 'snoozed' ? until : null);
    threads[name] = thread.id;
  };
  await make('mine open', null, self);
  await make('mine waiting', 'waiting', self);
  await make('mine resolved', 'resolved', self);
  await make('mine snoozed', 'snoozed', self);
  await make('unassigned open', null, null);
  await make('unassigned waiting', 'waiting', null);
  await make('unassigned resolved', 'resolved', null);
  await make('unassigned snoozed', 'snoozed', null);
});
afterAll(() => server.close());

const named = (...names: string[]) => names.map((name) => threads[name]!).sort();

describe('queues agree with their counts', () => {
  it('Mine and Unassigned list the open and waiting threads their counts count, not the resolved or snoozed ones', async () => {
    const counts = await api.threadCounts();
    expect(counts).toEqual({ waiting: 2, mine: 2, unassigned: 2, open: 2, resolved: 2, snoozed: 2 });
    const mine = (await api.listQueue(QUEUE_FILTERS.mine)).threads;
    expect(mine.map((thread) => thread.id).sort()).toEqual(named('mine open', 'mine waiting'));
    expect(mine.length).toBe(counts.mine);
    const unassigned = (await api.listQueue(QUEUE_FILTERS.unassigned)).threads;
    expect(unassigned.map((thread) => thread.id).sort()).toEqual(named('unassigned open', 'unassigned waiting'));
    expect(unassigned.length).toBe(counts.unassigned);
    // What the server lists, the list keeps.
    expect(mine.filter((thread) => inQueue(thread, 'mine', self))).toEqual(mine);
    expect(unassigned.filter((thread) => inQueue(thread, 'unassigned', self))).toEqual(unassigned);
  });

  it('each status queue lists as many threads as its count says', async () => {
    const counts = await api.threadCounts();
    for (const queue of ['waiting', 'open', 'resolved', 'snoozed'] as const)
      expect((await api.listQueue(QUEUE_FILTERS[queue])).threads.length, queue).toBe(counts[queue]);
  });
});
