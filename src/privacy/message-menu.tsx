import { Suspense, useEffect, useRef, useState } from 'react';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { lazyScreen } from '../ui/lazy-screen.tsx';
import { MenuButton } from '../ui/menu-button.tsx';
import { focusDeletedMessage } from './deleted-message-focus.ts';

/** The confirmation's code loads when it is first asked for. */
const DeleteMessageDialog = lazyScreen(() => import('./delete-message-dialog.tsx').then((module) => module.DeleteMessageDialog));

interface Props {
  threadId: string;
  messageId: string;
  /** Who wrote it, for the menu button's name ("Message from Ana: actions"). */
  senderName: string;
}

/**
 * A message's menu (shown on messages the user may delete: their own, and any in a visitor
 * thread of an agent they own): Delete, after a confirmation. Focus goes back to this
 * button when the confirmation closes (see `useModalDialog`), and to the "Message deleted" line
 * when the deletion takes this menu off the page.
 */
export function MessageMenu({ threadId, messageId, senderName }: Props) {
  const p = usePrivacyStrings();
  const [confirming, setConfirming] = useState(false);
  const deleting = useRef(false);
  // The menu leaves the page when the message is shown deleted (whether the server's answer
  // or the message_deleted event comes first).
  useEffect(() => () => void (deleting.current && focusDeletedMessage(messageId)), [messageId]);
  return (
    <>
      <MenuButton
        label={p.messageMenu(senderName)}
        icon="⋯"
        items={[{ id: 'delete', label: p.deleteMessage, onSelect: () => setConfirming(true) }]}
      />
      {confirming && (
        <Suspense fallback={null}>
          <DeleteMessageDialog.Screen
            threadId={threadId}
            messageId={messageId}
            onConfirm={() => (deleting.current = true)}
            onClose={() => setConfirming(false)}
          />
        </Suspense>
      )}
    </>
  );
}
