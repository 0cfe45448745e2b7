import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { apiBaseUrl, createHttpClient } from '../core/api/http-client.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { createPrivacyApi } from '../core/api/privacy-api.ts';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { AuditLogView } from './audit-log-view.tsx';

afterEach(() => {
  cleanup();
  useActiveLanguage.setState({ language: 'en' });
});

const ANA = '3f6c1a2e-0000-4000-8000-000000000001';

/** The agent's audit log as the server keeps it (oldest first); the fake pages it newest first like `GET /agents/{slug}/audit`. */
const ENTRIES = [
  {
    id: 1,
    at: '2026-04-09T10:00:00.000Z',
    actor: 'admin',
    action: 'agent.token_issued',
    target: 'agent_token:k-1',
    details: {},
    address: null,
  },
  {
    id: 2,
    at: '2026-04-09T11:00:00.000Z',
    actor: `user:${ANA}`,
    action: 'agent.settings_changed',
    target: 'agent:a-1',
    details: { fields: ['retention_days'] },
    address: '127.0.0.1',
  },
  {
    id: 3,
    at: '2026-04-09T12:00:00.000Z',
    actor: `user:${ANA}`,
    action: 'visitor.exported',
    target: 'visitor:v-7',
    details: {},
    address: null,
  },
  {
    id: 4,
    at: '2026-04-09T13:00:00.000Z',
    actor: 'system',
    action: 'visitor.erased',
    target: 'visitor:v-8',
    details: { reason: 'retention', thread_ids: ['t-8'] },
    address: null,
  },
  {
    id: 5,
    at: '2026-04-09T14:00:00.000Z',
    actor: 'user:9d0e0000-0000-4000-8000-00000000ffff',
    action: 'visitor.erased',
    target: 'visitor:v-7',
    details: { reason: 'erased_by_owner', thread_ids: ['t-7'] },
    address: null,
  },
];
const PAGE = 2;

function fakeServer(options: { entries?: typeof ENTRIES; refuse?: (request: RecordedRequest) => Response | undefined } = {}) {
  const entries = options.entries ?? ENTRIES;
  const fake = fakeFetch((request) => {
    const refused = options.refuse?.(request);
    if (refused) return refused;
    const path = request.url.pathname.replace('/api/v1', '');
    if (path === '/agents')
      return json({ agents: [{ id: 'a-1', sender_id: 'agent:a-1', slug: 'demo', name: 'Demo agent', avatar_url: null, is_owner: true }] });
    if (path === '/users') return json({ users: [{ id: ANA, sender_id: `user:${ANA}`, name: 'Ana Owner', email: 'ana@example.com' }] });
    if (path === '/agents/demo/audit') {
      const cursor = request.url.searchParams.get('cursor');
      const action = request.url.searchParams.get('action');
      const older = entries
        .filter((entry) => (cursor === null || entry.id < Number(cursor)) && (action === null || entry.action === action))
        .reverse();
      const page = older.slice(0, PAGE);
      return json({ entries: page, next_cursor: older.length > PAGE ? String(page.at(-1)!.id) : null });
    }
    return contractError(404, 'not_found', `no route ${request.method} ${path}`);
  });
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  const privacy = createPrivacyApi(createHttpClient({ baseUrl: apiBaseUrl(''), getToken: () => 'jwt', fetch: fake.fetch }));
  return { api, privacy, requests: fake.requests };
}

function renderView(server = fakeServer()) {
  const onClose = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <AuditLogView api={server.api} privacy={server.privacy} slug="demo" onClose={onClose} />
    </QueryClientProvider>,
  );
  return { ...server, onClose };
}

const rows = () =>
  within(screen.getByRole('list'))
    .getAllByRole('listitem')
    .map((item) => `${item.querySelector('span')!.textContent} | ${item.querySelector('p')!.textContent}`);
const auditQueries = (requests: RecordedRequest[]) =>
  requests.filter((request) => request.url.pathname.endsWith('/audit')).map((request) => request.url.search);

describe('AuditLogView', () => {
  it('shows the newest entries first in words and loads older ones with the cursor', async () => {
    const { requests } = renderView();
    expect(await screen.findByRole('heading', { name: 'Audit log of Demo agent', level: 2 })).toBeTruthy();
    await screen.findByRole('list', { name: 'Audit log' });
    expect(rows()).toEqual([
      'Visitor erased by an owner | By User 9d0e0000-0000-4000-8000-00000000ffff · On visitor v-7',
      'Visitor erased by the retention setting | By The server (automatic) · On visitor v-8',
    ]);
    const times = [...screen.getAllByRole('listitem')].map((item) => item.querySelector('time')!.getAttribute('dateTime'));
    expect(times).toEqual(['2026-04-09T14:00:00.000Z', '2026-04-09T13:00:00.000Z']);

    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(rows()).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(rows().slice(2)).toEqual([
      'Visitor’s data exported | By Ana Owner · On visitor v-7',
      'Settings changed | By Ana Owner · On this agent',
      'Agent token issued | By An administrator (command line) · On agent token k-1',
    ]);
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
    expect(screen.getByText('That is every entry.')).toBeTruthy();
    expect(auditQueries(requests)).toEqual(['', '?cursor=4', '?cursor=2']);
  });

  it('filters by one action, and says when nothing matches', async () => {
    const { requests } = renderView();
    await screen.findByRole('list', { name: 'Audit log' });
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'visitor.exported' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toContain('Visitor’s data exported');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'webhook.deleted' } });
    expect((await screen.findByTestId('audit-empty')).textContent).toBe('No entries for this action.');
    expect(auditQueries(requests)).toEqual(['', '?action=visitor.exported', '?action=webhook.deleted']);
  });

  it('says when nothing was recorded yet, in German too', async () => {
    renderView(fakeServer({ entries: [] }));
    expect((await screen.findByTestId('audit-empty')).textContent).toBe('Nothing has been recorded for this agent yet.');
    cleanup();

    await import('../i18n/catalog-privacy-de.ts');
    useActiveLanguage.setState({ language: 'de' });
    renderView();
    await waitFor(() => expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Protokoll von Demo agent'));
    await waitFor(() => expect(rows()[1]).toContain('Der Server (automatisch)'));
    expect(rows()[1]).toBe('Besucher gelöscht durch die Aufbewahrungsfrist | Von Der Server (automatisch) · Betrifft Besucher v-8');
  });

  it('says why the log could not be loaded and tries again, keeping loaded entries when an older page fails', async () => {
    let refuse = true;
    renderView(
      fakeServer({
        refuse: (request) =>
          refuse && request.url.pathname.endsWith('/audit')
            ? contractError(403, 'forbidden', 'Only the agent’s owners may read its audit log.')
            : undefined,
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The audit log could not be loaded:');
    refuse = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(rows()).toHaveLength(2));

    refuse = true;
    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Older entries could not be loaded: /);
    expect(rows()).toHaveLength(2);
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
