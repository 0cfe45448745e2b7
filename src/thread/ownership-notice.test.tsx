import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../core/api/fake-fetch.ts';
import { FIXTURE_SENDERS, fixtureThread } from '../core/protocol/fixtures.ts';
import { ownershipEvents } from '../core/protocol/ownership-fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import { logEntry } from '../core/testing/timeline-builders.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { isOwnershipBody, OwnershipNotice } from './ownership-notice.tsx';

afterEach(() => cleanup());

/** Ana and Ben are users of the thread; Demo is its agent. */
const thread = {
  ...fixtureThread,
  participants: [
    { sender_id: FIXTURE_SENDERS.alice, name: 'Ana', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.bob, name: 'Ben', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.agent, name: 'Demo', avatar_url: null },
  ],
} as InboundThread;

function line(type: string, data: Record<string, unknown>, senderId: string = FIXTURE_SENDERS.alice): string {
  const entry = logEntry(20, type, data, { senderId, createdAt: '2026-04-09T10:00:20.000Z' }) as EventEntry;
  if (!isOwnershipBody(entry.body)) throw new Error(`${type} is not an ownership event`);
  const view = renderInInbox(<OwnershipNotice entry={entry} body={entry.body} thread={thread} />, () => json({ users: [] }));
  const text = view.container.textContent ?? '';
  view.unmount();
  return text;
}

describe('OwnershipNotice', () => {
  it('says each change as a quiet line', () => {
    const ana = FIXTURE_SENDERS.alice;
    expect(line('handoff', { to: ana, name: 'Ana', by: ana })).toBe('Ana took over from Demo');
    expect(line('status_changed', { status: 'resolved', previous: 'open', by: ana })).toBe('Resolved by Ana');
    expect(line('assignee_changed', { assignee_id: FIXTURE_SENDERS.bob, previous: null, by: ana })).toBe('Assigned to Ben by Ana');
    expect(line('handback', { by: ana })).toBe('Handed back to Demo by Ana');
    expect(line('assignee_changed', { assignee_id: null, previous: ana, by: ana })).toBe('Unassigned by Ana');
    expect(line('status_changed', { status: 'open', previous: 'resolved', by: 'system' }, 'system')).toBe('Reopened');
    expect(line('status_changed', { status: 'open', previous: 'snoozed', by: 'system' }, 'system')).toBe('Back from snooze');
    expect(line('status_changed', { status: 'waiting', previous: 'open', by: 'system' }, 'system')).toBe('Waiting for a person');
  });

  it('shows a note as a note, set apart, with who wrote it and that only the team sees it', () => {
    const entry = logEntry(13, 'note_added', ownershipEvents.note_added.data, { senderId: FIXTURE_SENDERS.alice }) as EventEntry;
    if (!isOwnershipBody(entry.body)) throw new Error('not a note');
    renderInInbox(<OwnershipNotice entry={entry} body={entry.body} thread={thread} />, () => json({ users: [] }));
    const note = screen.getByRole('note', { name: 'Note by Ana' });
    expect(note.textContent).toContain('Refund approved by finance.');
    expect(note.textContent).toContain('Only your team sees this');
  });
});
