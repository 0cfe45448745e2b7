import { useCallback, useEffect, useState } from 'react';

export type PermissionState = NotificationPermission | 'unsupported';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;
const current = (): PermissionState => (supported() ? Notification.permission : 'unsupported');

/**
 * The page's notification permission, kept current when it changes elsewhere (another tab
 * asked, the user changed the site settings). `request` must run in a user gesture (a click):
 * browsers ignore or penalise prompts that come out of nowhere.
 */
export function useNotificationPermission(): { permission: PermissionState; request(): Promise<void> } {
  const [permission, setPermission] = useState<PermissionState>(current);

  useEffect(() => {
    if (!supported() || !navigator.permissions?.query) return;
    let status: PermissionStatus | null = null;
    let cancelled = false;
    const onChange = () => setPermission(current());
    navigator.permissions.query({ name: 'notifications' }).then(
      (result) => {
        if (cancelled) return;
        status = result;
        result.addEventListener('change', onChange);
      },
      () => undefined, // Not every browser can be asked about this permission: the value read at start stays.
    );
    return () => {
      cancelled = true;
      status?.removeEventListener('change', onChange);
    };
  }, []);

  const request = useCallback(async () => {
    if (!supported()) return;
    setPermission(await Notification.requestPermission());
  }, []);

  return { permission, request };
}
