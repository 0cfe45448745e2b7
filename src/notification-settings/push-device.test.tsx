import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { ApiError } from '../core/api/api-error.ts';
import { activateLanguage } from '../i18n/locale-store.ts';
import { disablePush, enablePush, keyBytes, readStoredDevice, type PushState } from './push-device.ts';
import { PushDeviceSection } from './push-device-section.tsx';
import NotificationSettingsScreen from './notification-settings-screen.tsx';

/**
 * Push on this device against a stand-in browser: headless Chromium has no push service, so
 * `Notification`, `PushManager` and `navigator.serviceWorker` are fakes here that behave as
 * the browser's do (the permission prompt's answer, a worker that is ready, missing or stuck).
 */

const USER = 'u-1';
const ENDPOINT = 'https://push.example/send/abc123';
const SUBSCRIPTION_ID = '6f2a4c1e-0000-4000-8000-0000000000aa';
// A real P-256 public key's length (65 bytes) in base64url, as the server sends it.
const VAPID_KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  delete (navigator as { serviceWorker?: unknown }).serviceWorker;
  localStorage.clear();
  await activateLanguage('en');
});

interface BrowserOptions {
  permission: NotificationPermission;
  /** What the permission prompt answers. */
  answer?: NotificationPermission;
  /** A worker that is ready, none registered, or one registered that never becomes active. */
  worker?: 'ready' | 'none' | 'stuck';
  subscribed?: boolean;
  /** The push service refuses to subscribe. */
  subscribeFails?: string;
}

function fakeBrowser(options: BrowserOptions) {
  const subscription = {
    endpoint: ENDPOINT,
    toJSON: () => ({ endpoint: ENDPOINT, expirationTime: null, keys: { p256dh: 'BPublicKey', auth: 'authSecret' } }),
    unsubscribe: vi.fn(async () => {
      current = null;
      return true;
    }),
  };
  let current: typeof subscription | null = options.subscribed ? subscription : null;
  const subscribe = vi.fn(async (_options: PushSubscriptionOptionsInit) => {
    if (options.subscribeFails) throw new DOMException(options.subscribeFails, 'AbortError');
    current = subscription;
    return subscription;
  });
  const registration = { pushManager: { getSubscription: async () => current, subscribe } };
  const worker = options.worker ?? 'ready';
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: {
      ready: worker === 'ready' ? Promise.resolve(registration) : new Promise(() => {}),
      getRegistration: async () => (worker === 'none' ? undefined : registration),
    },
  });
  const notification = {
    permission: options.permission,
    requestPermission: vi.fn(async () => {
      notification.permission = options.answer ?? options.permission;
      return notification.permission;
    }),
  };
  vi.stubGlobal(
    'Notification',
    Object.assign(function Notification() {}, notification),
  );
  Object.defineProperty(globalThis.Notification, 'permission', { get: () => notification.permission });
  vi.stubGlobal('PushManager', function PushManager() {});
  return { subscription, subscribe, requestPermission: notification.requestPermission, current: () => current };
}

function fakeServer(options: { refuse?: (request: RecordedRequest) => Response | undefined } = {}) {
  const devices: { id: string; endpoint_origin: string; created_at: string; last_used_at: null }[] = [];
  const fake = fakeFetch((request) => {
    const refused = options.refuse?.(request);
    if (refused) return refused;
    const route = `${request.method} ${request.url.pathname.replace('/api/v1', '')}`;
    if (route === 'GET /push/vapid-public-key') return json({ key: VAPID_KEY });
    if (route === 'POST /me/push-subscriptions') {
      devices.push({
        id: SUBSCRIPTION_ID,
        endpoint_origin: 'https://push.example',
        created_at: '2026-04-09T10:00:00.000Z',
        last_used_at: null,
      });
      return json({ id: SUBSCRIPTION_ID }, 201);
    }
    if (route === 'GET /me/push-subscriptions') return json({ subscriptions: devices });
    if (route === `DELETE /me/push-subscriptions/${SUBSCRIPTION_ID}`) {
      devices.splice(0);
      return new Response(null, { status: 204 });
    }
    if (route === 'GET /me/notification-settings') return contractError(503, 'unavailable', 'Not in this test.', true);
    return contractError(404, 'not_found', `No route ${route}`);
  });
  return { api: createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch }), requests: fake.requests };
}

