/**
 * The inbox's service worker (dist/sw.js, scope `/`): it shows pushed notifications (CONTRACT
 * §12) and acts on clicks on them. Built by vite.sw.config.ts from this file; the decisions are
 * pure functions in src/core/push, this file does the I/O.
 *
 * - It handles no `fetch`: nothing of the app is cached, every page and script comes from the
 *   network, so a new version takes over at once (`skipWaiting` + `clients.claim`) and no
 *   version of it can ever show stale UI.
 * - `push`: a valid payload is shown unless an inbox tab is visible (that tab shows it), with
 *   the notification id as tag, so a repeat replaces it instead of adding a second one; a
 *   `message` notification updated by newer messages (same id, newer seq) replaces it and
 *   alerts again (`renotify`).
 * - `notificationclick`: Open (or the body) focuses an inbox window on the thread, or opens one;
 *   Approve / Reject spend the notification's one-time action token (no other credential) and
 *   replace the notification with the outcome in words.
 */
import * as v from 'valibot';
import {
  clickPlan,
  decisionOutcome,
  DEFAULT_MAX_ACTIONS,
  doneEntry,
  isInboxUrl,
  outcomeNotification,
  pushLanguage,
  pushNotification,
  rememberDone,
  shouldShowPush,
  threadUrl,
  toWorkerMessageSchema,
  type PushDecision,
  type PushLanguage,
  type PushWords,
  type ToPageMessage,
} from '../../core/push/push-notification.ts';
import { parsePushPayload } from '../../core/push/push-payload.ts';
import type { PushPayload } from '../../core/protocol/notifications.ts';
import { loadRuntimeConfig } from '../../config/runtime-config.ts';
import { pushWordsDe } from '../../i18n/catalog-push-de.ts';
import { pushWordsEn } from '../../i18n/catalog-push-en.ts';
import { DONE_KEY, LANGUAGE_KEY, readDoneIds, readValue, writeValue } from './worker-store.ts';

declare const __AMA2_SW_VERSION__: string;

const sw = self as unknown as ServiceWorkerGlobalScope & { ama2Version: string; ama2PushesHandled: number };

/** This build's version (a hash of this file as built): what a test or a person in devtools can ask the worker. */
sw.ama2Version = __AMA2_SW_VERSION__;
/**
 * Push messages this worker (since it started) finished with, shown or not: devtools and the
 * end-to-end test read it to know a push was handled before looking at what is shown.
 */
sw.ama2PushesHandled = 0;

const WORDS: Record<PushLanguage, PushWords> = { en: pushWordsEn, de: pushWordsDe };

/** Every line this worker logs starts so (it never logs a payload, a token or an address). */
const LOG_PREFIX = 'AMA2 service worker:';

sw.addEventListener('install', () => {
  // Nothing to cache, nothing to wait for: the new version replaces the old one at once.
  void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener('message', (event) => {
  const message = v.safeParse(toWorkerMessageSchema, event.data);
  // Another version of the inbox may speak differently: what is not understood is ignored.
  if (message.success) event.waitUntil(writeValue(LANGUAGE_KEY, message.output.language));
});

sw.addEventListener('push', (event) => {
  event.waitUntil(
    onPush(event.data?.text() ?? null).finally(() => {
      sw.ama2PushesHandled += 1;
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(onClick(event.action, event.notification.data as unknown));
});

/** How many buttons this browser shows on a notification. */
const maxActions = () => (Notification as unknown as { maxActions?: number }).maxActions ?? DEFAULT_MAX_ACTIONS;

async function language(): Promise<PushLanguage> {
  return pushLanguage(await readValue(LANGUAGE_KEY), sw.navigator.languages ?? [sw.navigator.language]);
}

const inboxWindows = async () =>
  (await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((client) =>
    isInboxUrl(client.url, sw.registration.scope),
  );

async function markDone(payload: PushPayload): Promise<void> {
  await writeValue(DONE_KEY, rememberDone(await readDoneIds(), doneEntry(payload)));
}

async function onPush(text: string | null): Promise<void> {
  const parsed = parsePushPayload(text);
  if (!parsed.ok) {
    console.warn(`${LOG_PREFIX} a push message was dropped: ${parsed.reason}.`);
    return;
  }
  const [windows, done] = await Promise.all([inboxWindows(), readDoneIds()]);
  if (!shouldShowPush(parsed.payload, windows, sw.registration.scope, done)) return;
  const lang = await language();
  const { title, options } = pushNotification(parsed.payload, WORDS[lang], lang, maxActions());
  await sw.registration.showNotification(title, options);
}

async function onClick(action: string, data: unknown): Promise<void> {
  const plan = clickPlan(action, data);
  if (!plan) return;
  const { payload } = plan;
  if (plan.type === 'open') {
    await markDone(payload);
    await openThread(payload.thread_id);
    return;
  }
  const outcome = decisionOutcome(plan.decision, await decide(plan.actionToken, plan.decision));
  await markDone(payload);
  const lang = await language();
  const { title, options } = outcomeNotification(payload, outcome, WORDS[lang], lang);
  await sw.registration.showNotification(title, options);
}

/** `POST /approvals/decide` with the token alone (no cookie, no JWT): its status, or null when the network failed. */
async function decide(actionToken: string, decision: PushDecision): Promise<number | null> {
  try {
    const { apiBaseUrl } = await loadRuntimeConfig();
    const response = await fetch(`${apiBaseUrl}/api/v1/approvals/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action_token: actionToken, decision }),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok && response.status !== 409 && response.status !== 410) {
      console.warn(`${LOG_PREFIX} deciding an approval from a notification failed with status ${response.status}.`);
    }
    return response.status;
  } catch (error) {
    console.warn(
      `${LOG_PREFIX} deciding an approval from a notification failed: ${error instanceof Error ? error.message : 'network error'}.`,
    );
    return null;
  }
}

/**
 * Shows the thread in an inbox window: the focused one, else a visible one, else any; the page
 * changes its own hash (src/service-worker/use-service-worker.ts), which works for a page
 * this worker does not control too. Without an inbox window, opens one on the thread.
 */
async function openThread(threadId: string): Promise<void> {
  const windows = await inboxWindows();
  const target = windows.find((client) => client.focused) ?? windows.find((client) => client.visibilityState === 'visible') ?? windows[0];
  if (!target) {
    await sw.clients.openWindow(threadUrl(sw.registration.scope, threadId));
    return;
  }
  const message: ToPageMessage = { type: 'ama2.open-thread', thread_id: threadId };
  target.postMessage(message);
  // Focus needs the click's user activation; without one (a window already focused) it throws, and the page moved anyway.
  await target.focus().catch(() => undefined);
}
