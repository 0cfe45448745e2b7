import { useStrings } from '../i18n/locale-store.ts';
import { useNotificationPermission } from './use-notification-permission.ts';

/**
 * The account area's notification setting: a button that asks the browser (a user gesture,
 * as browsers require), or the state in words: on, blocked (with how to allow them again),
 * or not supported. Changes are announced politely.
 */
export function NotificationPermission() {
  const t = useStrings();
  const { permission, request } = useNotificationPermission();

  return (
    <div className="w-full text-xs" aria-live="polite" data-testid="notification-permission" data-permission={permission}>
      {permission === 'default' && (
        <button type="button" className="text-indigo-700 underline dark:text-indigo-300" onClick={() => void request()}>
          {t.shell.enableNotifications}
        </button>
      )}
      {permission === 'granted' && <p className="text-slate-600 dark:text-slate-400">{t.notifications.on}</p>}
      {permission === 'denied' && (
        <>
          <p className="font-medium text-amber-800 dark:text-amber-300">{t.notifications.blocked}</p>
          <p className="text-slate-600 dark:text-slate-400">{t.notifications.blockedHelp}</p>
        </>
      )}
      {permission === 'unsupported' && <p className="text-slate-600 dark:text-slate-400">{t.notifications.unsupported}</p>}
    </div>
  );
}