const routes = (requests: RecordedRequest[]) =>
  requests.map((request) => `${request.method} ${request.url.pathname.replace('/api/v1', '')}`);

describe('enablePush / disablePush', () => {
  it('asks, subscribes with the server key, sends the subscription and remembers it as this device', async () => {
    const browser = fakeBrowser({ permission: 'default', answer: 'granted' });
    const server = fakeServer();
    expect(await enablePush(server.api, USER)).toEqual({ kind: 'on' });
    expect(browser.requestPermission).toHaveBeenCalledTimes(1);
    expect(browser.subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: keyBytes(VAPID_KEY) });
    expect(keyBytes(VAPID_KEY)).toHaveLength(65);
    expect(routes(server.requests)).toEqual(['GET /push/vapid-public-key', 'POST /me/push-subscriptions']);
    expect(server.requests[1]!.body).toEqual({ endpoint: ENDPOINT, keys: { p256dh: 'BPublicKey', auth: 'authSecret' } });
    expect(readStoredDevice(USER)).toEqual({ userId: USER, id: SUBSCRIPTION_ID, endpointOrigin: 'https://push.example' });
    expect(readStoredDevice('someone-else')).toBeNull();

    expect(await disablePush(server.api, USER)).toEqual({ kind: 'off' });
    expect(routes(server.requests).slice(2)).toEqual([`DELETE /me/push-subscriptions/${SUBSCRIPTION_ID}`]);
    expect(browser.subscription.unsubscribe).toHaveBeenCalledTimes(1);
    expect(readStoredDevice(USER)).toBeNull();
  });

  it('is blocked when the prompt is refused, and says so when it is closed without an answer', async () => {
    fakeBrowser({ permission: 'default', answer: 'denied' });
    expect(await enablePush(fakeServer().api, USER)).toEqual({ kind: 'blocked' });
    fakeBrowser({ permission: 'default', answer: 'default' });
    expect(await enablePush(fakeServer().api, USER)).toEqual({ kind: 'failed', reason: 'dismissed' });
  });

  it('says when no service worker is registered, or it never becomes ready, instead of waiting forever', async () => {
    fakeBrowser({ permission: 'granted', worker: 'none' });
    expect(await enablePush(fakeServer().api, USER, 10)).toEqual({ kind: 'failed', reason: 'no-worker' });
    fakeBrowser({ permission: 'granted', worker: 'stuck' });
    expect(await enablePush(fakeServer().api, USER, 10)).toEqual({ kind: 'failed', reason: 'worker-timeout' });
  });

  it('drops the new subscription when the server refuses it, and says why', async () => {
    const browser = fakeBrowser({ permission: 'granted' });
    const server = fakeServer({
      refuse: (request) =>
        request.method === 'POST' ? contractError(400, 'client_error', 'The push endpoint must use https.') : undefined,
    });
    const state = await enablePush(server.api, USER);
    expect(state).toMatchObject({ kind: 'failed', reason: 'server' });
    expect(ApiError.is((state as { error?: unknown }).error)).toBe(true);
    expect(browser.current()).toBeNull();
    expect(readStoredDevice(USER)).toBeNull();
  });

  it("passes on the push service's refusal in its words", async () => {
    fakeBrowser({ permission: 'granted', subscribeFails: 'Registration failed - push service error' });
    expect(await enablePush(fakeServer().api, USER)).toEqual({
      kind: 'failed',
      reason: 'subscribe',
      detail: 'Registration failed - push service error',
    });
  });
});

