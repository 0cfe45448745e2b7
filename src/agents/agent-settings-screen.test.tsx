import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { AgentSettingsScreen } from './agent-settings-screen.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const CREATED = '2026-04-09T10:00:00.000Z';

/** A small in-memory owner API for one agent, "demo", speaking the wire shapes. */
function fakeServer(options: { refuse?: (request: RecordedRequest) => Response | undefined } = {}) {
  const state = {
    allowed_origins: [] as string[],
    require_verified_identity: false,
    expected_reply_minutes: null as number | null,
    website_url: null as string | null,
    email_follow_up: false,
    retention_days: null as number | null,
    secret: null as string | null,
    secretCreatedAt: null as string | null,
    tokens: [] as { id: string; prefix: string; created_at: string; last_used_at: string | null }[],
    issued: 0,
  };
  const settings = () => ({
    allowed_origins: state.allowed_origins,
    require_verified_identity: state.require_verified_identity,
    identity_secret_set: state.secret !== null,
    identity_secret_created_at: state.secretCreatedAt,
    expected_reply_minutes: state.expected_reply_minutes,
    website_url: state.website_url,
    email_follow_up: state.email_follow_up,
    retention_days: state.retention_days,
  });
  const fake = fakeFetch((request) => {
    const refused = options.refuse?.(request);
    if (refused) return refused;
    const route = `${request.method} ${request.url.pathname.replace('/api/v1', '')}`;
    switch (route) {
      case 'GET /agents':
        return json({
          agents: [{ id: 'a-1', sender_id: 'agent:a-1', slug: 'demo', name: 'Demo agent', avatar_url: null, is_owner: true }],
        });
      case 'GET /agents/demo/settings':
        return json(settings());
      case 'PUT /agents/demo/settings': {
        const body = request.body as {
          allowed_origins: string[];
          require_verified_identity: boolean;
          expected_reply_minutes?: number | null;
          website_url?: string | null;
          email_follow_up?: boolean;
          retention_days?: number | null;
        };
        state.allowed_origins = body.allowed_origins;
        state.require_verified_identity = body.require_verified_identity;
        // Left out: unchanged (CONTRACT §7 [ext]).
        if (body.expected_reply_minutes !== undefined) state.expected_reply_minutes = body.expected_reply_minutes;
        if (body.website_url !== undefined) state.website_url = body.website_url;
        if (body.email_follow_up !== undefined) state.email_follow_up = body.email_follow_up;
        if (body.retention_days !== undefined) state.retention_days = body.retention_days;
        return json(settings());
      }
      case 'POST /agents/demo/identity-secret':
        state.secret = `ais_secret_${state.issued++}`;
        state.secretCreatedAt = CREATED;
        return json({ secret: state.secret, created_at: CREATED }, 201);
      case 'POST /agents/demo/tokens': {
        const token = `at_token${state.issued++}_abcdefghijklmnop`;
        const row = { id: `t-${state.issued}`, prefix: token.slice(0, 12), created_at: CREATED, last_used_at: null };
        state.tokens.push(row);
        return json({ ...row, token, agent_id: 'a-1' }, 201);
      }
      case 'GET /agents/demo/tokens':
        return json({ tokens: state.tokens });
    }
    const revoke = /^DELETE \/agents\/demo\/tokens\/(.+)$/.exec(route);
    if (revoke) {
      state.tokens = state.tokens.filter((token) => token.id !== revoke[1]);
      return new Response(null, { status: 204 });
    }
    return contractError(404, 'not_found', `no route ${route}`);
  });
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  return { api, state, requests: fake.requests };
}

function renderScreen(server = fakeServer()) {
  const onClose = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <AgentSettingsScreen api={server.api} slug="demo" onClose={onClose} />
    </QueryClientProvider>,
  );
  return { ...server, onClose };
}

const section = (name: string) => screen.getByRole('region', { name });
const puts = (requests: RecordedRequest[]) => requests.filter((request) => request.method === 'PUT').map((request) => request.body);

