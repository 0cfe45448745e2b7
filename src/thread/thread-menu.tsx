import { useState } from 'react';
import { useStrings } from '../i18n/locale-store.ts';
import { useMutedThreads } from '../notify/use-muted-threads.ts';
import { MenuButton } from '../ui/menu-button.tsx';

/** The thread header's menu: mute or unmute the thread's desktop notifications (kept across reloads, live in every tab). */
export function ThreadMenu({ threadId }: { threadId: string }) {
  const t = useStrings();
  const { muted, set } = useMutedThreads();
  const [failed, setFailed] = useState(false);
  const isMuted = muted.has(threadId);

  return (
    <>
      <MenuButton
        label={t.notifications.threadMenu}
        icon="⋯"
        items={[
          {
            id: 'mute',
            label: isMuted ? t.notifications.unmute : t.notifications.mute,
            onSelect: () => setFailed(!set(threadId, !isMuted)),
          },
        ]}
      />
      {failed && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {t.notifications.muteFailed}
        </p>
      )}
    </>
  );
}
