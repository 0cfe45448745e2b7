import * as v from 'valibot';
import { toPageMessageSchema, type PushLanguage, type ToWorkerMessage } from '../core/push/push-notification.ts';

/** The worker vite.sw.config.ts builds, at the root so that its scope is the whole inbox. */
export const SERVICE_WORKER_URL = '/sw.js';
const SCOPE = '/';

/** Whether this browser can show pushed notifications at all (an insecure origin or an old browser cannot). */
export const pushSupported = (): boolean =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  typeof globalThis.PushManager === 'function' &&
  typeof globalThis.Notification === 'function';

let failureLogged = false;

/**
 * Registers the inbox's service worker (after sign-in), once per page: the browser checks
 * `/sw.js` itself on every navigation and at most a day apart, bypassing its HTTP cache
 * (`updateViaCache: 'none'`). A failure (a private window that forbids workers, a blocked
 * script) is logged once and changes nothing else: the inbox works without push.
 */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  try {
    return await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SCOPE, updateViaCache: 'none' });
  } catch (error) {
    if (!failureLogged)
      console.warn(
        `The service worker could not be registered; push notifications are off in this tab: ${error instanceof Error ? error.message : 'unknown error'}.`,
      );
    failureLogged = true;
    return null;
  }
}

/** Tells the active worker the inbox's language (it writes the notifications' buttons and outcomes in it). */
export async function tellLanguage(language: PushLanguage): Promise<void> {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.ready;
  const message: ToWorkerMessage = { type: 'ama2.language', language };
  registration.active?.postMessage(message);
}

/**
 * Follows the worker's requests to this page (a notification's Open): shows the thread by
 * changing the hash, as a click in the list does. Returns the stop function.
 */
export function followWorker(openThread: (threadId: string) => void): () => void {
  if (!pushSupported()) return () => undefined;
  const onMessage = (event: MessageEvent) => {
    const message = v.safeParse(toPageMessageSchema, event.data);
    if (message.success) openThread(message.output.thread_id);
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  // Messages wait until the page listens (`startMessages`): none is lost to a late listener.
  navigator.serviceWorker.startMessages();
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}

/**
 * Whether this browser leaves OS notifications to the worker: it has a push subscription, so
 * what concerns the user arrives by push and the worker shows it (once, tagged by notification
 * id) whenever no inbox tab is visible. A hidden tab then shows none itself, so one event
 * never makes two OS notifications.
 */
export async function pushShowsNotifications(): Promise<boolean> {
  if (!pushSupported()) return false;
  try {
    const registration = await navigator.serviceWorker.getRegistration(SCOPE);
    return Boolean(await registration?.pushManager.getSubscription());
  } catch {
    return false;
  }
}
