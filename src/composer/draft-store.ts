import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface DraftState {
  /** `${userId}:${threadId}` → text */
  drafts: Record<string, string>;
  /** The user changed a draft in this tab (other tabs hear of it). */
  setDraft(key: string, text: string): void;
  /** Another tab's draft (not announced again). */
  receiveDraft(key: string, text: string): void;
}

const localListeners = new Set<(key: string, text: string) => void>();

/** Called for each draft the user changes in this tab; returns an unsubscribe function. */
export function onLocalDraftChange(listener: (key: string, text: string) => void): () => void {
  localListeners.add(listener);
  return () => localListeners.delete(listener);
}

function withDraft(drafts: Record<string, string>, key: string, text: string): Record<string, string> {
  const next = { ...drafts };
  if (text) next[key] = text;
  else delete next[key];
  return next;
}

/** What the user is writing in each thread, kept across reloads and sign-ins, and shared by the tabs. */
export const useDrafts = create<DraftState>()(
  persist(
    (set) => ({
      drafts: {},
      setDraft: (key, text) => {
        set((state) => ({ drafts: withDraft(state.drafts, key, text) }));
        for (const listener of [...localListeners]) listener(key, text);
      },
      receiveDraft: (key, text) => set((state) => ({ drafts: withDraft(state.drafts, key, text) })),
    }),
    {
      name: 'ama2.drafts',
      // Only the drafts are stored (the functions are not state).
      partialize: (state) => ({ drafts: state.drafts }),
      merge: (persisted, current) => {
        const drafts = (persisted as { drafts?: unknown } | undefined)?.drafts;
        if (typeof drafts !== 'object' || drafts === null) return current;
        const valid = Object.fromEntries(Object.entries(drafts).filter(([, value]) => typeof value === 'string'));
        return { ...current, drafts: valid as Record<string, string> };
      },
    },
  ),
);

export const draftKey = (userId: string, threadId: string) => `${userId}:${threadId}`;
