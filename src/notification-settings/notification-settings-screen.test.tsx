import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../core/protocol/notifications.ts';
import { activateLanguage } from '../i18n/locale-store.ts';
import NotificationSettingsScreen from './notification-settings-screen.tsx';

afterEach(async () => {
  cleanup();
  localStorage.clear();
  await activateLanguage('en');
});

const USER = 'u-1';
const DEVICE = {
  id: '6f2a4c1e-0000-4000-8000-000000000001',
  endpoint_origin: 'https://push.example',
  created_at: '2026-04-09T10:00:00.000Z',
  last_used_at: null,
};

/** `/me/notification-settings` and `/me/push-subscriptions` in memory, speaking the wire shapes; `refuse` answers a request first. */
function fakeServer(options: { refuse?: (request: RecordedRequest) => Response | undefined; saved?: NotificationSettings } = {}) {
  const state = { settings: { ...DEFAULT_NOTIFICATION_SETTINGS, ...options.saved }, devices: [DEVICE] };
  const fake = fakeFetch((request) => {
    const refused = options.refuse?.(request);
    if (refused) return refused;
    const route = `${request.method} ${request.url.pathname.replace('/api/v1', '')}`;
    switch (route) {
      case 'GET /me/notification-settings':
        return json(state.settings);
      case 'PUT /me/notification-settings':
        state.settings = request.body as NotificationSettings;
        return json(state.settings);
      case 'GET /me/push-subscriptions':
        return json({ subscriptions: state.devices });
      case `DELETE /me/push-subscriptions/${DEVICE.id}`:
        state.devices = [];
        return new Response(null, { status: 204 });
    }
    return contractError(404, 'not_found', `No route ${route}`);
  });
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  return { api, state, requests: fake.requests };
}

function renderScreen(server = fakeServer()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <NotificationSettingsScreen api={server.api} userId={USER} onClose={vi.fn()} />
    </QueryClientProvider>,
  );
  return server;
}

const puts = (requests: RecordedRequest[]) => requests.filter((request) => request.method === 'PUT').map((request) => request.body);
const box = (name: string) => screen.getByRole('checkbox', { name });
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save notification settings' }));

