import { useEffect } from 'react';

/** "(3) Inbox" while there are unread messages. */
export function useTabTitle(unread: number, base = 'Inbox'): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${base}` : base;
  }, [unread, base]);
}