describe('AgentSettingsScreen', () => {
  it('keeps visitor conversations forever until days are set, checks the days in words, and shows them again after a reload', async () => {
    const server = fakeServer();
    renderScreen(server);
    const retention = await screen.findByRole('region', { name: 'Keeping visitor conversations' });
    expect((within(retention).getByRole('radio', { name: 'Keep forever' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('link', { name: 'Audit log' }).getAttribute('href')).toBe('#/agents/demo/audit');

    fireEvent.click(within(retention).getByRole('radio', { name: 'Erase visitor conversations after a number of days without activity' }));
    const days = within(retention).getByLabelText('Days without activity');
    for (const wrong of ['', 'thirty', '0', '0.0001', '3651', '-2']) {
      fireEvent.change(days, { target: { value: wrong } });
      fireEvent.click(within(retention).getByRole('button', { name: 'Save' }));
      expect(within(retention).getByRole('alert').textContent).toBe(
        'Enter a number of days from 0.0007 (one minute) to 3,650 (ten years), for example 30 or 0.5.',
      );
      expect(days.getAttribute('aria-invalid')).toBe('true');
    }
    expect(puts(server.requests)).toEqual([]);

    fireEvent.change(days, { target: { value: '0,5' } });
    fireEvent.click(within(retention).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(retention).getByText('Saved.')).toBeTruthy());
    expect(within(retention).queryByRole('alert')).toBeNull();
    expect(server.state.retention_days).toBe(0.5);

    // A reload reads the stored days back.
    cleanup();
    renderScreen(server);
    const again = await screen.findByRole('region', { name: 'Keeping visitor conversations' });
    expect((within(again).getByRole('radio', { name: /^Erase visitor conversations/ }) as HTMLInputElement).checked).toBe(true);
    expect((within(again).getByLabelText('Days without activity') as HTMLInputElement).value).toBe('0.5');

    fireEvent.click(within(again).getByRole('radio', { name: 'Keep forever' }));
    expect(within(again).queryByLabelText('Days without activity')).toBeNull();
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(server.state.retention_days).toBeNull());
    expect(puts(server.requests)).toEqual([
      { allowed_origins: [], require_verified_identity: false, retention_days: 0.5 },
      { allowed_origins: [], require_verified_identity: false, retention_days: null },
    ]);
  });

  it('has a heading that takes focus, and says an empty list allows any website', async () => {
    renderScreen();
    const heading = await screen.findByRole('heading', { name: 'Demo agent settings', level: 2 });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(await screen.findByTestId('origins-empty')).toHaveProperty('textContent', 'No websites listed: the chat works on any website.');
  });

  it('adds a website after checking it in words, saves it, and removes it', async () => {
    const { requests, state } = renderScreen();
    const websites = await screen.findByRole('region', { name: 'Allowed websites' });
    const input = within(websites).getByLabelText('Website address');

    fireEvent.change(input, { target: { value: 'shop.example.com' } });
    fireEvent.click(within(websites).getByRole('button', { name: 'Add website' }));
    expect(within(websites).getByText('Start the address with https:// (or http://), for example https://shop.example.com.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(puts(requests)).toEqual([]);

    fireEvent.change(input, { target: { value: 'https://Shop.Example.com/' } });
    fireEvent.click(within(websites).getByRole('button', { name: 'Add website' }));
    await waitFor(() => expect(within(websites).getByTestId('origins-status').textContent).toBe('Saved.'));
    expect(within(websites).getByRole('list', { name: 'Allowed websites' }).textContent).toContain('https://shop.example.com');
    expect((input as HTMLInputElement).value).toBe('');
    expect(state.allowed_origins).toEqual(['https://shop.example.com']);

    fireEvent.click(within(websites).getByRole('button', { name: 'Remove https://shop.example.com' }));
    await waitFor(() => expect(within(websites).queryByTestId('origins-empty')).not.toBeNull());
    expect(puts(requests)).toEqual([
      { allowed_origins: ['https://shop.example.com'], require_verified_identity: false },
      { allowed_origins: [], require_verified_identity: false },
    ]);
  });

  it("keeps the typed website and shows the server's reason when the save fails", async () => {
    const server = fakeServer({
      refuse: (request) =>
        request.method === 'PUT' ? contractError(400, 'client_error', 'allowed_origins: "https://x.test" is refused here.') : undefined,
    });
    renderScreen(server);
    const websites = await screen.findByRole('region', { name: 'Allowed websites' });
    const input = within(websites).getByLabelText('Website address');
    fireEvent.change(input, { target: { value: 'https://x.test' } });
    fireEvent.click(within(websites).getByRole('button', { name: 'Add website' }));
    await waitFor(() =>
      expect(within(websites).getByTestId('origins-status').textContent).toBe(
        'Could not save: allowed_origins: "https://x.test" is refused here.',
      ),
    );
    expect((input as HTMLInputElement).value).toBe('https://x.test');
    expect(within(websites).queryByTestId('origins-empty')).not.toBeNull();
  });

  it('flips "require verified identity" as a switch and warns while no secret exists', async () => {
    const { requests } = renderScreen();
    const toggle = await screen.findByRole('switch', { name: 'Require verified identity' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    expect(toggle.getAttribute('aria-describedby')).toBeTruthy();
    fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByTestId('identity-status').textContent).toBe('Saved.'));
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText(/There is no identity secret yet, so nobody can chat now/)).toBeTruthy();
    expect(puts(requests)).toEqual([{ allowed_origins: [], require_verified_identity: true }]);
  });

  it('sets the expected reply time in hours or minutes, says in words what is wrong, and clears it when emptied', async () => {
    const { requests, state } = renderScreen();
    const region = await screen.findByRole('region', { name: 'Expected reply time' });
    const amount = within(region).getByRole('textbox', { name: 'Usually replies within' });
    const unit = within(region).getByRole('combobox', { name: 'Unit' });
    const save = within(region).getByRole('button', { name: 'Save reply time' });

    fireEvent.change(amount, { target: { value: '200' } });
    fireEvent.change(unit, { target: { value: 'hours' } });
    fireEvent.click(save);
    expect(within(region).getByRole('alert').textContent).toBe(
      'Enter a whole number from 1 minute to 168 hours (a week), or leave it empty.',
    );
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(puts(requests)).toEqual([]);

    fireEvent.change(amount, { target: { value: '2' } });
    fireEvent.click(save);
    await waitFor(() => expect(within(region).getByText('Saved.')).toBeTruthy());
    expect(within(region).queryByRole('alert')).toBeNull();
    expect(state.expected_reply_minutes).toBe(120);

    fireEvent.change(amount, { target: { value: '' } });
    fireEvent.click(save);
    await waitFor(() => expect(state.expected_reply_minutes).toBeNull());
    expect(puts(requests)).toEqual([
      { allowed_origins: [], require_verified_identity: false, expected_reply_minutes: 120 },
      { allowed_origins: [], require_verified_identity: false, expected_reply_minutes: null },
    ]);
  });

  it('turns the follow-up email on with the page address, saying in words what is missing or wrong', async () => {
    const { requests, state } = renderScreen();
    const region = await screen.findByRole('region', { name: 'Email visitors who left' });
    const address = within(region).getByRole('textbox', { name: 'Address of the page with the chat' });
    const on = within(region).getByRole('checkbox', { name: 'Email visitors the replies they did not see' });
    const save = within(region).getByRole('button', { name: 'Save follow-up' });

    fireEvent.click(on);
    fireEvent.click(save);
    expect(within(region).getByRole('alert').textContent).toBe('Enter the address of the page with the chat: the email links there.');
    for (const wrong of [
      'shop.example.com/help',
      'ftp://shop.example.com/',
      'https://shop.example.com/help#chat',
      'https://user:pw@shop.example.com/',
    ]) {
      fireEvent.change(address, { target: { value: wrong } });
      fireEvent.click(save);
      expect(within(region).getByRole('alert').textContent).toBe(
        'Enter a full address that starts with https:// or http://, without a # part.',
      );
      expect(address.getAttribute('aria-invalid')).toBe('true');
    }
    expect(puts(requests)).toEqual([]);

    fireEvent.change(address, { target: { value: ' https://shop.example.com/help ' } });
    fireEvent.click(save);
    await waitFor(() => expect(within(region).getByText('Saved.')).toBeTruthy());
    expect(within(region).queryByRole('alert')).toBeNull();
    expect(state).toMatchObject({ website_url: 'https://shop.example.com/help', email_follow_up: true });

    // Off, and the address cleared: nothing is needed then.
    fireEvent.click(on);
    fireEvent.change(address, { target: { value: '' } });
    fireEvent.click(save);
    await waitFor(() => expect(state.email_follow_up).toBe(false));
    expect(puts(requests)).toEqual([
      { allowed_origins: [], require_verified_identity: false, website_url: 'https://shop.example.com/help', email_follow_up: true },
      { allowed_origins: [], require_verified_identity: false, website_url: null, email_follow_up: false },
    ]);
  });

  it('generates a secret, shows it once with Copy, and asks before rotating it', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { state } = renderScreen();
    await screen.findByRole('region', { name: 'Identity secret' });
    fireEvent.click(within(section('Identity secret')).getByRole('button', { name: 'Generate secret' }));

    const field = await screen.findByLabelText<HTMLInputElement>('New identity secret');
    expect(field.value).toBe('ais_secret_0');
    expect(document.activeElement).toBe(field);
    expect(screen.getByText('Copy it now and keep it somewhere safe: it will not be shown again.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await screen.findByText('Copied to the clipboard.');
    expect(writeText).toHaveBeenCalledWith('ais_secret_0');
    await waitFor(() => expect(screen.getByTestId('secret-state').textContent).toMatch(/^A secret is set, created /));

    fireEvent.click(screen.getByRole('button', { name: 'Done, I have copied it' }));
    expect(screen.queryByLabelText('New identity secret')).toBeNull();
    expect(document.body.textContent).not.toContain('ais_secret_0');

    fireEvent.click(within(section('Identity secret')).getByRole('button', { name: 'Rotate secret' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the identity secret?' });
    expect(dialog.textContent).toContain('Identity tokens signed with the old secret stop working');
    expect(state.secret).toBe('ais_secret_0');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect((await screen.findByLabelText<HTMLInputElement>('New identity secret')).value).toBe('ais_secret_1');
  });

  it('selects the secret for Ctrl+C when the clipboard is refused', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.reject(new Error('denied')) } });
    renderScreen();
    await screen.findByRole('region', { name: 'Identity secret' });
    fireEvent.click(within(section('Identity secret')).getByRole('button', { name: 'Generate secret' }));
    const field = await screen.findByLabelText<HTMLInputElement>('New identity secret');
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await screen.findByText('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    expect(document.activeElement).toBe(field);
  });

  it('issues a token shown once, lists it by prefix, and revokes it after a confirmation', async () => {
    const { state } = renderScreen();
    const tokens = await screen.findByRole('region', { name: 'Agent tokens' });
    await within(tokens).findByText('No agent tokens yet. Issue one to connect a program as this agent.');
    fireEvent.click(within(tokens).getByRole('button', { name: 'Issue token' }));
    const field = await within(tokens).findByLabelText<HTMLInputElement>('New agent token');
    expect(field.value).toBe('at_token0_abcdefghijklmnop');
    const list = await within(tokens).findByRole('list', { name: 'Agent tokens' });
    expect(list.textContent).toContain('at_token0_ab…');
    expect(list.textContent).toContain('Last used never');
    fireEvent.click(within(tokens).getByRole('button', { name: 'Done, I have copied it' }));
    expect(document.body.textContent).not.toContain('at_token0_abcdefghijklmnop');

    fireEvent.click(within(list).getByRole('button', { name: /^Revoke token at_token0_ab… \(created .+\)$/ }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke token at_token0_ab…?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await within(tokens).findByText('Token at_token0_ab… revoked: it no longer works.');
    await within(tokens).findByText('No agent tokens yet. Issue one to connect a program as this agent.');
    expect(document.activeElement).toBe(within(tokens).getByRole('heading', { name: 'Agent tokens' }));
    expect(state.tokens).toEqual([]);
  });

  it('says in words when the user is not an owner', async () => {
    renderScreen(
      fakeServer({
        refuse: (request) => (request.url.pathname.endsWith('/settings') ? contractError(403, 'forbidden', 'Not an owner.') : undefined),
      }),
    );
    expect((await screen.findByRole('alert')).textContent).toBe('Only this agent’s owners can see and change its settings.');
    expect(screen.queryByRole('region', { name: 'Allowed websites' })).toBeNull();
  });

  it('closes on Esc, but not while a confirmation is open', async () => {
    const { onClose } = renderScreen();
    await screen.findByRole('region', { name: 'Agent tokens' });
    fireEvent.click(within(section('Agent tokens')).getByRole('button', { name: 'Issue token' }));
    await screen.findByRole('list', { name: 'Agent tokens' });
    fireEvent.click(screen.getByRole('button', { name: /^Revoke token / }));
    act(() => {
      screen.getByRole('dialog').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
