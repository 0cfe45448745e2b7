import * as v from 'valibot';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  avatar_url: string | null;
}

interface SessionState {
  token: string | null;
  user: SessionUser | null;
  /** Why the user is at the sign-in page again ("Your session expired"), if they did not choose it. */
  notice: string | null;
  signIn(token: string, user: SessionUser): void;
  signOut(): void;
  /** The server refused the token: back to sign-in with a message; drafts and the outbox stay. */
  expire(notice: string): void;
}

const STORAGE_KEY = 'ama2.session';

const storedSchema = v.object({
  state: v.object({
    token: v.nullable(v.string()),
    user: v.nullable(v.object({ id: v.string(), name: v.string(), email: v.string(), avatar_url: v.nullable(v.string()) })),
  }),
  version: v.optional(v.number()),
});

/**
 * The signed-in session, kept in localStorage so a reload keeps it. What is read back is
 * validated (storage is a boundary too); anything else is a signed-out state.
 */
export const useSession = create<SessionState>()(
  persist(
    (set) => ({
      token: null,
      user: null,
      notice: null,
      signIn: (token, user) => set({ token, user, notice: null }),
      signOut: () => set({ token: null, user: null, notice: null }),
      expire: (notice) => set({ token: null, user: null, notice }),
    }),
    {
      name: STORAGE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ token: state.token, user: state.user }),
      merge: (persisted, current) => {
        const parsed = v.safeParse(storedSchema, { state: persisted });
        return parsed.success ? { ...current, ...parsed.output.state } : current;
      },
    },
  ),
);
