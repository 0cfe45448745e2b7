import { useEffect } from 'react';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { followWorker, registerServiceWorker, tellLanguage } from './service-worker-registration.ts';

/**
 * The signed-in inbox's side of its service worker: registers it, keeps it told of the
 * inbox's language, and opens the thread a notification's Open asks for.
 */
export function useServiceWorker(openThread: (threadId: string) => void): void {
  const language = useActiveLanguage((state) => state.language);

  useEffect(() => {
    void registerServiceWorker();
  }, []);

  useEffect(() => {
    void tellLanguage(language);
  }, [language]);

  useEffect(() => followWorker(openThread), [openThread]);
}
