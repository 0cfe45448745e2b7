/**
 * Examples of what CONTRACT §11 adds (ownership, notes, queues, search), checked against the
 * schemas in `ownership-fixtures.test.ts` and shared by unit and component tests. The events
 * continue the dense log of `fixtures.ts` ({@link FIXTURE_IDS.thread}, seq 11..16).
 */
import { FIXTURE_IDS, FIXTURE_SENDERS, fixtureThread, fixtureTime } from './fixtures.ts';
import type { OwnershipEventType, Thread, ThreadEvent } from './model.ts';

const ownershipEvent = <K extends OwnershipEventType>(
  thread_seq: number,
  event_type: K,
  sender_id: string,
  data: Record<string, unknown>,
): ThreadEvent & { event_type: K } => ({
  event_id: `e0e0e0e0-0000-4000-8000-${String(thread_seq).padStart(12, '0')}`,
  thread_id: FIXTURE_IDS.thread,
  thread_seq,
  event_type,
  sender_id,
  content: null,
  created_at: fixtureTime(thread_seq),
  data,
});

/** One event of every ownership type (CONTRACT §11), in log order: seq 11..16. */
export const ownershipEvents: { [K in OwnershipEventType]: ThreadEvent & { event_type: K } } = {
  status_changed: ownershipEvent(11, 'status_changed', 'system', { status: 'waiting', previous: 'open', by: 'system' }),
  handoff: ownershipEvent(12, 'handoff', FIXTURE_SENDERS.alice, { to: FIXTURE_SENDERS.alice, name: 'Alice', by: FIXTURE_SENDERS.alice }),
  note_added: ownershipEvent(13, 'note_added', FIXTURE_SENDERS.alice, {
    note_id: 'n0e0e0e0-0000-4000-8000-000000000013',
    content: 'Refund approved by finance.',
    client_message_id: 'note-1',
  }),
  assignee_changed: ownershipEvent(14, 'assignee_changed', FIXTURE_SENDERS.alice, {
    assignee_id: FIXTURE_SENDERS.bob,
    previous: FIXTURE_SENDERS.alice,
    by: FIXTURE_SENDERS.alice,
  }),
  handback: ownershipEvent(15, 'handback', FIXTURE_SENDERS.bob, { by: FIXTURE_SENDERS.bob }),
  hidden: { thread_id: FIXTURE_IDS.thread, thread_seq: 16, event_type: 'hidden', created_at: fixtureTime(16) } as ThreadEvent & {
    event_type: 'hidden';
  },
};

/** The ownership events as the poll endpoint returns them after seq 10: ascending, dense. */
export const ownershipEventLog: ThreadEvent[] = Object.values(ownershipEvents).sort((a, b) => a.thread_seq - b.thread_seq);

/** {@link fixtureThread} waiting for a person since seq 11, unassigned, the agent still answering. */
export const fixtureWaitingThread: Thread = {
  ...fixtureThread,
  status: 'waiting',
  assignee_id: null,
  agent_paused: false,
  waiting_since: fixtureTime(11),
  snoozed_until: null,
};

/** {@link fixtureThread} as a server without ownership (CONTRACT §11) sends it: none of the ownership fields. */
export const fixtureThreadWithoutOwnership: Thread = Object.fromEntries(
  Object.entries(fixtureThread).filter(
    ([key]) => !['status', 'assignee_id', 'agent_paused', 'waiting_since', 'snoozed_until'].includes(key),
  ),
) as unknown as Thread;

/** The caller's queue counts (`GET /chat/threads/counts`). */
export const fixtureThreadCounts = { waiting: 3, mine: 2, unassigned: 4, open: 7, resolved: 12, snoozed: 1 };

/** A search answer (`GET /chat/search?q=refund`): a thread by its title first, then a message and a note. */
export const fixtureSearchPage = {
  results: [
    {
      thread_id: FIXTURE_IDS.publicThread,
      event_type: 'thread',
      sender_id: null,
      created_at: fixtureTime(0),
      snippet: { text: 'Refund for Vera', highlights: [[0, 6]] },
    },
    {
      thread_id: FIXTURE_IDS.thread,
      thread_seq: 1,
      event_type: 'message_committed',
      sender_id: FIXTURE_SENDERS.alice,
      created_at: fixtureTime(1),
      snippet: { text: '…can you <b>refund</b> order 42?', highlights: [[12, 18]] },
    },
    {
      thread_id: FIXTURE_IDS.thread,
      thread_seq: 13,
      event_type: 'note_added',
      sender_id: FIXTURE_SENDERS.alice,
      created_at: fixtureTime(13),
      snippet: { text: 'Refund approved by finance.', highlights: [[0, 6]] },
    },
  ],
  next_cursor: 'c2',
};
