import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { WebhooksDialog } from './webhooks-dialog.tsx';

afterEach(() => cleanup());

const THREAD = '7b0c5bde-8f6f-4a7a-9d4e-0a2b8f1c3d4e';
const CREATED = '2026-04-09T10:00:00.000Z';
const PARTICIPANTS = [
  { sender_id: 'user:alice', name: 'Alice', avatar_url: null },
  { sender_id: 'user:bob', name: 'Bob', avatar_url: null },
];

/** The thread's webhooks as the server lists them (no secrets), and its DELETE. */
function fakeServer(options: { refuseDelete?: boolean } = {}) {
  let webhooks = [
    {
      subscription_id: 's-1',
      thread_id: THREAD,
      callback_url: 'https://hooks.example.com/a',
      active: true,
      created_by: 'user:alice',
      created_at: CREATED,
    },
    {
      subscription_id: 's-2',
      thread_id: THREAD,
      callback_url: 'https://crm.example.com/in?token=hidden',
      active: false,
      inactive_reason: 'creator_disabled',
      created_by: 'user:gone',
      created_at: CREATED,
    },
  ];
  const fake = fakeFetch((request) => {
    const route = `${request.method} ${request.url.pathname.replace('/api/v1', '')}`;
    if (route === `GET /chat/threads/${THREAD}/webhooks`) return json({ webhooks });
    const removed = new RegExp(`^DELETE /chat/threads/${THREAD}/webhooks/(.+)$`).exec(route);
    if (removed) {
      if (options.refuseDelete) return contractError(403, 'forbidden', 'An agent cannot delete a webhook a person registered.');
      webhooks = webhooks.filter((hook) => hook.subscription_id !== removed[1]);
      return new Response(null, { status: 204 });
    }
    return contractError(404, 'not_found', `no route ${route}`);
  });
  return { api: createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch }), requests: fake.requests };
}

function renderDialog(server = fakeServer()) {
  const onClose = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <WebhooksDialog api={server.api} threadId={THREAD} participants={PARTICIPANTS} onClose={onClose} />
    </QueryClientProvider>,
  );
  return { ...server, onClose };
}

describe('WebhooksDialog', () => {
  it('lists where the events go, on or off and why, and who added each; focus starts on its heading', async () => {
    renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'Webhooks of this thread' });
    expect(document.activeElement).toBe(within(dialog).getByRole('heading', { name: 'Webhooks of this thread' }));
    const list = await within(dialog).findByRole('list', { name: 'Webhooks of this thread' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((row) => row.querySelector('code')?.textContent)).toEqual([
      'https://hooks.example.com/a',
      'https://crm.example.com/in?token=hidden',
    ]);
    expect(rows[0]!.textContent).toContain('On');
    expect(rows[0]!.textContent).toContain('Added by Alice');
    expect(rows[1]!.textContent).toContain('Off: its creator’s account is disabled');
    expect(rows[1]!.textContent).toContain('Added by someone');
  });

  it('deletes one with its Delete button, says so, and moves focus to the heading', async () => {
    const { requests } = renderDialog();
    const dialog = screen.getByRole('dialog');
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Delete the webhook to https://hooks.example.com/a' }));
    await waitFor(() => expect(within(dialog).getByText('Webhook to https://hooks.example.com/a deleted.')).toBeTruthy());
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(1);
    expect(document.activeElement).toBe(within(dialog).getByRole('heading', { name: 'Webhooks of this thread' }));
    expect(requests.filter((request) => request.method === 'DELETE').map((request) => request.url.pathname)).toEqual([
      `/api/v1/chat/threads/${THREAD}/webhooks/s-1`,
    ]);
  });

  it("shows the server's refusal and keeps the webhook", async () => {
    renderDialog(fakeServer({ refuseDelete: true }));
    const dialog = screen.getByRole('dialog');
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Delete the webhook to https://hooks.example.com/a' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toMatch(/^The webhook could not be deleted: /);
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(2);
  });

  it('closes with Close or Esc', async () => {
    const { onClose } = renderDialog();
    const dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
