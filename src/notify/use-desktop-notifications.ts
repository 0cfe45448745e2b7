import { useCallback, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine/engine-context.tsx';
import { useEngineActivity } from '../hooks/use-engine-activity.ts';
import { currentStrings } from '../i18n/locale-store.ts';
import { nameOf, threadTitle } from '../threads/thread-title.ts';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Desktop notifications for new messages while the tab is hidden, once the user allowed
 * them. Text only, shortened; one notification per thread replaces the previous one.
 */
export function useDesktopNotifications(threadOf: (threadId: string) => InboundThread | undefined) {
  const { engine, selfSenderId } = useEngine();
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    supported() ? Notification.permission : 'unsupported',
  );

  useEngineActivity(engine, (activity) => {
    if (permission !== 'granted' || document.visibilityState !== 'hidden') return;
    if (activity.kind !== 'message' || activity.message.sender_id === selfSenderId) return;
    const message = activity.message;
    const thread = threadOf(activity.threadId);
    const t = currentStrings();
    const notification = new Notification(
      t.shell.notificationTitle(nameOf(thread, message.sender_id, t), thread ? threadTitle(thread, selfSenderId, t) : null),
      {
        body: message.content.slice(0, 140),
        tag: activity.threadId,
      },
    );
    notification.onclick = () => {
      window.focus();
      location.hash = `#/thread/${activity.threadId}`;
    };
  });

  const request = useCallback(async () => {
    if (!supported()) return;
    setPermission(await Notification.requestPermission());
  }, []);

  return { permission, request };
}
