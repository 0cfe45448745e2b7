import { useEffect } from 'react';
import { DraftTabSync, type DraftTabMessage } from '../core/tabs/draft-tab-sync.ts';
import { browserTabChannel } from '../core/tabs/tab-channel.ts';
import { draftKey, onLocalDraftChange, useDrafts } from './draft-store.ts';

/** The composer's textarea id for a thread (see composer.tsx). */
const composerId = (threadId: string) => `composer-${threadId}`;

/**
 * Shares the signed-in user's drafts with their other tabs (channel `ama2:drafts:<userId>`);
 * the user is "in" a composer while its textarea has focus in the focused window, and another
 * tab's draft waits until they leave it (see {@link DraftTabSync}). Nothing where there is no BroadcastChannel.
 */
export function useDraftTabSync(userId: string): void {
  useEffect(() => {
    const channel = browserTabChannel<DraftTabMessage>(`ama2:drafts:${userId}`);
    if (!channel) return undefined;
    const prefix = draftKey(userId, '');
    const sync = new DraftTabSync({
      channel,
      isActive: (threadId) => document.hasFocus() && document.activeElement?.id === composerId(threadId),
      apply: (threadId, text) => useDrafts.getState().receiveDraft(draftKey(userId, threadId), text),
    });
    const unsubscribe = onLocalDraftChange((key, text) => {
      if (key.startsWith(prefix)) sync.changed(key.slice(prefix.length), text);
    });
    // Focus has moved once these events are done: check after them.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => sync.settle(), 0);
    };
    window.addEventListener('blur', settle);
    document.addEventListener('focusout', settle);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('blur', settle);
      document.removeEventListener('focusout', settle);
      unsubscribe();
      sync.stop();
    };
  }, [userId]);
}
