import { Suspense, useState } from 'react';
import type { Participant } from '../core/protocol/model.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useStrings } from '../i18n/locale-store.ts';
import { useMutedThreads } from '../desktop-notifications/use-muted-threads.ts';
import { lazyScreen } from '../ui/lazy-screen.tsx';
import { MenuButton, type MenuItem } from '../ui/menu-button.tsx';

/** The webhooks dialog's code loads when it is first opened (it is not part of the inbox's initial JS). */
const WebhooksDialog = lazyScreen(() => import('./webhooks-dialog.tsx').then((module) => module.WebhooksDialog));

interface Props {
  threadId: string;
  /** The thread's participants, once known (the webhooks dialog names who added each). */
  participants?: readonly Participant[];
  /** Items the header moves here on a narrow screen (agent settings, answer mode), first in the menu. */
  moreItems?: readonly MenuItem[];
}

/**
 * The thread header's menu: mute or unmute the thread's desktop notifications (kept across
 * reloads, live in every tab), and the thread's webhooks.
 */
export function ThreadMenu({ threadId, participants = [], moreItems = [] }: Props) {
  const t = useStrings();
  const { api } = useEngine();
  const { muted, set } = useMutedThreads();
  const [failed, setFailed] = useState(false);
  const [webhooksOpen, setWebhooksOpen] = useState(false);
  const isMuted = muted.has(threadId);

  return (
    <>
      <MenuButton
        label={t.notifications.threadMenu}
        icon="⋯"
        items={[
          ...moreItems,
          {
            id: 'mute',
            label: isMuted ? t.notifications.unmute : t.notifications.mute,
            onSelect: () => setFailed(!set(threadId, !isMuted)),
          },
          { id: 'webhooks', label: t.webhooks.menuItem, onSelect: () => setWebhooksOpen(true) },
        ]}
      />
      {failed && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {t.notifications.muteFailed}
        </p>
      )}
      {webhooksOpen && (
        <Suspense fallback={null}>
          <WebhooksDialog.Screen api={api} threadId={threadId} participants={participants} onClose={() => setWebhooksOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
