import { useEffect, useRef } from 'react';
import type { NotifyCandidate } from '../core/notify/desktop-notifier.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { currentStrings } from '../i18n/locale-store.ts';
import { pushShowsNotifications } from '../service-worker/service-worker-registration.ts';
import { nameOf, threadTitle } from '../threads/thread-title.ts';
import { notificationBody } from './notification-text.ts';

const threadHash = (threadId: string) => `#/thread/${threadId}`;

/**
 * Desktop notifications for new messages, one per message for all of the user's tabs: the
 * leader tab (or a tab on its own) decides and shows it (see `DesktopNotifier` and
 * `notifyDecision`); the others stay quiet. Shown only once the user allowed them. The text
 * is the message's words without markdown, shortened; clicking focuses the tab and opens the
 * thread. One notification per thread replaces the previous one (same tag). The inbox client
 * decides; this hook only shows. A browser with a push subscription gets what concerns the user
 * by push: its hidden tabs show nothing, the service worker does (src/service-worker/).
 */
export function useDesktopNotifications(threadOf: (threadId: string) => InboundThread | undefined): void {
  const { client, selfSenderId } = useEngine();
  const threadOfRef = useRef(threadOf);
  useEffect(() => {
    threadOfRef.current = threadOf;
  });

  useEffect(() => {
    const show = async (candidate: NotifyCandidate) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      // With push on this browser, a hidden tab leaves OS notifications to the service worker
      // (it shows each pushed notification once, by its id, while no inbox tab is visible):
      // never two for one event. A visible tab still shows its own, as the worker stays quiet then.
      if (document.visibilityState !== 'visible' && (await pushShowsNotifications())) return;
      const thread = threadOfRef.current(candidate.threadId);
      const t = currentStrings();
      const notification = new Notification(
        t.shell.notificationTitle(nameOf(thread, candidate.senderId, t), thread ? threadTitle(thread, selfSenderId, t) : null),
        { body: notificationBody(candidate.content), tag: candidate.threadId },
      );
      notification.onclick = () => {
        window.focus();
        location.hash = threadHash(candidate.threadId);
        notification.close();
      };
    };
    return client.showNotificationsWith((candidate) => void show(candidate));
  }, [client, selfSenderId]);
}
