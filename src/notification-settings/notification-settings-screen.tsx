import { useQuery } from '@tanstack/react-query';
import { ScreenFrame } from '../agents/screen-frame.tsx';
import { ERROR_TEXT } from '../agents/settings-styles.ts';
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useNotifySettingsStrings } from '../i18n/notify-settings-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { notificationSettingsQuery } from './notification-settings-queries.ts';
import { PushDeviceSection } from './push-device-section.tsx';
import { PushDevicesSection } from './push-devices-section.tsx';
import { SettingsForm } from './settings-form.tsx';
import { usePushDevice } from './use-push-device.ts';

interface Props {
  api: NotificationSettingsApi;
  userId: string;
  onClose(): void;
}

/** The user's notification settings (CONTRACT §12): channels per kind, email delay, quiet hours, push on this device, devices with push. */
export default function NotificationSettingsScreen({ api, userId, onClose }: Props) {
  const t = useStrings();
  const s = useNotifySettingsStrings();
  const settings = useQuery(notificationSettingsQuery(api));
  const push = usePushDevice(api, userId);

  return (
    <ScreenFrame title={s.title} subtitle={s.intro} onClose={onClose}>
      {settings.isPending ? (
        <div aria-busy="true" aria-label={s.loading} className="space-y-4">
          {[0, 1, 2].map((index) => (
            <div key={index} className="h-28 rounded-xl bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
          ))}
        </div>
      ) : settings.isError ? (
        <div role="alert" className={`rounded-xl border border-red-200 p-4 dark:border-red-900 ${ERROR_TEXT}`}>
          <p>{s.loadFailed(errorText(settings.error, t))}</p>
          <button type="button" className={`mt-2 underline ${TOUCH_TARGET}`} onClick={() => void settings.refetch()}>
            {t.common.tryAgain}
          </button>
        </div>
      ) : (
        <SettingsForm api={api} settings={settings.data} />
      )}
      <PushDeviceSection state={push.state} onEnable={push.enable} onDisable={push.disable} />
      <PushDevicesSection api={api} stored={push.stored} onRemovedThisDevice={push.removedThisDevice} />
    </ScreenFrame>
  );
}
