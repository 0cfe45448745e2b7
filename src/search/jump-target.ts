import { create } from 'zustand';

interface JumpState {
  /** The message a search result opened, until its thread has shown it. */
  target: { threadId: string; seq: number } | null;
  jump(threadId: string, seq: number): void;
  clear(): void;
}

/** Where the open thread should show next: the message a search result pointed at. */
export const useJumpTarget = create<JumpState>()((set) => ({
  target: null,
  jump: (threadId, seq) => set({ target: { threadId, seq } }),
  clear: () => set({ target: null }),
}));
