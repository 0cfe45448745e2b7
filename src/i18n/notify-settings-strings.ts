import { notifySettingsDe } from './catalog-notify-settings-de.ts';
import { notifySettingsEn, type NotifySettingsStrings } from './catalog-notify-settings-en.ts';
import { useActiveLanguage } from './locale-store.ts';

/**
 * The notification settings words in the inbox's active language. Both languages sit in the
 * screen's lazy chunk (a few kB), so switching needs no further loading.
 */
export function useNotifySettingsStrings(): NotifySettingsStrings {
  return useActiveLanguage((state) => state.language) === 'de' ? notifySettingsDe : notifySettingsEn;
}
