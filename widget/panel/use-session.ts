import { useSyncExternalStore } from 'react';
import type { SessionState, VisitorSession } from './visitor-session.ts';

/** The session's state; re-renders when it changes. */
export function useSession(session: VisitorSession): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}
