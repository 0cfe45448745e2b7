import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The page's side of the service worker against a stand-in `navigator.serviceWorker` (happy-dom
 * has none): registration and its one-time failure log, the worker's Open requests, and
 * whether a hidden tab leaves OS notifications to the worker. The worker itself runs for real
 * in e2e/push-service-worker.spec.ts.
 */

class FakeContainer extends EventTarget {
  register = vi.fn<(url: string, options: RegistrationOptions) => Promise<unknown>>();
  getRegistration = vi.fn<(scope: string) => Promise<unknown>>();
  startMessages = vi.fn();
}

let container: FakeContainer;

async function load() {
  vi.resetModules();
  return import('./service-worker-registration.ts');
}

beforeEach(() => {
  container = new FakeContainer();
  Object.defineProperty(navigator, 'serviceWorker', { configurable: true, value: container });
  Object.defineProperty(window, 'PushManager', { configurable: true, writable: true, value: class {} });
  // A browser with push has notifications too (jsdom has neither).
  Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: class {} });
});
afterEach(() => {
  Reflect.deleteProperty(navigator, 'serviceWorker');
  Reflect.deleteProperty(window, 'PushManager');
  Reflect.deleteProperty(window, 'Notification');
  vi.restoreAllMocks();
});

describe('registerServiceWorker', () => {
  it('registers /sw.js for the whole inbox, never from the HTTP cache', async () => {
    const { registerServiceWorker } = await load();
    container.register.mockResolvedValue({ scope: '/' });
    await expect(registerServiceWorker()).resolves.toEqual({ scope: '/' });
    expect(container.register).toHaveBeenCalledWith('/sw.js', { scope: '/', updateViaCache: 'none' });
  });

  it('a failure is logged once and resolves to null: the inbox works on without push', async () => {
    const { registerServiceWorker } = await load();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    container.register.mockRejectedValue(new Error('The operation is insecure.'));
    await expect(registerServiceWorker()).resolves.toBeNull();
    await expect(registerServiceWorker()).resolves.toBeNull();
    expect(warn.mock.calls).toEqual([
      ['The service worker could not be registered; push notifications are off in this tab: The operation is insecure..'],
    ]);
  });

  it('does nothing where the browser has no push', async () => {
    Reflect.deleteProperty(window, 'PushManager');
    const { registerServiceWorker, pushShowsNotifications } = await load();
    await expect(registerServiceWorker()).resolves.toBeNull();
    await expect(pushShowsNotifications()).resolves.toBe(false);
    expect(container.register).not.toHaveBeenCalled();
  });
});

describe('followWorker', () => {
  it('opens the thread the worker asks for, and ignores anything else', async () => {
    const { followWorker } = await load();
    const opened: string[] = [];
    const stop = followWorker((threadId) => opened.push(threadId));
    expect(container.startMessages).toHaveBeenCalled();
    const send = (data: unknown) => container.dispatchEvent(new MessageEvent('message', { data }));
    send({ type: 'ama2.open-thread', thread_id: 't-1' });
    send({ type: 'ama2.open-thread', thread_id: '' });
    send({ type: 'something-else', thread_id: 't-2' });
    send('t-3');
    expect(opened).toEqual(['t-1']);
    stop();
    send({ type: 'ama2.open-thread', thread_id: 't-4' });
    expect(opened).toEqual(['t-1']);
  });
});

describe('pushShowsNotifications', () => {
  it('true only when this browser has a push subscription', async () => {
    const { pushShowsNotifications } = await load();
    container.getRegistration.mockResolvedValue(undefined);
    await expect(pushShowsNotifications()).resolves.toBe(false);
    container.getRegistration.mockResolvedValue({ pushManager: { getSubscription: () => Promise.resolve(null) } });
    await expect(pushShowsNotifications()).resolves.toBe(false);
    container.getRegistration.mockResolvedValue({
      pushManager: { getSubscription: () => Promise.resolve({ endpoint: 'https://push.example/x' }) },
    });
    await expect(pushShowsNotifications()).resolves.toBe(true);
    container.getRegistration.mockRejectedValue(new Error('no'));
    await expect(pushShowsNotifications()).resolves.toBe(false);
  });
});
