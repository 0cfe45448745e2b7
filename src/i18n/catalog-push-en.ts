import type { PushWords } from '../core/push/push-notification.ts';

/**
 * What the service worker's OS notifications say (push, CONTRACT §12), in English: buttons and
 * the outcome of a decision made from one. Apart from `catalog-en.ts` because only the service
 * worker reads them: it imports these few words, not the inbox's whole catalog.
 */
export const pushWordsEn: PushWords = {
  open: 'Open',
  approve: 'Approve',
  reject: 'Reject',
  approved: 'Approved',
  rejected: 'Rejected',
  alreadyDecided: 'Already decided',
  expired: 'This approval expired',
  failed: 'The decision could not be sent. Open the thread to decide there.',
};
