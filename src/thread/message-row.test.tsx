import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../core/api/fake-fetch.ts';
import { FIXTURE_IDS, FIXTURE_SENDERS, fixturePublicThread } from '../core/protocol/fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import { logEntry, messageEntry } from '../core/testing/timeline-builders.ts';
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

describe('MessageRow and deleted messages (CONTRACT §14)', () => {
  const messageRow = (deleted: boolean): Row => {
    const message = { ...messageEntry(5, FIXTURE_SENDERS.alice, deleted ? '' : 'my card number is 1234'), deleted };
    return { kind: 'message', key: message.key, message, runId: null, grouped: false } as Row;
  };
  const deletable: RowActions = { ...actions, mayDelete: (senderId) => senderId === FIXTURE_SENDERS.alice };

  it('shows a deleted message as "Message deleted" in its place, with no menu', () => {
    const view = renderInInbox(
      <MessageRow row={messageRow(true)} thread={thread} selfSenderId={FIXTURE_SENDERS.alice} actions={deletable} nameOf={() => 'Alice'} />,
      users,
    );
    expect(screen.getByText('Message deleted')).toBeTruthy();
    expect(view.container.textContent).not.toContain('1234');
    expect(screen.queryByRole('button', { name: /actions/ })).toBeNull();
  });

  it('gives a message the user may delete a named menu button with Delete in it', () => {
    renderInInbox(
      <MessageRow
        row={messageRow(false)}
        thread={thread}
        selfSenderId={FIXTURE_SENDERS.alice}
        actions={deletable}
        nameOf={() => 'Alice'}
      />,
      users,
    );
    const button = screen.getByRole('button', { name: 'Message from You: actions' });
    fireEvent.click(button);
    expect(screen.getByRole('menuitem', { name: 'Delete' })).toBeTruthy();
  });

  it('gives no menu where the user may not delete', () => {
    renderInInbox(
      <MessageRow row={messageRow(false)} thread={thread} selfSenderId={FIXTURE_SENDERS.alice} actions={actions} nameOf={() => 'Alice'} />,
      users,
    );
    expect(screen.getByText('my card number is 1234')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /actions/ })).toBeNull();
  });
});
