/**
 * Keeps the language of a user's emails and pushes (`language` of `/me/notification-settings`)
 * the inbox's language. Loaded on demand by `use-email-language-sync.ts`; this browser
 * remembers the last language it made sure of, so a load or a reload asks the server nothing
 * and a change costs one `GET` (and a `PUT` only when the saved language differs).
 */
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import type { NotificationLanguage } from '../core/protocol/notifications.ts';

const storageKey = (userId: string) => `ama2.email-language.${userId}`;

function remembered(userId: string): string | null {
  try {
    return localStorage.getItem(storageKey(userId));
  } catch {
    return null;
  }
}

function remember(userId: string, language: NotificationLanguage): void {
  try {
    localStorage.setItem(storageKey(userId), language);
  } catch {
    // Storage off: the next load checks again (one GET).
  }
}

// One sync at a time: a quick back-and-forth in the picker ends with the last language.
let queue: Promise<void> = Promise.resolve();

/**
 * Makes the saved settings' language `language`, unless this browser already did. A failure
 * (offline, server down) is logged without detail that could hold a credential and tried
 * again on the next load or change.
 */
export function syncEmailLanguage(api: NotificationSettingsApi, userId: string, language: NotificationLanguage): Promise<void> {
  queue = queue.then(async () => {
    if (remembered(userId) === language) return;
    try {
      const settings = await api.getNotificationSettings();
      if (settings.language !== language) await api.saveNotificationSettings({ ...settings, language });
      remember(userId, language);
    } catch (error) {
      console.warn('The language of your emails could not be updated:', error instanceof Error ? error.message : 'unknown error');
    }
  });
  return queue;
}
