import { create } from 'zustand';
import { notificationsEn, type NotificationStrings } from './catalog-notifications-en.ts';
import { useActiveLanguage } from './locale-store.ts';

/** The German notification words once loaded; English needs no loading. */
const useLoaded = create<{ de: NotificationStrings | null }>(() => ({ de: null }));

let loading: Promise<void> | null = null;

/** Loads the German words once (a failed load is tried again on the next use). */
function loadGerman(): void {
  loading ??= import('./catalog-notifications-de.ts').then(
    (module) => useLoaded.setState({ de: module.notificationsDe }),
    () => {
      loading = null;
    },
  );
}

// As for the ownership words (ownership-strings.ts): started with the signed-in chunk and on
// every switch to German, so the words are there by the time the bell asks.
if (useActiveLanguage.getState().language === 'de') loadGerman();
useActiveLanguage.subscribe((state) => {
  if (state.language === 'de') loadGerman();
});

/** The notifications bell's and panel's words in the inbox's active language. */
export function useNotificationStrings(): NotificationStrings {
  const language = useActiveLanguage((state) => state.language);
  const de = useLoaded((state) => state.de);
  return language === 'de' && de ? de : notificationsEn;
}
