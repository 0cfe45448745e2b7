import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface DraftState {
  /** `${userId}:${threadId}` → text */
  drafts: Record<string, string>;
  setDraft(key: string, text: string): void;
}

/** What the user is writing in each thread, kept across reloads and sign-ins. */
export const useDrafts = create<DraftState>()(
  persist(
    (set) => ({
      drafts: {},
      setDraft: (key, text) =>
        set((state) => {
          const drafts = { ...state.drafts };
          if (text) drafts[key] = text;
          else delete drafts[key];
          return { drafts };
        }),
    }),
    {
      name: 'ama2.drafts',
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
