/**
 * The inbox's words for the notifications bell and panel (CONTRACT §12), in English: the
 * reference for `catalog-notifications-de.ts`. Kept apart from `catalog-en.ts` (part of the
 * inbox's initial JS) because only the signed-in chunk reads them. The notifications' own
 * titles and bodies come from the server, already in the user's language.
 */

const LOCALE = 'en';
const count = (n: number) => n.toLocaleString(LOCALE);

export const notificationsEn = {
  bell: {
    /** The bell's accessible name; null: the count is not known (yet). */
    label: (n: number | null) => (n === null || n === 0 ? 'Notifications' : `Notifications, ${count(n)} unread`),
    /** The badge's text (it caps what it shows; the name says the number). */
    badge: (n: number) => (n > 99 ? '99+' : count(n)),
  },
  panel: {
    title: 'Notifications',
    close: 'Close',
    unreadOnly: 'Unread only',
    markAll: 'Mark all as read',
    loading: 'Loading notifications…',
    empty: 'No notifications yet',
    emptyUnread: 'No unread notifications',
    failed: (why: string) => `Notifications could not be loaded: ${why}`,
    retry: 'Try again',
    more: 'More notifications',
    loadingMore: 'Loading more notifications…',
    moreFailed: (why: string) => `More notifications could not be loaded: ${why}`,
    /** Said and shown beside each unread notification (not by colour alone). */
    unread: 'Unread',
    readFailed: (why: string) => `It could not be marked as read: ${why}`,
    readAllFailed: (why: string) => `They could not be marked as read: ${why}`,
    /** Announced once for each notification that arrives while the panel is open. */
    arrived: (title: string) => `New notification: ${title}`,
  },
  /** Each kind in words (CONTRACT §12's table); a kind this inbox does not know yet is `other`. */
  kinds: {
    mention: 'Mentioned you',
    assigned: 'Assigned to you',
    waiting: 'Waiting for a reply',
    approval_pending: 'Approval needed',
    message: 'New message',
    other: 'Notification',
  } as Record<string, string> & { other: string },
};

export type NotificationStrings = typeof notificationsEn;
