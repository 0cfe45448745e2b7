import { describe, expect, it } from 'vitest';
import { FIXTURE_IDS, FIXTURE_SENDERS } from '../protocol/fixtures.ts';
import { fixtureSearchPage, fixtureThreadCounts, fixtureWaitingThread, ownershipEvents } from '../protocol/ownership-fixtures.ts';
import { ApiError } from './api-error.ts';
import { contractError, fakeFetch, json, type FakeHandler } from './fake-fetch.ts';
import { createInboxApi } from './inbox-api.ts';

const THREAD = FIXTURE_IDS.thread;

function inbox(handler: FakeHandler) {
  const fake = fakeFetch(handler);
  const invalid: Array<[string, string | null]> = [];
  const api = createInboxApi({
    serverUrl: 'http://fake.test',
    getToken: () => 'jwt',
    fetch: fake.fetch,
    onInvalidItem: (kind, type) => invalid.push([kind, type]),
  });
  return { api, requests: fake.requests, invalid };
}

const wire = (request: { method: string; url: URL; body: unknown }) => [
  request.method,
  `${request.url.pathname}${request.url.search}`,
  request.body,
];

describe('ownership calls (CONTRACT §11)', () => {
  it('lists a queue with its filters and reads the counts', async () => {
    const { api, requests } = inbox((request) =>
      request.url.pathname.endsWith('/counts') ? json(fixtureThreadCounts) : json({ threads: [fixtureWaitingThread], next_cursor: null }),
    );
    expect(await api.listQueue({ status: 'waiting' }, { limit: 50 })).toEqual({ threads: [fixtureWaitingThread], next_cursor: null });
    await api.listQueue({ assignee: 'me', kind: 'public' }, { cursor: 'c2' });
    expect(await api.threadCounts()).toEqual(fixtureThreadCounts);
    expect(requests.map(wire)).toEqual([
      ['GET', '/api/v1/chat/threads?status=waiting&limit=50', undefined],
      ['GET', '/api/v1/chat/threads?assignee=me&kind=public&cursor=c2', undefined],
      ['GET', '/api/v1/chat/threads/counts', undefined],
    ]);
  });

  it('sends each change as the contract spells it, and reads a thread when the answer is one', async () => {
    const { api, requests } = inbox((request) =>
      request.url.pathname.endsWith('/status')
        ? json({ thread: { ...fixtureWaitingThread, status: 'resolved' } })
        : new Response(null, { status: 204 }),
    );
    expect((await api.setStatus(THREAD, 'resolved'))?.status).toBe('resolved');
    await api.setStatus(THREAD, 'snoozed', '2026-04-10T07:00:00.000Z');
    expect(await api.setAssignee(THREAD, FIXTURE_SENDERS.bob)).toBeNull();
    await api.setAssignee(THREAD, null);
    expect(await api.takeOver(THREAD)).toBeNull();
    await api.handBack(THREAD);
    const base = `/api/v1/chat/threads/${THREAD}`;
    expect(requests.map(wire)).toEqual([
      ['PUT', `${base}/status`, { status: 'resolved' }],
      ['PUT', `${base}/status`, { status: 'snoozed', snoozed_until: '2026-04-10T07:00:00.000Z' }],
      ['PUT', `${base}/assignee`, { assignee_id: FIXTURE_SENDERS.bob }],
      ['PUT', `${base}/assignee`, { assignee_id: null }],
      ['POST', `${base}/takeover`, undefined],
      ['POST', `${base}/handback`, undefined],
    ]);
  });

  it('rejects with the contract error when an assignee cannot read the thread', async () => {
    const { api } = inbox(() => contractError(400, 'client_error', 'Ben cannot read this thread.'));
    const error: unknown = await api.setAssignee(THREAD, 'user:ben').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'client_error', message: 'Ben cannot read this thread.', retryable: false, status: 400 });
  });

  it('adds a note and reads its event from the event, the note, or not at all', async () => {
    const event = ownershipEvents.note_added;
    const answers: unknown[] = [
      event,
      {
        note: {
          id: event.data.note_id,
          thread_seq: 13,
          sender_id: event.sender_id,
          content: event.data.content,
          client_message_id: 'note-1',
          created_at: event.created_at,
        },
      },
      { ok: true },
    ];
    const { api, requests } = inbox(() => json(answers.shift(), 201));
    const body = { content: 'Refund approved by finance.', client_message_id: 'note-1' };
    expect(await api.addNote(THREAD, body)).toEqual(event);
    expect(await api.addNote(THREAD, body)).toMatchObject({
      thread_id: THREAD,
      thread_seq: 13,
      event_type: 'note_added',
      sender_id: event.sender_id,
      data: { note_id: event.data.note_id, content: body.content, client_message_id: 'note-1' },
    });
    expect(await api.addNote(THREAD, body)).toBeNull();
    expect(requests.map(wire)[0]).toEqual(['POST', `/api/v1/chat/threads/${THREAD}/notes`, body]);
  });

  it('searches with the query, the thread and the cursor', async () => {
    const { api, requests } = inbox(() => json(fixtureSearchPage));
    expect(await api.search({ q: 'refund "order 42"', threadId: THREAD, limit: 20, cursor: 'c1' })).toEqual(fixtureSearchPage);
    expect(requests[0]!.url.pathname).toBe('/api/v1/chat/search');
    const params = requests[0]!.url.searchParams;
    expect([params.get('q'), params.get('thread_id'), params.get('limit'), params.get('cursor')]).toEqual([
      'refund "order 42"',
      THREAD,
      '20',
      'c1',
    ]);
  });
});
