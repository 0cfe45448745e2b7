import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { watchTabTitle } from './tab-title.ts';

/** "(3) Inbox" while there are unread messages: the title follows the thread list's cache (see {@link watchTabTitle}). */
export function useTabTitle(base = 'Inbox'): void {
  const queryClient = useQueryClient();
  useEffect(() => watchTabTitle(queryClient, base), [queryClient, base]);
}