describe('NotificationSettingsScreen', () => {
  it('shows each kind in words with its channels, and offers no email for every message', async () => {
    renderScreen();
    const table = await screen.findByRole('table', { name: 'What reaches you, and where' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'When someone mentions you',
      'When someone assigns a conversation to you',
      'When a conversation waits for a person',
      'When an agent asks for your approval',
      'Every new message in your conversations',
    ]);
    expect(box('Email: When someone mentions you')).toHaveProperty('checked', true);
    expect(box('Push: Every new message in your conversations')).toHaveProperty('checked', false);
    expect(box('In the inbox: Every new message in your conversations')).toHaveProperty('checked', true);
    expect(screen.queryByRole('checkbox', { name: 'Email: Every new message in your conversations' })).toBeNull();
    expect(within(rows[4]!).getByText('No email for every message')).toBeTruthy();
    expect(screen.getByText('Emails and push notifications are written in English, the language of your inbox.')).toBeTruthy();
  });

  it('sends the whole settings as changed: channels, delay, quiet hours with a time zone, the inbox language', async () => {
    const server = renderScreen();
    await screen.findByRole('table');
    fireEvent.click(box('Push: Every new message in your conversations'));
    fireEvent.click(box('Email: When a conversation waits for a person'));
    fireEvent.change(screen.getByLabelText('Wait before emailing (minutes)'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Hold push and email during quiet hours' }));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '21:30' } });
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '06:45' } });
    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'Europe/Berlin' } });
    save();
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(puts(server.requests)).toEqual([
      {
        channels: {
          mention: ['in_app', 'push', 'email'],
          assigned: ['in_app', 'push', 'email'],
          waiting: ['in_app', 'push'],
          approval_pending: ['in_app', 'push', 'email'],
          message: ['in_app', 'push'],
        },
        email_delay_minutes: 30,
        quiet_hours: { start: '21:30', end: '06:45', time_zone: 'Europe/Berlin' },
        language: 'en',
      },
    ]);
  });

  it('says in words what is wrong and sends nothing until it is fixed', async () => {
    const server = renderScreen();
    await screen.findByRole('table');
    const delay = screen.getByLabelText('Wait before emailing (minutes)');
    fireEvent.change(delay, { target: { value: '1441' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Hold push and email during quiet hours' }));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '07:00' } });
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '07:00' } });
    save();
    expect(screen.getByRole('status')).toHaveProperty(
      'textContent',
      expect.stringContaining('Not saved: some fields need fixing (see below).'),
    );
    expect(screen.getByText('Enter the minutes as a whole number from 0 to 1440.')).toBeTruthy();
    expect(delay.getAttribute('aria-invalid')).toBe('true');
    expect(
      delay
        .getAttribute('aria-describedby')
        ?.split(' ')
        .map((id) => document.getElementById(id)?.textContent),
    ).toContain('Enter the minutes as a whole number from 0 to 1440.');
    expect(screen.getByText('Quiet hours must end at another time than they start.')).toBeTruthy();
    expect(puts(server.requests)).toEqual([]);

    fireEvent.change(delay, { target: { value: 'ten' } });
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '' } });
    save();
    expect(screen.getByText('Enter the minutes as a whole number from 0 to 1440.')).toBeTruthy();
    expect(screen.getByText('Enter a time as hours and minutes, such as 22:00.')).toBeTruthy();
    expect(puts(server.requests)).toEqual([]);

    fireEvent.change(delay, { target: { value: '0' } });
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '08:00' } });
    save();
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(puts(server.requests)).toMatchObject([{ email_delay_minutes: 0, quiet_hours: { start: '07:00', end: '08:00' } }]);
  });

  it('keeps every edit when the server refuses, and saves them on the next try', async () => {
    let refuse = true;
    const server = renderScreen(
      fakeServer({
        refuse: (request) =>
          refuse && request.method === 'PUT' ? contractError(503, 'unavailable', 'The server is restarting.', true) : undefined,
      }),
    );
    await screen.findByRole('table');
    fireEvent.click(box('Email: When someone mentions you'));
    fireEvent.change(screen.getByLabelText('Wait before emailing (minutes)'), { target: { value: '45' } });
    save();
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveProperty(
        'textContent',
        expect.stringMatching(/^Not saved: .+ Your changes are still here; try again\.$/),
      ),
    );
    expect(box('Email: When someone mentions you')).toHaveProperty('checked', false);
    expect(screen.getByLabelText('Wait before emailing (minutes)')).toHaveProperty('value', '45');

    refuse = false;
    save();
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(server.state.settings).toMatchObject({ channels: { mention: ['in_app', 'push'] }, email_delay_minutes: 45 });
  });

  it('says why the settings cannot be loaded, and loads them on Try again', async () => {
    let refuse = true;
    renderScreen(
      fakeServer({
        refuse: (request) =>
          refuse && request.url.pathname.endsWith('/notification-settings') ? contractError(503, 'unavailable', 'Down.', true) : undefined,
      }),
    );
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringMatching(/^Your notification settings could not be loaded: /),
    );
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('starts from saved quiet hours and writes in German when the inbox is German', async () => {
    await act(() => activateLanguage('de'));
    const server = renderScreen(
      fakeServer({ saved: { ...DEFAULT_NOTIFICATION_SETTINGS, quiet_hours: { start: '23:00', end: '06:00', time_zone: 'Asia/Tokyo' } } }),
    );
    expect(await screen.findByRole('table', { name: 'Was Sie erreicht, und wo' })).toBeTruthy();
    expect(screen.getByLabelText('Von')).toHaveProperty('value', '23:00');
    expect(screen.getByLabelText('Zeitzone')).toHaveProperty('value', 'Asia/Tokyo');
    expect(
      screen.getByText('E-Mails und Push-Benachrichtigungen werden auf Deutsch geschrieben, der Sprache Ihres Posteingangs.'),
    ).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Vor dem Mailen warten (Minuten)'), { target: { value: '-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Benachrichtigungs-Einstellungen speichern' }));
    expect(screen.getByText('Geben Sie die Minuten als ganze Zahl von 0 bis 1440 ein.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Vor dem Mailen warten (Minuten)'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Benachrichtigungs-Einstellungen speichern' }));
    expect(await screen.findByText('Gespeichert.')).toBeTruthy();
    expect(puts(server.requests)).toMatchObject([
      { email_delay_minutes: 5, quiet_hours: { start: '23:00', end: '06:00', time_zone: 'Asia/Tokyo' }, language: 'de' },
    ]);
  });

  it('lists the devices with push, marks this one, and removes one after asking', async () => {
    localStorage.setItem('ama2.push-device', JSON.stringify({ userId: USER, id: DEVICE.id, endpointOrigin: DEVICE.endpoint_origin }));
    const server = renderScreen();
    const list = await screen.findByRole('list', { name: 'Devices with push' });
    const item = within(list).getByRole('listitem');
    expect(item).toHaveProperty('textContent', expect.stringContaining('Push service push.example'));
    expect(item).toHaveProperty('textContent', expect.stringContaining('This device'));
    expect(item).toHaveProperty('textContent', expect.stringContaining('Not used yet'));
    fireEvent.click(within(item).getByRole('button', { name: 'Remove Push service push.example' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove this device?', hidden: true });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove', hidden: true }));
    expect(await screen.findByText('No device has push turned on.')).toBeTruthy();
    expect(server.requests.filter((request) => request.method === 'DELETE').map((request) => request.url.pathname)).toEqual([
      `/api/v1/me/push-subscriptions/${DEVICE.id}`,
    ]);
    expect(localStorage.getItem('ama2.push-device')).toBeNull();
  });
});
