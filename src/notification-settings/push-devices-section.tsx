import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { ConfirmDialog } from '../agents/confirm-dialog.tsx';
import { ERROR_TEXT, HINT, SECONDARY_BUTTON, SECTION, SECTION_TITLE, formatWhen } from '../agents/settings-styles.ts';
import type { NotificationSettingsApi, PushDevice } from '../core/api/notification-settings-api.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useNotifySettingsStrings } from '../i18n/notify-settings-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { pushDevicesKey, pushDevicesQuery } from './notification-settings-queries.ts';
import type { StoredDevice } from './push-device.ts';

interface Props {
  api: NotificationSettingsApi;
  /** This browser's own subscription, to mark it "This device". */
  stored: StoredDevice | null;
  /** Called after this browser's own entry was removed. */
  onRemovedThisDevice(): Promise<void>;
}

/** A push service's origin as people read it: its host name. */
const serviceName = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
};

const isThisDevice = (device: PushDevice, stored: StoredDevice | null) =>
  stored !== null && device.id === stored.id && device.endpoint_origin === stored.endpointOrigin;

/** The user's devices with push (`GET /me/push-subscriptions`), each removable after a question. */
export function PushDevicesSection({ api, stored, onRemovedThisDevice }: Props) {
  const t = useStrings();
  const s = useNotifySettingsStrings();
  const queryClient = useQueryClient();
  const devices = useQuery(pushDevicesQuery(api));
  const [removing, setRemoving] = useState<PushDevice | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Where focus goes when the question closes: the list's heading once the row (and its button) is gone.
  const closeTarget = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const remove = useMutation({
    mutationFn: (device: PushDevice) => api.removePushSubscription(device.id),
    onSuccess: async (_, device) => {
      queryClient.setQueryData<PushDevice[]>(pushDevicesKey, (list) => list?.filter((item) => item.id !== device.id));
      if (isThisDevice(device, stored)) await onRemovedThisDevice();
      closeTarget.current = heading.current;
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: pushDevicesKey });
    },
  });
  const name = (device: PushDevice) => s.deviceName(serviceName(device.endpoint_origin));

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} ref={heading} tabIndex={-1} className={`${SECTION_TITLE} outline-none`}>
        {s.devicesTitle}
      </h3>
      <p className={HINT}>{s.devicesIntro}</p>
      {devices.isPending ? (
        <p aria-busy="true" className={`mt-3 ${HINT}`}>
          {s.devicesLoading}
        </p>
      ) : devices.isError ? (
        <div role="alert" className={`mt-3 ${ERROR_TEXT}`}>
          <p>{s.devicesLoadFailed(errorText(devices.error, t))}</p>
          <button type="button" className={`mt-1 underline ${TOUCH_TARGET}`} onClick={() => void devices.refetch()}>
            {t.common.tryAgain}
          </button>
        </div>
      ) : devices.data.length === 0 ? (
        <p className="mt-3 text-sm">{s.devicesEmpty}</p>
      ) : (
        <ul aria-labelledby={titleId} className="mt-3 divide-y divide-slate-200 dark:divide-slate-800">
          {devices.data.map((device) => (
            <li key={device.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0 text-sm">
                <p className="font-medium break-all">
                  {name(device)}
                  {isThisDevice(device, stored) && (
                    <span className="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
                      {s.thisDevice}
                    </span>
                  )}
                </p>
                <p className="text-slate-600 dark:text-slate-400">
                  {s.added(formatWhen(device.created_at, t))} ·{' '}
                  {device.last_used_at ? s.lastUsed(formatWhen(device.last_used_at, t)) : s.neverUsed}
                </p>
              </div>
              <button
                type="button"
                className={`${SECONDARY_BUTTON} ${TOUCH_TARGET}`}
                aria-label={s.removeNamed(name(device))}
                onClick={() => {
                  remove.reset();
                  closeTarget.current = null;
                  setRemoving(device);
                }}
              >
                {s.remove}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={s.removeTitle}
        confirmLabel={s.remove}
        pendingLabel={s.removing}
        pending={remove.isPending}
        error={remove.isError ? s.removeFailed(errorText(remove.error, t)) : null}
        onConfirm={() => removing && remove.mutate(removing)}
        onCancel={() => setRemoving(null)}
        focusOnClose={closeTarget}
      >
        <p>{removing ? s.removeBody(name(removing)) : null}</p>
      </ConfirmDialog>
    </section>
  );
}
