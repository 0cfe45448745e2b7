import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractError, json } from '../core/api/fake-fetch.ts';
import { FIXTURE_SENDERS } from '../core/protocol/fixtures.ts';
import { fixtureWaitingThread } from '../core/protocol/ownership-fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { OwnershipBar } from './ownership-bar.tsx';
import { renderInInbox } from './render-in-inbox.tsx';
import { MORNING_HOUR } from './snooze-times.ts';
import { NARROW_QUERY } from '../ui/use-media-query.ts';
import { installModalDialogs } from '../ui/testing/modal-dialogs.ts';

beforeAll(() => {
  installModalDialogs();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const NOW = new Date(2026, 3, 9, 15, 30).getTime();
const thread = fixtureWaitingThread as InboundThread;

function renderBar(props: Partial<InboundThread> = {}, refuse = false) {
  const result = renderInInbox(<OwnershipBar thread={{ ...thread, ...props }} />, (request) => {
    if (request.url.pathname.endsWith('/users')) return json({ users: [] });
    if (refuse) return contractError(403, 'forbidden', 'You cannot read this thread.');
    return new Response(null, { status: 204 });
  });
  const changes = () =>
    result.requests
      .filter((request) => request.method !== 'GET')
      .map((request) => [request.method, request.url.pathname.replace(`/api/v1/chat/threads/${thread.id}`, ''), request.body]);
  return { ...result, changes };
}

describe('OwnershipBar', () => {
  it('takes over, assigns, resolves: each as the contract spells it', async () => {
    const { changes } = renderBar();
    const bar = screen.getByRole('group', { name: 'Who has this conversation' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Take over' }));
    await waitFor(() => expect(changes()).toHaveLength(1));
    fireEvent.change(within(bar).getByRole('combobox', { name: 'Assignee' }), { target: { value: FIXTURE_SENDERS.bob } });
    await waitFor(() => expect(changes()).toHaveLength(2));
    fireEvent.click(within(bar).getByRole('button', { name: 'Resolve' }));
    await waitFor(() => expect(changes()).toHaveLength(3));
    fireEvent.change(within(bar).getByRole('combobox', { name: 'Status' }), { target: { value: 'waiting' } });
    await waitFor(() => expect(changes()).toHaveLength(4));
    expect(changes()).toEqual([
      ['POST', '/takeover', undefined],
      ['PUT', '/assignee', { assignee_id: FIXTURE_SENDERS.bob }],
      ['PUT', '/status', { status: 'resolved' }],
      ['PUT', '/status', { status: 'waiting' }],
    ]);
    // The people who can read it: Alice (you) and Bob; the agent and nobody else.
    expect(
      within(bar)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Open', 'Waiting', 'Resolved', 'Nobody', 'Alice (you)', 'Bob']);
  });

  it('hands back to the agent while it is paused, and reopens a resolved thread', async () => {
    const { changes } = renderBar({ agent_paused: true, status: 'resolved', assignee_id: FIXTURE_SENDERS.alice });
    expect(screen.getByText('The agent is paused: it answers only when mentioned.')).toBeDefined();
    // Alice has it already: nothing to take over.
    expect(screen.queryByRole('button', { name: 'Take over' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Hand back to the agent' }));
    await waitFor(() => expect(changes()).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Reopen' }));
    await waitFor(() =>
      expect(changes()).toEqual([
        ['POST', '/handback', undefined],
        ['PUT', '/status', { status: 'open' }],
      ]),
    );
  });

  it('snoozes for an hour, until tomorrow morning, or until a chosen time (never one in the past)', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const { changes } = renderBar();
    const snooze = () => fireEvent.keyDown(screen.getByRole('button', { name: 'Snooze' }), { key: 'ArrowDown' });
    snooze();
    fireEvent.click(screen.getByRole('menuitem', { name: 'For 1 hour' }));
    await waitFor(() => expect(changes()).toHaveLength(1));
    snooze();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Until tomorrow morning' }));
    await waitFor(() => expect(changes()).toHaveLength(2));
    snooze();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Choose a time…' }));
    const field = screen.getByLabelText('Snooze until');
    fireEvent.change(field, { target: { value: '2026-04-01T10:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Snooze until then' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose a time in the future.');
    fireEvent.change(field, { target: { value: '2026-04-12T08:15' } });
    fireEvent.submit(field.closest('form')!);
    await waitFor(() => expect(changes()).toHaveLength(3));
    expect(changes()).toEqual([
      ['PUT', '/status', { status: 'snoozed', snoozed_until: new Date(NOW + 3_600_000).toISOString() }],
      ['PUT', '/status', { status: 'snoozed', snoozed_until: new Date(2026, 3, 10, MORNING_HOUR).toISOString() }],
      ['PUT', '/status', { status: 'snoozed', snoozed_until: new Date(2026, 3, 12, 8, 15).toISOString() }],
    ]);
  });

  it('lets Alice take over a conversation Bob has taken', () => {
    renderBar({ agent_paused: true, assignee_id: FIXTURE_SENDERS.bob, status: 'open' });
    expect(screen.getByRole('button', { name: 'Take over' })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Hand back to the agent' })).toBeDefined();
  });

  it('says why a change did not go through', async () => {
    renderBar({}, true);
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The change did not go through: You cannot read this thread.');
  });

  describe('on a phone', () => {
    /** Below `md`: the narrow media query matches. */
    const phone = () => {
      const real = window.matchMedia.bind(window);
      vi.spyOn(window, 'matchMedia').mockImplementation((query: string) => {
        const list = real(query);
        if (query === NARROW_QUERY) Object.defineProperty(list, 'matches', { value: true });
        return list;
      });
    };
    afterEach(() => vi.restoreAllMocks());

    it('is one line of words and Manage; the sheet takes over, closes and gives focus back', async () => {
      phone();
      const { changes } = renderBar({ status: 'waiting', assignee_id: FIXTURE_SENDERS.bob, agent_paused: true });
      const bar = screen.getByRole('group', { name: 'Who has this conversation' });
      expect(within(bar).getByText('Waiting · Bob · Agent paused')).toBeDefined();
      expect(within(bar).queryByRole('combobox')).toBeNull();
      const manage = within(bar).getByRole('button', { name: 'Manage' });
      expect(manage.getAttribute('aria-expanded')).toBe('false');
      manage.focus();
      fireEvent.click(manage);
      const sheet = screen.getByRole('dialog', { name: 'Who has this conversation' });
      expect(document.activeElement).toBe(within(sheet).getByRole('combobox', { name: 'Status' }));
      expect(manage.getAttribute('aria-expanded')).toBe('true');
      // The snooze choices are buttons in the sheet, not a menu.
      expect(within(sheet).getByRole('button', { name: 'For 1 hour' })).toBeDefined();
      fireEvent.click(within(sheet).getByRole('button', { name: 'Take over' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(document.activeElement).toBe(manage);
      await waitFor(() => expect(changes()).toEqual([['POST', '/takeover', undefined]]));
    });

    it('closes the sheet on Escape (the dialog’s cancel) with nothing changed', () => {
      phone();
      const { changes } = renderBar();
      const manage = screen.getByRole('button', { name: 'Manage' });
      manage.focus();
      fireEvent.click(manage);
      fireEvent(screen.getByRole('dialog'), new Event('cancel', { cancelable: true }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(document.activeElement).toBe(manage);
      expect(changes()).toEqual([]);
    });
  });
});
