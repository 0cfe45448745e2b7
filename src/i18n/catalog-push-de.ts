import type { PushWords } from '../core/push/push-notification.ts';

/** The service worker's words in German: exactly the keys of `catalog-push-en.ts` ({@link PushWords}). */
export const pushWordsDe: PushWords = {
  open: 'Öffnen',
  approve: 'Freigeben',
  reject: 'Ablehnen',
  approved: 'Freigegeben',
  rejected: 'Abgelehnt',
  alreadyDecided: 'Bereits entschieden',
  expired: 'Diese Freigabe ist abgelaufen',
  failed: 'Die Entscheidung konnte nicht gesendet werden. Öffnen Sie die Unterhaltung, um dort zu entscheiden.',
};
