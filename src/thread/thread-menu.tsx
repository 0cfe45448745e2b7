import { Suspense, useState } from 'react';
import type { Participant } from '../core/protocol/model.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useStrings } from '../i18n/locale-store.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { useMutedThreads } from '../desktop-notifications/use-muted-threads.ts';
import { lazyScreen } from '../ui/lazy-screen.tsx';
import { MenuButton, type MenuItem } from '../ui/menu-button.tsx';

/** The webhooks dialog's code loads when it is first opened (it is not part of the inbox's initial JS). */
const WebhooksDialog = lazyScreen(() => import('./webhooks-dialog.tsx').then((module) => module.WebhooksDialog));
/** Exporting or erasing a visitor (CONTRACT §14): loaded when first chosen. */
const VisitorPrivacyDialog = lazyScreen(() =>
  import('../privacy/visitor-privacy-dialog.tsx').then((module) => module.VisitorPrivacyDialog),
);

interface Props {
  threadId: string;
  /** The thread's participants, once known (the webhooks dialog names who added each). */
  participants?: readonly Participant[];
  /** Items the header moves here on a narrow screen (agent settings, answer mode), first in the menu. */
  moreItems?: readonly MenuItem[];
  /** A visitor thread of an agent the user owns: its visitor can be exported and erased from here. */
  visitorOf?: { agentSlug: string; visitor: { name: string | null; email: string | null } };
}

/**
 * The thread header's menu: mute or unmute the thread's desktop notifications (kept across
 * reloads, live in every tab), and the thread's webhooks.
 */
export function ThreadMenu({ threadId, participants = [], moreItems = [], visitorOf }: Props) {
  const t = useStrings();
  const { api } = useEngine();
  const { muted, set } = useMutedThreads();
  const [failed, setFailed] = useState(false);
  const [webhooksOpen, setWebhooksOpen] = useState(false);
  const [privacy, setPrivacy] = useState<'export' | 'erase' | null>(null);
  const p = usePrivacyStrings();
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
          ...(visitorOf
            ? [
                { id: 'export-visitor', label: p.exportVisitor, onSelect: () => setPrivacy('export') },
                { id: 'erase-visitor', label: p.eraseVisitor, onSelect: () => setPrivacy('erase') },
              ]
            : []),
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
      {privacy && visitorOf && (
        <Suspense fallback={null}>
          <VisitorPrivacyDialog.Screen
            mode={privacy}
            threadId={threadId}
            agentSlug={visitorOf.agentSlug}
            shown={visitorOf.visitor}
            onClose={() => setPrivacy(null)}
          />
        </Suspense>
      )}
    </>
  );
}
