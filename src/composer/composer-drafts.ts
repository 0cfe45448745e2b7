import type { DraftSource } from '../core/tabs/draft-tab-sync.ts';
import { draftKey, onLocalDraftChange, useDrafts } from './draft-store.ts';

/** The composer's textarea id for a thread (see composer.tsx). */
const composerId = (threadId: string) => `composer-${threadId}`;

/**
 * The signed-in user's drafts as the inbox client shares them with their other tabs: the
 * user is "in" a composer while its textarea has focus in the focused window, and another
 * tab's draft waits until they leave it (see `DraftTabSync`).
 */
export function composerDrafts(userId: string): DraftSource {
  const prefix = draftKey(userId, '');
  return {
    isActive: (threadId) => document.hasFocus() && document.activeElement?.id === composerId(threadId),
    apply: (threadId, text) => useDrafts.getState().receiveDraft(draftKey(userId, threadId), text),
    onChange: (listener) =>
      onLocalDraftChange((key, text) => {
        if (key.startsWith(prefix)) listener(key.slice(prefix.length), text);
      }),
    onFocusMoved(listener) {
      // Focus has moved once these events are done: check after them.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = () => {
        clearTimeout(timer);
        timer = setTimeout(listener, 0);
      };
      window.addEventListener('blur', settle);
      document.addEventListener('focusout', settle);
      return () => {
        clearTimeout(timer);
        window.removeEventListener('blur', settle);
        document.removeEventListener('focusout', settle);
      };
    },
  };
}
