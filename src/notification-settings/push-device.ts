/**
 * Web push on this browser (CONTRACT §12), without React: what state it is in, turning it on
 * (permission → the service worker's registration → `pushManager.subscribe` → `POST
 * /me/push-subscriptions`) and off. The service worker itself (`/sw.js`) is registered
 * elsewhere; this only waits for it, never forever.
 */
import { ApiError } from '../core/api/api-error.ts';
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import { pushSupported } from '../service-worker/service-worker-registration.ts';

/** How long turning push on waits for the service worker to be ready before saying so in words. */
export const SERVICE_WORKER_READY_TIMEOUT_MS = 10_000;
/** Where this browser remembers which of the user's push subscriptions is its own. */
const STORAGE_KEY = 'ama2.push-device';

export type PushFailure =
  | { reason: 'dismissed' }
  | { reason: 'no-worker' }
  | { reason: 'worker-timeout' }
  | { reason: 'subscribe'; detail: string }
  | { reason: 'server'; error: unknown };

export type PushState =
  | { kind: 'checking' }
  | { kind: 'unsupported' }
  | { kind: 'blocked' }
  | { kind: 'off' }
  | { kind: 'on' }
  | { kind: 'enabling' }
  | { kind: 'disabling' }
  /** `turningOff`: the failure was in turning push off, so trying again turns it off. */
  | ({ kind: 'failed'; turningOff?: boolean } & PushFailure);

/** This browser's own subscription as the server knows it: its id and its endpoint's origin. */
export interface StoredDevice {
  userId: string;
  id: string;
  endpointOrigin: string;
}

export function readStoredDevice(userId: string): StoredDevice | null {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<StoredDevice> | null;
    return value && value.userId === userId && typeof value.id === 'string' && typeof value.endpointOrigin === 'string'
      ? (value as StoredDevice)
      : null;
  } catch {
    return null;
  }
}

function storeDevice(device: StoredDevice | null): void {
  try {
    if (device) localStorage.setItem(STORAGE_KEY, JSON.stringify(device));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage off or full: "this device" is then not marked in the list; push still works.
  }
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** The state this browser is in now (without asking anything). */
export async function detectPushState(): Promise<PushState> {
  if (!pushSupported()) return { kind: 'unsupported' };
  if (Notification.permission === 'denied') return { kind: 'blocked' };
  if (Notification.permission !== 'granted') return { kind: 'off' };
  try {
    return (await currentSubscription()) ? { kind: 'on' } : { kind: 'off' };
  } catch {
    return { kind: 'off' };
  }
}

/** The registration once its worker is active, or why there is none within the timeout. */
async function readyRegistration(timeoutMs: number): Promise<ServiceWorkerRegistration | PushFailure> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  try {
    const registration = await Promise.race([navigator.serviceWorker.ready, timeout]);
    if (registration) return registration;
  } finally {
    clearTimeout(timer);
  }
  return (await navigator.serviceWorker.getRegistration()) ? { reason: 'worker-timeout' } : { reason: 'no-worker' };
}

/** A base64url VAPID key as the bytes `applicationServerKey` takes. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const messageOf = (error: unknown) => (error instanceof Error && error.message ? error.message : String(error));

/**
 * Turns push on for this browser and tells the server; resolves with the resulting state.
 * A subscription the browser already has is sent again (the server keeps one per endpoint).
 */
export async function enablePush(
  api: NotificationSettingsApi,
  userId: string,
  timeoutMs = SERVICE_WORKER_READY_TIMEOUT_MS,
): Promise<PushState> {
  if (!pushSupported()) return { kind: 'unsupported' };
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return { kind: 'blocked' };
  if (permission !== 'granted') return { kind: 'failed', reason: 'dismissed' };
  const registration = await readyRegistration(timeoutMs);
  if ('reason' in registration) return { kind: 'failed', ...registration };

  let subscription: PushSubscription;
  let created = false;
  try {
    const existing = await registration.pushManager.getSubscription();
    if (existing) subscription = existing;
    else {
      const key = await api.vapidPublicKey();
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      created = true;
    }
  } catch (error) {
    if (ApiError.is(error)) return { kind: 'failed', reason: 'server', error };
    return { kind: 'failed', reason: 'subscribe', detail: messageOf(error) };
  }

  const json = subscription.toJSON();
  try {
    if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new Error('the subscription has no endpoint or keys');
    const { id } = await api.addPushSubscription({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } });
    storeDevice({ userId, id, endpointOrigin: new URL(json.endpoint).origin });
  } catch (error) {
    // The server does not have it: the browser should not keep pushing to nobody.
    if (created) await subscription.unsubscribe().catch(() => undefined);
    return ApiError.is(error)
      ? { kind: 'failed', reason: 'server', error }
      : { kind: 'failed', reason: 'subscribe', detail: messageOf(error) };
  }
  return { kind: 'on' };
}

/**
 * Turns push off for this browser: the server forgets the subscription first (if that fails,
 * push stays on and the error says why), then the browser drops it.
 */
export async function disablePush(api: NotificationSettingsApi, userId: string): Promise<PushState> {
  const stored = readStoredDevice(userId);
  if (stored) {
    try {
      await api.removePushSubscription(stored.id);
    } catch (error) {
      // Already gone from the server (removed from another device, or dead): nothing to undo.
      if (!(ApiError.is(error) && error.code === 'not_found')) return { kind: 'failed', reason: 'server', error, turningOff: true };
    }
  }
  storeDevice(null);
  try {
    await (await currentSubscription())?.unsubscribe();
  } catch (error) {
    return { kind: 'failed', reason: 'subscribe', detail: messageOf(error), turningOff: true };
  }
  return detectPushState();
}

/** After this device was removed from the list: the browser drops its subscription too. */
export async function forgetThisDevice(): Promise<void> {
  storeDevice(null);
  try {
    await (await currentSubscription())?.unsubscribe();
  } catch {
    // The server no longer pushes to it either way.
  }
}