describe('PushDeviceSection', () => {
  const cases: [PushState, string, string | null][] = [
    [{ kind: 'checking' }, 'Checking what this browser supports…', null],
    [
      { kind: 'unsupported' },
      'This browser cannot receive push notifications. Use a current version of Chrome, Edge, Firefox or Safari (on an iPhone, add the inbox to the Home Screen first).',
      null,
    ],
    [
      { kind: 'off' },
      'Push is not on for this device. When you turn it on, your browser asks whether this site may show notifications.',
      'Enable push on this device',
    ],
    [
      { kind: 'blocked' },
      'Notifications are blocked for this site in this browser, so push cannot reach this device.To unblock them, open this site’s settings in your browser (the icon left of the address), set Notifications to “Allow”, then reload the page.',
      null,
    ],
    [{ kind: 'on' }, 'Push is on for this device.', 'Turn off on this device'],
    [{ kind: 'enabling' }, 'Turning push on…', 'Enable push on this device'],
    [
      { kind: 'failed', reason: 'no-worker' },
      'Push could not be changed: this page’s background worker (the service worker that shows push notifications) is not installed. Reload the page and try again.',
      'Try again',
    ],
    [
      { kind: 'failed', reason: 'worker-timeout' },
      'Push could not be changed: this page’s background worker (the service worker) did not start in time. Reload the page and try again; if it stays, this browser may block it (private windows often do).',
      'Try again',
    ],
    [
      { kind: 'failed', reason: 'dismissed' },
      'Push could not be changed: the browser’s question was closed without an answer. Try again and choose “Allow”.',
      'Try again',
    ],
  ];

  it('tries turning off again after turning off failed', () => {
    const onEnable = vi.fn();
    const onDisable = vi.fn();
    render(
      <PushDeviceSection state={{ kind: 'failed', reason: 'dismissed', turningOff: true }} onEnable={onEnable} onDisable={onDisable} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect([onEnable.mock.calls.length, onDisable.mock.calls.length]).toEqual([0, 1]);
  });

  it('keeps push on and says why when the server cannot forget this device', async () => {
    const browser = fakeBrowser({ permission: 'granted' });
    let down = false;
    const server = fakeServer({
      refuse: (request) => (down && request.method === 'DELETE' ? contractError(503, 'unavailable', 'Restarting.', true) : undefined),
    });
    expect(await enablePush(server.api, USER)).toEqual({ kind: 'on' });
    down = true;
    expect(await disablePush(server.api, USER)).toMatchObject({ kind: 'failed', reason: 'server', turningOff: true });
    expect(browser.current()).not.toBeNull();
    expect(readStoredDevice(USER)).not.toBeNull();
  });

  it.each(cases)('says %o in words', (state, words, button) => {
    render(<PushDeviceSection state={state} onEnable={vi.fn()} onDisable={vi.fn()} />);
    const region = screen.getByRole('region', { name: 'Push on this device' });
    const live = region.querySelector('[aria-live="polite"]')!;
    expect([...live.querySelectorAll('p')].map((p) => p.textContent).join('')).toBe(words);
    if (button) expect(screen.getByRole('button', { name: button })).toBeTruthy();
    else expect(screen.queryByRole('button')).toBeNull();
  });

  it('says the states in German', async () => {
    await act(() => activateLanguage('de'));
    render(<PushDeviceSection state={{ kind: 'on' }} onEnable={vi.fn()} onDisable={vi.fn()} />);
    expect(screen.getByText('Push ist auf diesem Gerät eingeschaltet.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Auf diesem Gerät ausschalten' })).toBeTruthy();
  });
});

describe('push on the settings screen', () => {
  it('turns push on with the button, lists this device, and turns it off again', async () => {
    const browser = fakeBrowser({ permission: 'default', answer: 'granted' });
    const server = fakeServer();
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <NotificationSettingsScreen api={server.api} userId={USER} onClose={vi.fn()} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('No device has push turned on.')).toBeTruthy();
    fireEvent.click(await screen.findByRole('button', { name: 'Enable push on this device' }));
    expect(await screen.findByText('Push is on for this device.')).toBeTruthy();
    expect(await screen.findByText('This device')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Turn off on this device' }));
    expect(await screen.findByText(/^Push is not on for this device\./)).toBeTruthy();
    expect(await screen.findByText('No device has push turned on.')).toBeTruthy();
    expect(browser.current()).toBeNull();
  });

  it('says the browser cannot do push when it lacks the APIs', async () => {
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <NotificationSettingsScreen api={fakeServer().api} userId={USER} onClose={vi.fn()} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText(/^This browser cannot receive push notifications\./)).toBeTruthy();
  });
});
