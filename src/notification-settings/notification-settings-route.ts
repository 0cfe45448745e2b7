import { useEffect, useState } from 'react';

/** Where the notification settings screen lives in the URL hash, so it can be reloaded and left with Back. */
export const NOTIFICATION_SETTINGS_HASH = '#/settings/notifications';

const isSettingsHash = (hash: string) => /^#\/settings\/notifications\/?$/.test(hash);

// Where the inbox was when the screen opened: closing it returns there.
let returnHash = '';

/** Whether the URL shows the notification settings, kept current on hash changes. */
export function useNotificationSettingsRoute(): boolean {
  const [open, setOpen] = useState(() => isSettingsHash(location.hash));
  useEffect(() => {
    const onHash = (event: HashChangeEvent) => {
      const next = isSettingsHash(location.hash);
      const previous = new URL(event.oldURL).hash;
      if (next && !isSettingsHash(previous)) returnHash = previous;
      setOpen(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return open;
}

/** Leaves the screen for the thread (or list) the user came from. */
export function closeNotificationSettings(): void {
  location.hash = returnHash || '#/';
}
