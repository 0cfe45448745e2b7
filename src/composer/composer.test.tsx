import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { contractError, json } from '../core/api/fake-fetch.ts';
import { fixtureThreadWithoutOwnership, fixtureWaitingThread, ownershipEvents } from '../core/protocol/ownership-fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { Composer } from './composer.tsx';
import { useDrafts } from './draft-store.ts';

afterEach(() => {
  cleanup();
  useDrafts.setState({ drafts: {} });
});

const thread = fixtureWaitingThread as InboundThread;

function renderComposer(answers: Response[] = [], current: InboundThread = thread) {
  const view = renderInInbox(
    <Composer threadId={current.id} thread={current} />,
    () => answers.shift() ?? json(ownershipEvents.note_added, 201),
  );
  const notes = () => view.requests.filter((request) => request.url.pathname.endsWith('/notes'));
  const box = () => screen.getByRole('combobox');
  const type = (text: string) => fireEvent.change(box(), { target: { value: text, selectionStart: text.length } });
  return { ...view, notes, box, type };
}

describe('Composer Reply and Note modes (CONTRACT §11)', () => {
  it('switches with Alt+N; a note is set apart, says who sees it, and its button says so', () => {
    renderComposer();
    expect(screen.getByRole('button', { name: 'Reply' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Send reply' })).toBeDefined();
    fireEvent.keyDown(screen.getByRole('combobox', { name: 'Message' }), { key: 'n', code: 'KeyN', altKey: true });
    expect(screen.getByRole('button', { name: 'Note' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('combobox', { name: 'Note' })).toBeDefined();
    expect(screen.getByText('Only your team sees this')).toBeDefined();
    expect(screen.getByRole('button', { name: 'Add note' })).toBeDefined();
    fireEvent.keyDown(screen.getByRole('combobox', { name: 'Note' }), { key: 'n', code: 'KeyN', altKey: true });
    expect(screen.getByRole('button', { name: 'Send reply' })).toBeDefined();
  });

  it('saves a note with its client_message_id, never as a message and without typing; the draft goes once it is saved', async () => {
    const { notes, type, box, requests, connection } = renderComposer();
    fireEvent.click(screen.getByRole('button', { name: 'Note' }));
    type('Refund approved by finance.');
    fireEvent.keyDown(box(), { key: 'Enter' });
    await waitFor(() => expect(box()).toHaveProperty('value', ''));
    expect(notes()).toHaveLength(1);
    expect(notes()[0]!.body).toEqual({ content: 'Refund approved by finance.', client_message_id: expect.any(String) });
    expect(requests.filter((request) => request.url.pathname.endsWith('/messages'))).toHaveLength(0);
    expect(connection.sent.filter((frame) => frame.type === 'typing' || frame.type === 'send_message')).toEqual([]);
  });

  it('keeps the text when a save fails and retries under the same client_message_id', async () => {
    const { notes, type, box } = renderComposer([contractError(503, 'unavailable', 'The server is restarting.', true)]);
    fireEvent.click(screen.getByRole('button', { name: 'Note' }));
    type('Call back at 5');
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The note was not saved: The server is restarting. Your text is kept; send again to retry.',
    );
    expect(box()).toHaveProperty('value', 'Call back at 5');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add note' })));
    await waitFor(() => expect(box()).toHaveProperty('value', ''));
    expect(notes()).toHaveLength(2);
    expect(notes()[1]!.body).toEqual(notes()[0]!.body);
  });

  it('keeps a reply draft and a note draft apart', () => {
    const { type, box } = renderComposer();
    type('Hello there');
    fireEvent.click(screen.getByRole('button', { name: 'Note' }));
    expect(box()).toHaveProperty('value', '');
    type('internal');
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    expect(box()).toHaveProperty('value', 'Hello there');
  });

  it('has no modes on a server without notes', () => {
    renderComposer([], fixtureThreadWithoutOwnership as InboundThread);
    expect(screen.queryByRole('button', { name: 'Note' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDefined();
  });
});
