import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { notificationSettingsKey } from './notification-settings-queries.ts';

/**
 * Emails and pushes follow the inbox's language: whenever it changes (and once per browser),
 * the saved settings' `language` is brought in step. The work is in a lazy chunk; this hook is
 * all the always-loaded inbox carries.
 */
export function useEmailLanguageSync(api: NotificationSettingsApi, userId: string): void {
  const language = useActiveLanguage((state) => state.language);
  const queryClient = useQueryClient();
  useEffect(() => {
    void import('./sync-email-language.ts')
      .then((module) => module.syncEmailLanguage(api, userId, language))
      // The settings screen, if loaded, shows the language now saved.
      .then(() => queryClient.invalidateQueries({ queryKey: notificationSettingsKey }))
      .catch(() => undefined);
  }, [api, userId, language, queryClient]);
}
