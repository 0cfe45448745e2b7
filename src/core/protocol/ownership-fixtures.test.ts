import { describe, expect, it } from 'vitest';
import { parseEventBody } from './event-data.ts';
import { fixtureEventLog, threadEventFrame } from './fixtures.ts';
import { OWNERSHIP_EVENT_TYPES } from './ownership.ts';
import {
  fixtureSearchPage,
  fixtureThreadCounts,
  fixtureThreadWithoutOwnership,
  fixtureWaitingThread,
  ownershipEventLog,
  ownershipEvents,
} from './ownership-fixtures.ts';
import { parseEventPage, parseSearchPage, threadCountsSchema, threadSchema } from './rest-schemas.ts';
import { parseEvent, parseServerFrame } from './server-frame-schemas.ts';
import * as v from 'valibot';

describe('ownership fixtures (CONTRACT §11)', () => {
  it('cover every ownership event type and continue the fixture log densely (seq 11..16)', () => {
    expect(Object.keys(ownershipEvents).sort()).toEqual([...OWNERSHIP_EVENT_TYPES, 'note_added', 'hidden'].sort());
    expect([...fixtureEventLog, ...ownershipEventLog].map((event) => event.thread_seq)).toEqual(
      Array.from({ length: 16 }, (_, index) => index + 1),
    );
    expect(parseEventPage({ events: ownershipEventLog, has_more: false })).toEqual({ events: ownershipEventLog, has_more: false });
  });

  it.each(ownershipEventLog)('$event_type passes parseEvent and as a thread_event frame, with its data typed', (event) => {
    expect(parseEvent(event)).toEqual(event);
    expect(parseServerFrame(JSON.stringify(threadEventFrame(event)))).toEqual({ ok: true, frame: threadEventFrame(event) });
    expect(parseEventBody(event.event_type, event.data).type).toBe(event.event_type);
  });

  it('types the data of the events the inbox describes', () => {
    expect(parseEventBody('handoff', ownershipEvents.handoff.data)).toEqual({
      type: 'handoff',
      data: { to: ownershipEvents.handoff.data.to, name: 'Alice', by: ownershipEvents.handoff.data.by },
    });
    expect(parseEventBody('assignee_changed', { assignee_id: null, previous: 'user:x', by: 'user:x' })).toMatchObject({
      type: 'assignee_changed',
      data: { assignee_id: null },
    });
    expect(
      parseEventBody('status_changed', { status: 'snoozed', previous: 'open', by: 'user:x', snoozed_until: '2026-04-10T08:00:00Z' }),
    ).toMatchObject({ type: 'status_changed', data: { status: 'snoozed', snoozed_until: '2026-04-10T08:00:00Z' } });
    // Data that does not fit keeps the event's place in the log as `other`.
    expect(parseEventBody('status_changed', { status: 'archived' })).toEqual({ type: 'other', name: 'status_changed', invalid: true });
    expect(parseEventBody('note_added', { note_id: 'n' })).toEqual({ type: 'other', name: 'note_added', invalid: true });
  });

  it('reads the thread fields, and a thread without them (a server without ownership) as before', () => {
    expect(v.parse(threadSchema, fixtureWaitingThread)).toMatchObject({
      status: 'waiting',
      assignee_id: null,
      agent_paused: false,
      waiting_since: fixtureWaitingThread.waiting_since,
      snoozed_until: null,
    });
    const plain = v.parse(threadSchema, fixtureThreadWithoutOwnership);
    expect(plain.status).toBeUndefined();
    expect(plain.agent_paused).toBeUndefined();
    // A status this client does not know yet does not drop the thread.
    expect(v.parse(threadSchema, { ...fixtureWaitingThread, status: 'archived' }).status).toBe('archived');
  });

  it('reads the queue counts; a missing count is 0', () => {
    expect(v.parse(threadCountsSchema, fixtureThreadCounts)).toEqual(fixtureThreadCounts);
    expect(v.parse(threadCountsSchema, { waiting: 2 })).toEqual({ waiting: 2, mine: 0, unassigned: 0, open: 0, resolved: 0, snoozed: 0 });
    expect(() => v.parse(threadCountsSchema, { waiting: -1 })).toThrow();
  });

  it('reads a search page; a bad result is dropped and reported, a highlight past its text is dropped', () => {
    expect(parseSearchPage(fixtureSearchPage)).toEqual(fixtureSearchPage);
    const invalid: unknown[] = [];
    const page = parseSearchPage(
      {
        results: [
          {
            thread_id: 't',
            event_type: 'message_committed',
            snippet: {
              text: 'abc',
              highlights: [
                [0, 2],
                [1, 9],
              ],
            },
          },
          { event_type: 'message_committed', snippet: { text: 'no thread' } },
          { thread_id: 't', event_type: 'message_committed', snippet: { text: 'reversed', highlights: [[3, 1]] } },
        ],
      },
      (kind, type) => invalid.push([kind, type]),
    );
    expect(page).toEqual({
      results: [{ thread_id: 't', event_type: 'message_committed', sender_id: null, snippet: { text: 'abc', highlights: [[0, 2]] } }],
      next_cursor: null,
    });
    expect(invalid).toEqual([
      ['search_result', null],
      ['search_result', null],
    ]);
  });
});
