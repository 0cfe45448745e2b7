import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { AgentsScreen } from './agents-screen.tsx';

afterEach(cleanup);

const agent = (slug: string, name: string, isOwner?: boolean) => ({
  id: `id-${slug}`,
  sender_id: `agent:id-${slug}`,
  slug,
  name,
  avatar_url: null,
  ...(isOwner === undefined ? {} : { is_owner: isOwner }),
});

function renderWith(answer: () => Response) {
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fakeFetch(answer).fetch });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <AgentsScreen api={api} onClose={vi.fn()} />
    </QueryClientProvider>,
  );
}

describe('AgentsScreen', () => {
  it('lists only the agents the user owns, each linking to its settings', async () => {
    renderWith(() => json({ agents: [agent('demo', 'Demo Agent', true), agent('other', 'Other', false), agent('old', 'Seed-only')] }));
    const list = await screen.findByRole('list', { name: 'Your agents' });
    const links = within(list).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Demo AgentdemoSettings →settings', '#/agents/demo'],
    ]);
    expect(screen.getByRole('heading', { name: 'Your agents', level: 2 })).toBeTruthy();
  });

  it('says so when the user owns no agent (or the server does not say who owns what)', async () => {
    renderWith(() => json({ agents: [agent('other', 'Other', false), agent('old', 'Seed-only')] }));
    await screen.findByText('You do not own any agent, so there are no agent settings for you here.');
  });

  it('shows why the list could not be loaded, with a way to try again', async () => {
    renderWith(() => contractError(503, 'unavailable', 'The server is restarting.', true));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The agents could not be loaded: The server is restarting. Try again');
  });
});
