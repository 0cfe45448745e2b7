/**
 * The notifications bell and panel in German: exactly the keys of
 * `catalog-notifications-en.ts` (a missing or extra one is a type error). Loaded on demand.
 */
import type { NotificationStrings } from './catalog-notifications-en.ts';

const LOCALE = 'de';
const count = (n: number) => n.toLocaleString(LOCALE);

export const notificationsDe: NotificationStrings = {
  bell: {
    label: (n: number | null) => (n === null || n === 0 ? 'Benachrichtigungen' : `Benachrichtigungen, ${count(n)} ungelesen`),
    badge: (n: number) => (n > 99 ? '99+' : count(n)),
  },
  panel: {
    title: 'Benachrichtigungen',
    close: 'Schließen',
    unreadOnly: 'Nur ungelesene',
    markAll: 'Alle als gelesen markieren',
    loading: 'Benachrichtigungen werden geladen…',
    empty: 'Noch keine Benachrichtigungen',
    emptyUnread: 'Keine ungelesenen Benachrichtigungen',
    failed: (why: string) => `Die Benachrichtigungen konnten nicht geladen werden: ${why}`,
    retry: 'Erneut versuchen',
    more: 'Weitere Benachrichtigungen',
    loadingMore: 'Weitere Benachrichtigungen werden geladen…',
    moreFailed: (why: string) => `Weitere Benachrichtigungen konnten nicht geladen werden: ${why}`,
    unread: 'Ungelesen',
    readFailed: (why: string) => `Sie konnte nicht als gelesen markiert werden: ${why}`,
    readAllFailed: (why: string) => `Sie konnten nicht als gelesen markiert werden: ${why}`,
    arrived: (title: string) => `Neue Benachrichtigung: ${title}`,
  },
  kinds: {
    mention: 'Hat Sie erwähnt',
    assigned: 'Ihnen zugewiesen',
    waiting: 'Wartet auf Antwort',
    approval_pending: 'Freigabe nötig',
    message: 'Neue Nachricht',
    other: 'Benachrichtigung',
  },
};
