import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../core/api/fake-fetch.ts';
import { FIXTURE_IDS, FIXTURE_SENDERS, fixturePublicThread } from '../core/protocol/fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import { logEntry } from '../core/testing/timeline-builders.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import type { Row } from './build-rows.ts';
import { usePersonName } from '../ownership/people.ts';
import { MessageRow, type RowActions } from './message-row.tsx';

afterEach(() => cleanup());

/** Vera's thread with the agent Demo: Alice and Bob, the agent's owners, are not participants. */
const thread = fixturePublicThread as InboundThread;
const actions: RowActions = { retry() {}, discard() {}, edit() {}, decide: async () => {} };
/** The user directory the server answers: the agent's owners, who are not participants of a visitor thread. */
const users = () => json({ users: [{ id: FIXTURE_IDS.bob, name: 'Bob', email: 'bob@example.com', avatar_url: null }] });

/** One row as the message list renders it: the names come from the thread's `usePersonName`. */
function ListedRow({ row }: { row: Row }) {
  const nameOf = usePersonName(thread);
  return <MessageRow row={row} thread={thread} selfSenderId={FIXTURE_SENDERS.alice} actions={actions} nameOf={nameOf} />;
}

/** A line of the visitor thread (Vera and the agent Demo) for an event by `senderId`. */
function noticeRow(type: string, data: Record<string, unknown>, senderId: string): Row {
  const entry = logEntry(7, type, data, { senderId }) as EventEntry;
  return { kind: 'notice', key: `event|${entry.key}`, seq: 7, entry, runId: null, inRunCard: false };
}

describe('MessageRow names who did it', () => {
  it('names an agent owner who is not a participant of the visitor thread (the user directory)', async () => {
    const row = noticeRow('mode_changed', { participation_mode: 'invocation_only' }, FIXTURE_SENDERS.bob);
    renderInInbox(<ListedRow row={row} />, users);
    expect(await screen.findByText('Bob set the thread to answer only when mentioned')).toBeTruthy();
  });

  it('names the signed-in user even before the directory has answered', () => {
    const row = noticeRow('mode_changed', { participation_mode: 'open' }, FIXTURE_SENDERS.alice);
    const view = renderInInbox(<ListedRow row={row} />, () => new Promise<Response>(() => {}));
    expect(view.container.textContent).toBe('Alice set the thread to answer every message');
  });
});
